"""Challenges: a teacher's class challenge, and its live board."""

from scratchnet.app.challenges import view
from scratchnet.app.ui import nav

nav.page_config("Challenges")

view.page()
