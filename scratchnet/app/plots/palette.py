"""The app's colours, each defined once.

``PALETTE`` colours the classes in every chart; ``.streamlit/config.toml`` gives Streamlit's own
charts the same list (a test keeps the two equal). A weight's or a value's sign is the same pair on
every page: blue below zero, orange above, white at 0 (the Playground's network diagram, Under the
hood's weight heatmaps, unit maps and stage tables).
"""

from __future__ import annotations

#: Class colours (Vega's "tableau10"), shared with the app theme so legends and charts agree.
PALETTE = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#EECA3B", "#9D755D", "#FF9DA6", "#BAB0AC")
#: A negative and a positive value: the first two class colours (blue, orange).
NEGATIVE, POSITIVE = PALETTE[0], PALETTE[1]
ZERO = "#FFFFFF"
#: The same pair in the colour names Streamlit's Markdown knows (``:orange[...]``), for tables drawn as text.
NEGATIVE_MARK, POSITIVE_MARK = "blue", "orange"


def signed_scale(peak: float) -> dict[str, object]:
    """A colour scale for values from ``-peak`` to ``peak``: ``NEGATIVE`` through white to ``POSITIVE``."""
    return {"domain": [-peak, 0, peak], "range": [NEGATIVE, ZERO, POSITIVE], "interpolate": "rgb"}
