"""The Playground: pick data, a network and a way to train it; watch it learn."""

from scratchnet.app.challenges import bar_view as challenges  # noqa: F401 (its bar on the Playground: ui/bars.py)
from scratchnet.app.lessons import bar_view as lessons  # noqa: F401 (its bar on the Playground: ui/bars.py)
from scratchnet.app.playground import view
from scratchnet.app.ui import nav

nav.run_page("Playground", view.page)
