"""Share links in the app: the address bar read once per session, written back after each run,
and the Share popover. The parsing and building of links is ``runs/links.py`` (no Streamlit)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from scratchnet.app.runs.config import FIELDS, RunConfig
from scratchnet.app.runs.links import Link, link_query, public, read_link
from scratchnet.app.runs.presets import PRESETS
from scratchnet.app.ui import controls, session

KEPT = ("challenge", "class", "me", "progress")  # what a run written to the address bar keeps of it


def _query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def open_link() -> Link:
    """This session's link, read once on its first run of any page (later runs reuse it)."""
    opened = session.link()
    if opened is None:
        opened = read_link(_query())
        session.set_link(opened)
        controls.load(opened.config)
    return opened


def share_url(query: dict[str, str]) -> str:
    """The full address of this app with ``query`` (the page's own URL, as the browser sees it)."""
    query = public(query)  # a personal token or a teacher's key never travels in a shared link
    address = st.context.url or "http://localhost:8501/"
    if not urlsplit(address).path:
        address += "/"  # http://host:8501/?lr=0.1, as a browser writes it
    return f"{address}?{urlencode(query)}" if query else address


def app_address(page: str = "") -> str:
    """The app's own address (the Playground's, ending in "/"), from the address of the page ``page``
    as the browser sees it (its query and its own path taken off)."""
    url = (st.context.url or "http://localhost:8501/").split("?")[0].rstrip("/")
    return url.removesuffix("/" + page) + "/" if page else url + "/"


def write_link(config: RunConfig) -> None:
    """Put ``config`` in the address bar (keeping the teacher's hide list), so copying it shares the run."""
    # a student link's challenge, and the student's own class address and progress, stay in the address bar
    kept = {name: st.query_params[name] for name in KEPT if name in st.query_params}
    st.query_params.from_dict(link_query(config, session.hidden()) | kept)


def _hideable() -> dict[str, str]:
    groups = {group: f"all {title.lower()} controls" for group, title in controls.GROUPS.items()}
    return {"presets": "presets", **groups, **{name: spec.label for name, spec in FIELDS.items()}}


def _copyable(label: str, url: str, key: str) -> None:
    """``url`` in a box to select and copy, and a button that opens it in a new tab.

    The box is reset to ``url`` on every draw, so an accidental edit never sticks."""
    st.session_state[key] = url
    st.text_input(
        label,
        key=key,
        help="Click in the box, select all (Ctrl+A, or ⌘A on a Mac) and copy (Ctrl+C, or ⌘C).",
    )
    st.link_button("Open it in a new tab", url, icon=":material/open_in_new:")
    st.caption("To copy: click the link, select all and copy; or open it and copy it from the address bar.")


def share_panel(config: RunConfig) -> None:
    """A popover with this run's link (to copy or open) and a classroom-link builder.

    A run on uploaded points cannot travel as a link (the points stay in this browser): the
    panel says so instead of offering a link that would open other data."""
    with st.popover("Share", icon=":material/share:"):
        if config.data_id:
            st.markdown(
                "**This run cannot be shared as a link.** It trained on points you uploaded, and they stay in "
                "this browser: a link carries settings, not files. Share the points file and the settings instead "
                "(the downloads under **Take it home**)."
            )
        else:
            st.markdown("**This run.** Anyone who opens the link gets the same data, network and run, trained once.")
            _copyable("Link to this run", share_url(link_query(config, session.hidden())), session.SHARE_URL)
        st.markdown("**A classroom link** hides the controls you choose and starts from a preset.")
        labels = _hideable()
        hide = st.multiselect("Hide", list(labels), format_func=labels.get, key=session.SHARE_HIDE)
        # "" is "these settings" (a None option would show as an empty choice); uploaded points cannot travel
        presets = ["", *PRESETS] if not config.data_id else list(PRESETS)
        preset = (
            st.selectbox(
                "Start from",
                presets,
                format_func=lambda p: PRESETS[p].label if p else "these settings",
                key=session.SHARE_PRESET,
            )
            or None
        )
        start = config if preset is None else PRESETS[preset].config()
        _copyable("Classroom link", share_url(link_query(start, frozenset(hide), preset)), session.SHARE_CLASSROOM_URL)
