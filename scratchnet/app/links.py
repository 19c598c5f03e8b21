"""Share links: the whole configuration lives in the URL, so a link opens the same run.

``?lr=0.1&hidden=32,32`` sets controls (only values that differ from the defaults appear);
``?preset=notebook1`` starts from a preset; ``?hide=training,seed`` hides controls (a teacher's
link). Every value from a link is validated like a widget's; a refused one gets a message and
keeps its default, and the rest of the link still applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from . import widgets
from .config import PRESETS, RunConfig, from_query, to_query

LINK_KEYS = ("preset", "hide")


@dataclass(frozen=True)
class Link:
    config: RunConfig
    hidden: frozenset[str] = frozenset()
    preset: str | None = None
    messages: tuple[str, ...] = field(default_factory=tuple)


def _query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def read_link(query: dict[str, list[str]]) -> Link:
    """A ``Link`` from query parameters (each key with all its values)."""
    messages: list[str] = []
    preset = (query.get("preset") or [None])[-1]
    base = RunConfig()
    if preset is not None:
        if preset in PRESETS:
            base = PRESETS[preset].config()
        else:
            messages.append(f"Ignored an unknown preset {preset[:40]!r}; presets are {', '.join(PRESETS)}.")
            preset = None
    config, problems = from_query(query, base)
    hidden = widgets.parse_hidden_list(",".join(query.get("hide", [])))
    return Link(config, hidden, preset, tuple(messages + problems))


def open_link() -> Link:
    """This session's link, read once on its first run (later runs reuse it)."""
    if "link" not in st.session_state:
        link = read_link(_query())
        st.session_state["link"] = link
        widgets.load(link.config)
    return st.session_state["link"]


def write_link(config: RunConfig) -> None:
    """Put ``config`` in the address bar (keeping the teacher's hide list), so copying it shares the run."""
    link: Link = st.session_state.get("link", Link(config))
    query = to_query(config)
    if link.hidden:
        query["hide"] = ",".join(sorted(link.hidden))
    st.query_params.from_dict(query)
