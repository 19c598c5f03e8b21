"""Under the hood: one training step laid bare, gradient checks, and what a trained network has inside."""

from scratchnet.app.ui import nav
from scratchnet.app.under_the_hood import view

nav.run_page("Under the hood", view.page)
