"""Sweep: one small network per cell of a grid over two settings, and a map of how each did."""

from scratchnet.app.sweep import view
from scratchnet.app.ui import nav

nav.run_page("Sweep", view.page)
