"""Share links in the app: the address bar read once per session, written back after each run,
and the Share popover. The parsing and building of links is ``runs/links.py`` (no Streamlit)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from scratchnet.app.runs.config import FIELDS, RunConfig
from scratchnet.app.runs.links import Link, link_query, public
from scratchnet.app.runs.presets import PRESETS
from scratchnet.app.runs.view import OpenedView, View, read_view_link, view_query
from scratchnet.app.ui import controls, session


def _query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def open_link() -> Link:
    """This session's link, read once on its first run of any page (later runs reuse it)."""
    opened = session.link()
    if opened is None:
        asked = read_view_link(_query())
        session.set_link(asked.link, asked)
        session.set_presenting(asked.present)
        controls.load(asked.link.config)
        opened = asked.link
    return opened


def opened_view() -> OpenedView | None:
    """What this session's first link asked for beyond its settings (an untrained network, a replay
    epoch), until the run it opened is on screen (``session.take_opened_view``)."""
    return session.opened_view()


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


KEPT_PARAMETERS = ("challenge", "lesson", "class", "me", "progress", "present")  # where the student is, and who, stay
# in the address bar (a personal token or a teacher's key never reaches a shared link: ``public``)


def view_link(view: View) -> dict[str, str]:
    """The address of ``view`` (``runs.view.view_query``), with the teacher's hide list and where the student is."""
    kept = {name: st.query_params[name] for name in KEPT_PARAMETERS if name in st.query_params}
    return view_query(view, session.hidden()) | kept


def write_link() -> None:
    """Put what is on screen (``session.view()``) in the address bar, so copying it shares the screen.

    Written only when it changed (a replay that plays writes it once a frame otherwise)."""
    shown = session.view()
    if shown is None:
        return
    query = view_link(shown)
    if {key: st.query_params.get_all(key) for key in st.query_params} != {k: [v] for k, v in query.items()}:
        st.query_params.from_dict(query)


def keep_presenting() -> None:
    """The presentation toggle's change, in the address bar (``present=1``), so a reload keeps it."""
    if session.presenting():
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def present_toggle() -> bool:
    """The presentation view's toggle (its state also in the address bar); True when it is on."""
    return st.toggle(
        "Present",
        key=session.PRESENT,
        on_change=keep_presenting,
        help="Large charts and the step buttons on one screen, for a projector. The address keeps it (present=1).",
    )


def _hideable() -> dict[str, str]:
    groups = {group: f"all {title.lower()} controls" for group, title in controls.GROUPS.items()}
    return {"presets": "presets", **groups, **{name: spec.label for name, spec in FIELDS.items()}}


def _copyable(label: str, url: str, key: str) -> None:
    """``url`` in a box to select and copy, and a button that opens it in a new tab.

    The box is reset to ``url`` on every draw, so an accidental edit never sticks."""
    session.reset_share_box(key, url)
    st.text_input(
        label,
        key=key,
        help="Click in the box, select all (Ctrl+A, or ⌘A on a Mac) and copy (Ctrl+C, or ⌘C).",
    )
    st.link_button("Open it in a new tab", url, icon=":material/open_in_new:")
    st.caption("To copy: click the link, select all and copy; or open it and copy it from the address bar.")


def share_panel(config: RunConfig) -> None:
    """A popover with the link to what is on screen (to copy or open) and a classroom-link builder.

    A run on uploaded points cannot travel as a link (the points stay in this browser): the
    panel says so instead of offering a link that would open other data. ``config``: the
    settings to share before any run is on screen."""
    shown = session.view()
    if shown is None:
        shown = View(config)
    with st.popover("Share", icon=":material/share:"):
        if not shown.source.travels:
            st.markdown(
                "**This run cannot be shared as a link.** It trained on points you uploaded, and they stay in "
                "this browser: a link carries settings, not files. Share the points file (under **Take it home**) "
                "with the link below: it opens these settings untrained and asks for the points."
            )
            _copyable("Link to these settings", share_url(view_query(shown, session.hidden())), session.SHARE_URL)
        else:
            drawn = " (the drawn points travel in it)" if shown.source.kind == "drawing" else ""
            st.markdown(
                f"**What is on screen.** Anyone who opens the link gets the same data{drawn}, network and run, "
                "trained once, at the same epoch."
            )
            _copyable("Link to this run", share_url(view_query(shown, session.hidden())), session.SHARE_URL)
        st.markdown("**A classroom link** hides the controls you choose and starts from a preset.")
        labels = _hideable()
        hide = st.multiselect("Hide", list(labels), format_func=labels.get, key=session.SHARE_HIDE)
        # "" is "these settings" (a None option would show as an empty choice); uploaded points cannot travel
        presets = ["", *PRESETS] if shown.source.kind == "dataset" else list(PRESETS)
        preset = (
            st.selectbox(
                "Start from",
                presets,
                format_func=lambda p: PRESETS[p].label if p else "these settings",
                key=session.SHARE_PRESET,
            )
            or None
        )
        start = shown.config if preset is None else PRESETS[preset].config()
        _copyable("Classroom link", share_url(link_query(start, frozenset(hide), preset)), session.SHARE_CLASSROOM_URL)
