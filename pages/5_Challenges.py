"""Challenges: a teacher's class and its challenges, their live boards; a student's own class page."""

from scratchnet.app.challenges import class_view, view
from scratchnet.app.lessons.logic import LESSONS
from scratchnet.app.ui import nav

nav.page_config("Challenges")

if class_view.wanted():  # ?class=…: the class's pages (teacher, projector, a student, joining)
    class_view.page([(lesson.key, lesson.title) for lesson in LESSONS])
else:
    view.page(after_create=class_view.create_class_form)
