"""Share links: the whole configuration lives in the URL, so a link opens the same run.

``?lr=0.1&hidden=32,32`` sets controls (only values that differ from the defaults appear);
``?preset=notebook1`` starts from a preset; ``?hide=training,seed`` hides controls (a teacher's
link). Every value from a link is validated like a widget's; a refused one gets a message and
keeps its default, and the rest of the link still applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import streamlit as st

from scratchnet.app.runs.config import RunConfig, from_query, to_query
from scratchnet.app.runs.presets import PRESETS
from scratchnet.app.ui import controls

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
    if len(query.get("preset") or []) > 1:
        messages.append(f"preset was given {len(query['preset'])} times in the link; using the last one.")
    preset = (query.get("preset") or [None])[-1]
    base = RunConfig()
    if preset is not None:
        if preset in PRESETS:
            base = PRESETS[preset].config()
        else:
            messages.append(f"Ignored an unknown preset {preset[:40]!r}; presets are {', '.join(PRESETS)}.")
            preset = None
    config, problems = from_query(query, base)
    hide = ",".join(query.get("hide", []))
    hidden = controls.parse_hidden_list(hide)
    unknown = [part.strip() for part in hide.split(",") if part.strip() and part.strip() not in hidden]
    if unknown:
        shown = ", ".join(repr(name[:20]) for name in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        messages.append(
            f"Ignored unknown names in hide: {shown}. hide takes control names such as lr, epochs or seed, "
            "a group (data, network, training), presets or upload."
        )
    return Link(config, hidden, preset, tuple(messages + problems))


def open_link() -> Link:
    """This session's link, read once on its first run (later runs reuse it)."""
    if "link" not in st.session_state:
        link = read_link(_query())
        st.session_state["link"] = link
        controls.load(link.config)
    return st.session_state["link"]


def link_query(config: RunConfig, hidden: frozenset[str] = frozenset(), preset: str | None = None) -> dict[str, str]:
    """The query parameters of a link to ``config``; a classroom link may also hide controls and name
    the preset it starts from (then only the differences from that preset are spelled out)."""
    query = {"preset": preset} if preset in PRESETS else {}
    query |= to_query(config, PRESETS[preset].config() if preset in PRESETS else None)
    if hidden:
        query["hide"] = ",".join(sorted(hidden))
    return query


def share_url(query: dict[str, str]) -> str:
    """The full address of this app with ``query`` (the page's own URL, as the browser sees it)."""
    address = st.context.url or "http://localhost:8501/"
    return f"{address}?{urlencode(query)}" if query else address


def write_link(config: RunConfig) -> None:
    """Put ``config`` in the address bar (keeping the teacher's hide list), so copying it shares the run."""
    link: Link = st.session_state.get("link", Link(config))
    st.query_params.from_dict(link_query(config, link.hidden))


def _hideable() -> dict[str, str]:
    from scratchnet.app.runs.config import FIELDS

    groups = {group: f"all {title.lower()} controls" for group, title in controls.GROUPS.items()}
    return {"presets": "presets", **groups, **{name: spec.label for name, spec in FIELDS.items()}}


def share_panel(config: RunConfig) -> None:
    """A popover with this run's link (copy button included) and a classroom-link builder."""
    link: Link = st.session_state.get("link", Link(config))
    with st.popover("Share", icon=":material/share:"):
        st.markdown("**This run.** Anyone who opens the link gets the same data, network and run, trained once.")
        st.code(share_url(link_query(config, link.hidden)), language=None, wrap_lines=True)
        if config.data_id:
            st.caption("Uploaded points stay in this browser: the link carries the settings, not the file.")
        st.markdown("**A classroom link** hides the controls you choose and starts from a preset.")
        labels = _hideable()
        hide = st.multiselect("Hide", list(labels), format_func=labels.get, key="share.hide")
        preset = st.selectbox(
            "Start from",
            [None, *PRESETS],
            format_func=lambda p: "these settings" if p is None else PRESETS[p].label,
            key="share.preset",
        )
        start = config if preset is None else PRESETS[preset].config()
        st.code(share_url(link_query(start, frozenset(hide), preset)), language=None, wrap_lines=True)
