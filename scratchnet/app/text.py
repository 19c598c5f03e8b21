"""Text from users (link values, file names, labels from a CSV), shown safely as Streamlit Markdown.

Streamlit draws messages, captions and widget labels as Markdown: a link value such as
``[click](http://…)`` or ``![](http://…/pixel.png)`` would become a live link or an image
fetched from elsewhere, ``:red[…]`` a coloured span, ``$…$`` a formula. ``escape`` puts a
backslash before every character that means something there, so the text reads the same and
does nothing. (Raw HTML is already shown as text: the app never allows it.)
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def escape(text: object) -> str:
    """``text`` with every Markdown-significant character escaped (it then shows exactly as written)."""
    return _SPECIAL.sub(r"\\\1", str(text))
