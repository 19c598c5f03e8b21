"""The Playground's own state: the points drawn by hand (``playground/draw_view.py``) and the unit of the
network diagram looked at closely (``playground/view.py``)."""

from __future__ import annotations

# ---- draw your points (owner: playground/draw_view.py) ----------------------------------------------------
DRAWING = "draw.drawing"  # this session's drawing (a playground.draw.Drawing)
DRAW_CLASS = "draw.class"
DRAW_MODE = "draw.mode"
DRAW_CANVAS = "draw.canvas"  # how many clicks the canvas has taken: part of its key, so each click is new
DRAW_NOTE = "draw.note"  # a message for the panel's next draw
DRAW_LINK_READ = "draw.link_read"  # the link's drawing has been read (once per session)
DRAW_LINK_MESSAGES = "draw.link_messages"  # what reading it said, shown with the link's other messages


def draw_canvas_key(clicks: int) -> str:
    """The canvas chart's key after ``clicks`` clicks."""
    return f"draw.canvas.{clicks}"


# ---- playground (owner: playground/view.py) --------------------------------------------------------
DIAGRAM_UNIT = "playground.unit"  # the unit of the network diagram looked at closely ("layer:unit", or None)
