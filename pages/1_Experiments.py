"""Experiments: the notebook replayed, optimizers side by side, and this session's runs compared."""

from scratchnet.app.experiments import view
from scratchnet.app.ui import nav

nav.run_page("Experiments", view.page)
