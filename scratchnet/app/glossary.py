"""The words the app uses, in plain language: one sentence or two each, no formulas.

The Lessons page shows them as its glossary (each term an anchor, ``#glossary-<term>``), lessons link
the terms their text uses, and any view may quote one as a help text (``meaning``). No Streamlit here.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    "epoch": "One pass over all the training points. Training for 2 000 epochs means the network has seen every "
    "training point 2 000 times.",
    "loss": "One number that says how wrong the network is on the points: 0 if it is sure and right about "
    "every point, larger the more it is unsure or wrong. Training tries to make it small.",
    "cross-entropy": "The loss used here. For each point, it looks at the probability the network gave the "
    "point's true class: near 1 costs almost nothing, near 0 costs a lot. The loss is the average over points.",
    "softmax": "Turns the network's class scores into probabilities: all positive, adding up to 1, the highest "
    "score getting the highest probability.",
    "held-out": "Points kept out of training. The network never learns from them, so how it does on them shows "
    "how it does on points it has not seen.",
    "gradient": "For each weight, how much the loss goes up when that weight grows a little. Moving every weight "
    "a little against its gradient makes the loss go down.",
    "learning rate": "How big a step each weight takes against its gradient. Too small and training crawls; too "
    "large and the steps jump over the low point and the loss grows.",
    "batch": "The points one step looks at. A full batch is all the training points; a mini-batch is a few, so "
    "an epoch takes several smaller, noisier steps.",
    "overfitting": "When the network learns its training points by heart instead of the pattern: the training "
    "loss keeps falling while the held-out loss rises.",
}


def anchor(term: str) -> str:
    """The page anchor of ``term`` in the glossary: ``glossary-learning-rate``."""
    return "glossary-" + re.sub(r"[^a-z]+", "-", term.lower()).strip("-")


def meaning(term: str) -> str:
    """The plain-language meaning of ``term`` (a help text for a tile or a control)."""
    return GLOSSARY[term]


def used_in(text: str) -> list[str]:
    """The glossary's terms that ``text`` uses (as words, any case; "epochs" counts for "epoch")."""
    lower = text.lower()
    return [term for term in GLOSSARY if re.search(rf"\b{re.escape(term)}(e?s)?\b", lower)]
