"""Fresh browser tabs opened in groups, at once, on fresh servers: how many stay blank.

A tab is *blank* when Streamlit's page never finishes its first script run (it never mounted, or
its frontend threw and drew nothing); every console error and uncaught page error is counted
too. ``docs/reliability.md`` ("The page that never started") tells the cause this looks for:
fragments nested inside a polling fragment made about one tab in ten blank when a few opened at
once on short runs. Used by ``tests/test_app_blank_pages.py`` (short) and
``benchmarks/blank_pages.py`` (at length)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from app_helpers import AS_DEPLOYED, IDLE, LOAD_PORTS, chromium, console_errors, page_text, script_state, served_app

#: The runs a group of tabs opens (each tab with its own seed unless it is the class's shared link).
SHORT = {"hidden": "128,128,128", "samples": "10", "epochs": "100"}  # done before the page has drawn
MEDIUM = {"samples": "50", "epochs": "1500"}  # a second or two: ends while the page polls
LONG = {"hidden": "4", "samples": "10", "epochs": "20000"}  # trains the whole time the page loads


@dataclass
class Storm:
    """What a storm of tabs found."""

    tabs: int = 0
    blank: list[str] = field(default_factory=list)  # "link: script state, what it showed"
    errors: list[str] = field(default_factory=list)  # "link: console error"

    def add(self, other: Storm) -> None:
        self.tabs += other.tabs
        self.blank += other.blank
        self.errors += other.errors

    def summary(self) -> str:
        return f"{self.tabs} tabs, {len(self.blank)} blank, {len(self.errors)} console errors"


def group_links(round_index: int, short: int, medium: int, long: int, classroom: int) -> list[str]:
    """One group's links: ``short``, ``medium`` and ``long`` runs of their own, and ``classroom``
    tabs on one shared short link (a class opening the link on the board together)."""
    links = []
    for count, settings in ((short, SHORT), (medium, MEDIUM), (long, LONG)):
        for i in range(count):
            links.append("/?" + urlencode({**settings, "seed": str(1000 * round_index + 10 * len(links) + i)}))
    shared = "/?" + urlencode({**SHORT, "seed": str(1000 * round_index + 999)})
    return links + [shared] * classroom


def storm(links: list[str], timeout_ms: float = 120_000) -> Storm:
    """Open every link in a fresh tab (its own browser context) at once, on a fresh server; wait for
    each tab's first script run to end; count blank tabs and console errors."""
    found = Storm()
    with served_app(ports=LOAD_PORTS, options=AS_DEPLOYED) as url, chromium(allow_console_errors=True) as browser:
        pages = []
        for link in links:
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            pages.append((page, link))
        for page, link in pages:
            page.goto(url + link, wait_until="commit")
        for page, link in pages:
            found.tabs += 1
            try:
                page.wait_for_selector(IDLE, timeout=timeout_ms)
            except Exception:  # Playwright's timeout: the tab never finished its first run
                said = list(dict.fromkeys(console_errors(page)))[:5]  # its own console, each distinct error once
                found.blank.append(
                    f"{link}: script state {script_state(page)!r}, showed {page_text(page)[:200]!r}; "
                    f"its console: {said}"
                )
        found.errors += browser.watch.all()
    return found
