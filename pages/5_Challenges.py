"""Challenges: a teacher's class and its challenges, their live boards; a student's own class page."""

from scratchnet.app.challenges import view
from scratchnet.app.lessons import view as lessons  # noqa: F401 (names its lessons for the class view: ui/classroom.py)
from scratchnet.app.ui import nav

nav.run_page("Challenges", view.page)
