"""The Playground's own state: the points drawn by hand (``playground/draw_view.py``) and the unit of the
network diagram looked at closely (``playground/view.py``)."""

from __future__ import annotations

# ---- draw your points (owner: playground/draw_view.py) ----------------------------------------------------
DRAWING = "draw.drawing"  # this session's drawing (a runs.drawing.Drawing)
DRAW_CLASS = "draw.class"
DRAW_MODE = "draw.mode"
DRAW_CANVAS = "draw.canvas"  # the canvas chart's key: its selection holds the clicks since it was drawn
DRAW_VERSION = "draw.version"  # how many times clicks changed the canvas: part of each click's selection
DRAW_SEEN = "draw.seen"  # the clicks (x, y, version) already drawn: the selection may hold them again
DRAW_TRAINED = "draw.trained"  # "Train on these points" started a run: the whole page redraws to show it
DRAW_NOTE = "draw.note"  # a message for the panel's next draw
DRAW_LINK_READ = "draw.link_read"  # the link's drawing has been read (once per session)
DRAW_LINK_MESSAGES = "draw.link_messages"  # what reading it said, shown with the link's other messages


# ---- playground (owner: playground/view.py) --------------------------------------------------------
DIAGRAM_UNIT = "playground.unit"  # the unit of the network diagram looked at closely ("layer:unit", or None)
