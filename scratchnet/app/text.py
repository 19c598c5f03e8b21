"""Text the app shows: user text made safe as Streamlit Markdown (``escape``), and numbers written one way (``fmt``).

Text from users (link values, file names, labels from a CSV) is shown safely as Streamlit Markdown.

Streamlit draws messages, captions and widget labels as Markdown: a link value such as
``[click](http://…)`` or ``![](http://…/pixel.png)`` would become a live link or an image
fetched from elsewhere, ``:red[…]`` a coloured span, ``$…$`` a formula. ``escape`` puts a
backslash before every character that means something there, so the text reads the same and
does nothing. (Raw HTML is already shown as text: the app never allows it.)
"""

from __future__ import annotations

import math
import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def escape(text: object) -> str:
    """``text`` with every Markdown-significant character escaped (it then shows exactly as written)."""
    return _SPECIAL.sub(r"\\\1", str(text))


def fmt(value: float | None, spec: str = "g") -> str:
    """A number as the app writes it: ``spec`` is a format spec (``".4f"``, ``".1%"``, ``","``); the
    default is the short form of a setting (``1e-05`` → ``1e-5``, ``0.5``, ``10000``). Nothing, or a
    value that is not a finite number, reads "—". A tiny number a fixed-point spec would write as
    zero (a loss of 6.5e-7 as "0.0000") is written in two significant digits instead."""
    if value is None or not math.isfinite(value):
        return "—"
    fixed = re.fullmatch(r"\.(\d+)f", spec)
    if fixed and value != 0 and abs(value) < 0.5 * 10 ** -int(fixed.group(1)):
        spec = ".2g"
    text = format(value, spec)
    if spec not in ("g", ".2g"):
        return text
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else text


def plural(count: int, noun: str) -> str:
    """``1 epoch``, ``2 epochs``, ``1,000 epochs``: the count (with thousands commas) and its noun."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
