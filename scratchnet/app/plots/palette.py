"""The app's colours, each defined once.

``PALETTE`` colours the classes in every chart; ``.streamlit/config.toml`` gives Streamlit's own
charts the same list (a test keeps the two equal). A weight's or a value's sign is the same pair on
every page: blue below zero, orange above, white at 0 (the Playground's network diagram, Under the
hood's weight heatmaps, unit maps and stage tables).
"""

from __future__ import annotations

#: Class colours (Vega's "tableau10", reordered with a purple 4th): shared with the app theme so legends and
#: charts agree. The first five stay at least 15 CIE76 ΔE apart under protanopia, deuteranopia and
#: tritanopia (``vision.py``; tableau10's red 4th was 1.7 from its green under deuteranopia).
PALETTE = ("#4C78A8", "#F58518", "#54A24B", "#6A3D9A", "#FF9DA6", "#9D755D", "#72B7B2", "#E45756", "#EECA3B", "#BAB0AC")
#: A negative and a positive value: the first two class colours (blue, orange).
NEGATIVE, POSITIVE = PALETTE[0], PALETTE[1]
ZERO = "#FFFFFF"
#: The same pair in the colour names Streamlit's Markdown knows (``:orange[...]``), for tables drawn as text.
NEGATIVE_MARK, POSITIVE_MARK = "blue", "orange"


def signed_scale(peak: float) -> dict[str, object]:
    """A colour scale for values from ``-peak`` to ``peak``: ``NEGATIVE`` through white to ``POSITIVE``."""
    return {"domain": [-peak, 0, peak], "range": [NEGATIVE, ZERO, POSITIVE], "interpolate": "rgb"}
