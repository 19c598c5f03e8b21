"""Lessons: a guided path from "a line cannot split a spiral" to Adam, with goals that check themselves."""

from scratchnet.app.lessons import view
from scratchnet.app.ui import nav

nav.run_page("Lessons", view.page)
