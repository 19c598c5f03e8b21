"""The app's own page menu, with titles and icons (the pages/ folder would name the home page
after its file). Every page is one call, ``run_page(title, view.page)``: its configuration, the menu,
then its view, guarded so that a failure shows a friendly message (``failure.py``), never a traceback.
``.streamlit/config.toml`` hides the default menu."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scratchnet.app.runs.links import hide_query
from scratchnet.app.runs.view import presents
from scratchnet.app.ui import classroom, failure, links, session

#: Each page: its file, its name, its icon in the menu (Material Symbols, drawn from a font that
#: ships with Streamlit) and in the browser tab (an emoji: a Material icon there is fetched from
#: the internet, and the app makes no network calls).
PAGES = (
    ("streamlit_app.py", "Playground", ":material/hub:", "🧠"),
    ("pages/1_Experiments.py", "Experiments", ":material/science:", "🧪"),
    ("pages/2_Under_the_hood.py", "Under the hood", ":material/build:", "🔬"),
    ("pages/3_Sweep.py", "Sweep", ":material/grid_on:", "📊"),
    ("pages/4_Lessons.py", "Lessons", ":material/school:", "🎓"),
    ("pages/5_Challenges.py", "Challenges", ":material/emoji_events:", "🏆"),
)


def menu() -> None:
    """Links to every page, at the top of the sidebar. A teacher's ``hide=`` list goes along in the
    address bar: the controls it hides stay hidden on every page, and a copied address keeps it."""
    along = hide_query(session.hidden()) | classroom.along()  # a student's class address goes along too
    with st.sidebar:
        for path, label, icon, _ in PAGES:
            st.page_link(path, label=label, icon=icon, query_params=along or None)
        st.divider()


def page_config(title: str) -> None:
    """The browser tab's title and icon, and the wide layout every page uses; then the menu."""
    tab_icon = next(tab_icon for _, label, _, tab_icon in PAGES if label == title)
    st.set_page_config(page_title=f"scratchnet · {title}", page_icon=tab_icon, layout="wide")
    links.open_link()  # on whichever page a session starts: a classroom link may open any page
    classroom.keep_address()  # a student in a class keeps their personal address on every page
    if not projected(title):  # on a projector: no sidebar (nothing in it, so none is shown)
        menu()
    classroom.notice()


def projected(title: str) -> bool:
    """True when the page ``title`` is shown on a projector: the Playground's presentation view, a
    challenge's board with ``present=1``, a class's projector view (``view=projector``)."""
    if title == "Playground":
        return session.presenting()
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    return title == "Challenges" and (presents(query) or query.get("view") == ["projector"])


def run_page(title: str, page: Callable[[], None]) -> None:
    """The whole page ``title``: its configuration and menu, then ``page()``; a failure in either
    is logged and shown as a friendly message with a way on (``failure.guarded``)."""

    def draw() -> None:
        page_config(title)
        page()

    failure.guarded(title, draw)
