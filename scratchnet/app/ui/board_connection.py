"""The class board's database, as the app reaches it: ``st.connection("board", type="sql")``.

Its URL comes from ``SCRATCHNET_BOARD_URL``, else ``.streamlit/secrets.toml``
(``[connections.board] url``), else an SQLite file in the user's data folder. One ``Store`` per
database is shared by every session (it creates the tables once); a board found unreachable is not
asked again on every redraw. Also the app's own address, for the links the board hands out.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from scratchnet.app.board.database import BoardUnavailable, Unreachable, default_url, engine_options
from scratchnet.app.board.store import Store
from scratchnet.app.ui import links

PAGE_PATH = "Challenges"  # the Challenges page's address, after the app's own


def board_url() -> str:
    if configured := os.environ.get("SCRATCHNET_BOARD_URL"):
        return configured
    try:
        configured = st.secrets.get("connections", {}).get("board", {}).get("url")
    except (StreamlitSecretNotFoundError, FileNotFoundError, AttributeError):
        configured = None  # no secrets file: the default database
    return configured or default_url()


@st.cache_resource(show_spinner=False)
def _store(url: str, _engine: Any) -> Store:
    return Store(_engine)  # one per database: it creates the tables once


def board_store() -> Store:
    """The board's store; ``BoardUnavailable`` (with a sentence for the page) when it cannot be opened."""
    try:
        url = board_url()
        connection = st.connection("board", type="sql", url=url, **engine_options(url))
        return _store(url, connection.engine)
    except Exception as error:  # a malformed URL, a missing driver, a data folder that cannot be made
        message = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        raise BoardUnavailable(f"The board's database cannot be opened ({message}).") from error


_unreachable = Unreachable()  # process-wide: an unreachable board is not asked again on every redraw


def board_read(read: Callable[[Store], Any]) -> Any:
    """``read(store)`` for the Playground's challenge bar; ``BoardUnavailable`` at once while the
    board was found unreachable a moment ago (a connect timeout must not slow every redraw)."""
    url = board_url()
    _unreachable.check(url)
    try:
        return read(board_store())
    except BoardUnavailable as error:
        _unreachable.note(url, error)
        raise


def address(query: dict[str, str], page: str = "") -> str:
    return f"{links.app_address(PAGE_PATH)}{page}?{urlencode(query)}"
