"""The boards drawn large, for a projector: names and figures as big words, one row each. No Streamlit.

Names are drawn as chart text (never as Markdown): a name shows exactly as typed.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from scratchnet.app.plots.charts import description

NAME_PIXELS = 28  # a name read from the back of a room
ROW_PIXELS = 44
MOST_ROWS = 12  # a 720-pixel-high screen's worth: the top of the board
CHAR_PIXELS = 0.6 * NAME_PIXELS  # about the width of a letter at that size
GAP_PIXELS = 24  # between columns


def large_board(columns: dict[str, list], *, title: str) -> alt.LayerChart:
    """The first ``MOST_ROWS`` rows of a table (``columns``: heading -> values, shown in that order) as
    big words, each column as wide as its longest word: the headings above, in bold."""
    headings = list(columns)
    total = len(next(iter(columns.values()), []))
    rows = min(MOST_ROWS, total)
    longest = [max(0.8 * len(heading), *(len(str(text)) for text in columns[heading][:rows])) for heading in headings]
    widths = [round(CHAR_PIXELS * length) + GAP_PIXELS for length in longest]  # headings are 0.8 the size
    starts = [sum(widths[:i]) for i in range(len(headings))]
    width = sum(widths) - GAP_PIXELS
    cells = pd.DataFrame(
        [
            {"x": starts[c], "row": r + 1, "text": str(columns[heading][r])}
            for c, heading in enumerate(headings)
            for r in range(rows)
        ]
        + [{"x": starts[c], "row": 0, "text": heading} for c, heading in enumerate(headings)],
        columns=["x", "row", "text"],
    )
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, width], nice=False, zero=True), axis=None)
    y = alt.Y("row:O", axis=None)
    base = alt.Chart(cells).encode(x=x, y=y, text=alt.Text("text:N"))
    body = base.transform_filter("datum.row > 0").mark_text(align="left", fontSize=NAME_PIXELS, color="#1F2430")
    head = base.transform_filter("datum.row == 0").mark_text(
        align="left", fontSize=NAME_PIXELS * 0.8, fontWeight="bold", color="#555"
    )
    return alt.layer(
        head,
        body,
        width=width,
        height=ROW_PIXELS * (rows + 1),
        description=description(title, f"The first {rows} of {total} rows ({', '.join(headings)}), large."),
    )
