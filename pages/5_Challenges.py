"""Challenges: a teacher's class challenge, and its live board."""

from scratchnet.app.challenges import view
from scratchnet.app.ui import nav

nav.run_page("Challenges", view.page)
