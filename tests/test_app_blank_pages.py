"""No tab opens blank: fresh tabs at once on short, medium and long runs, and a class on one link.

A regression test for the blank page of docs/reliability.md ("The page that never started"): before
the fix about one tab in ten stayed blank in groups like these (5 of 48 tabs, 15 of 36 in a ten-line
reproduction). ``benchmarks/blank_pages.py`` runs the same at length (200+ tabs)."""

from __future__ import annotations

import pytest
from app_helpers import BROWSER
from tab_storm import Storm, group_links, storm

pytestmark = BROWSER


def test_fresh_tabs_at_once_never_open_blank_nor_report_a_frontend_error():
    pytest.importorskip("playwright.sync_api")
    found = Storm()
    for round_index in range(3):  # three fresh servers: the race is with a server's first page runs
        found.add(storm(group_links(round_index, short=3, medium=1, long=1, classroom=3)))
    assert found.tabs == 24
    assert not found.blank, f"{found.summary()}; blank tabs:\n" + "\n".join(found.blank)
    assert not found.errors, f"{found.summary()}; console errors:\n" + "\n".join(found.errors)
