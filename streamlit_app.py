"""The Playground: pick data, a network and a way to train it; watch it learn."""

from scratchnet.app.playground import view
from scratchnet.app.ui import nav

nav.run_page("Playground", view.page)
