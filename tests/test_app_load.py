"""A classroom at once: twenty browser sessions on one real server.

Half the sessions open the same link (one run, trained once, shared); the other half open links
of their own. Every session must finish without an exception, see its own controls and its own
run, and the sessions sharing a link must see identical results from the one run. The figures
(all twenty at once against the same training done by one session alone) are printed, never
asserted: the machine is shared and timings are noisy.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlencode

import pytest
from app_helpers import (
    AS_DEPLOYED,
    BROWSER,
    IDLE,
    LOAD_PORTS,
    app_started,
    chromium,
    cpu_seconds,
    page_kept_on_timeout,
    process_tree,
    served_app,
)

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = BROWSER
SESSIONS = 20
TIMEOUT_MS = 300_000  # generous: twenty tabs of one headless browser draw in software on two cores
VIEWPORT = {"width": 1024, "height": 720}  # a laptop; smaller pages cost the shared machine less to draw

#: The shared link, and one link of its own for each of the other sessions (its seed and epochs
#: tell its run apart from every other: "Trained 330 epochs" can only be session 3's).
SHARED = {"epochs": "450", "seed": "42"}
OWN = [{"epochs": str(300 + 10 * k), "seed": str(k)} for k in range(1, SESSIONS // 2 + 1)]
ALONE = [{"epochs": str(300 + 10 * k), "seed": str(100 + k)} for k in range(1, SESSIONS // 2 + 1)] + [
    {"epochs": "450", "seed": "142"}
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("w") as log, served_app(ports=LOAD_PORTS, output=log, options=AS_DEPLOYED) as url:
        yield url, log_path


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def wait_trained(page, epochs: str) -> None:
    with page_kept_on_timeout(page, f"load-timeout-{epochs}", f"the page of the {epochs}-epoch run showing its result"):
        page.get_by_text(f"Trained {int(epochs):,} epochs").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        page.locator("[data-testid=stMetric]").first.wait_for(timeout=TIMEOUT_MS)


def metric(page, label: str) -> str:
    text = page.locator("[data-testid=stMetric]", has_text=label).first.inner_text()
    return text.split("\n")[-1].strip()


def sidebar_value(page, label: str) -> str:
    return page.locator(f"[data-testid=stSidebar] input[aria-label='{label}']").input_value()


def exceptions(page) -> list[str]:
    return page.locator("[data-testid=stException]").all_inner_texts()


def cpu_split(server_pid: int) -> tuple[float, float, float]:
    """CPU seconds used so far by the server process, its trainer processes, and the browser."""
    server_tree = process_tree(server_pid)
    mine = set(process_tree(os.getpid())) - set(server_tree) - {os.getpid()}
    return cpu_seconds([server_pid]), cpu_seconds(server_tree[1:]), cpu_seconds(sorted(mine))


def test_twenty_sessions_at_once(server, browser):
    url, log_path = server
    server_pid = url.process.pid
    # warm up: the trainer processes start with the first run
    warm = browser.new_context()
    page = warm.new_page()
    page.goto(f"{url}/?{urlencode({'epochs': '50', 'seed': '999'})}")
    app_started(page)
    wait_trained(page, "50")
    warm.close()

    # the same training, done by one session alone: each link in turn
    alone = browser.new_context(viewport=VIEWPORT)
    page = alone.new_page()
    cpu_before = cpu_split(server_pid)
    started = time.monotonic()
    one_link = None
    for query in ALONE:
        link_started = time.monotonic()
        page.goto(f"{url}/?{urlencode(query)}")
        app_started(page)
        wait_trained(page, query["epochs"])
        one_link = one_link or time.monotonic() - link_started
    alone_seconds = time.monotonic() - started
    alone_cpu = [after - before for after, before in zip(cpu_split(server_pid), cpu_before)]
    alone.close()

    # twenty students at once
    queries = [SHARED] * (SESSIONS - len(OWN)) + OWN
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in queries]
    pages = [context.new_page() for context in contexts]
    cpu_before = cpu_split(server_pid)
    started = time.monotonic()
    for page, query in zip(pages, queries):
        page.goto(f"{url}/?{urlencode(query)}", wait_until="commit")
    for page, query in zip(pages, queries):
        app_started(page)
        wait_trained(page, query["epochs"])
    together_seconds = time.monotonic() - started
    together_cpu = [after - before for after, before in zip(cpu_split(server_pid), cpu_before)]

    # ... and each clicks something that redraws part of its page
    for page in pages:
        page.get_by_text("Log scale").first.click()
    for page in pages:
        page.wait_for_timeout(200)
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)

    seen = []
    for page, query in zip(pages, queries):
        assert exceptions(page) == [], exceptions(page)
        assert page.get_by_text("Training failed").count() == 0
        assert metric(page, "Epochs") == f"{int(query['epochs']):,}"  # its own run ...
        assert sidebar_value(page, "Seed") == query["seed"]  # ... and its own controls
        assert f"seed={query['seed']}" in page.url
        seen.append((query["seed"], metric(page, "Final loss"), metric(page, "Time")))
    shared = {row for row in seen if row[0] == SHARED["seed"]}
    assert len(shared) == 1, shared  # identical results, and the same training time: one run, trained once
    own = [row for row in seen if row[0] != SHARED["seed"]]
    assert len({row[0] for row in own}) == len(OWN)
    for context in contexts:
        context.close()
    log = log_path.read_text()
    assert "Traceback" not in log, log[-3000:]

    print(
        f"\n{SESSIONS} sessions at once ({SESSIONS - len(OWN)} on one shared link, {len(OWN)} on links of their own; "
        f"{len(OWN) + 1} runs trained): {together_seconds:.1f} s until every page showed its result.\n"
        f"One session alone, the same {len(ALONE)} runs one link after another: {alone_seconds:.1f} s "
        f"(the first link alone: {one_link:.1f} s).\n"
        f"Ratio together / alone: {together_seconds / alone_seconds:.2f}\n"
        "CPU seconds (server process / trainer processes / browser): "
        f"together {' / '.join(f'{c:.1f}' for c in together_cpu)}, alone {' / '.join(f'{c:.1f}' for c in alone_cpu)}"
    )


# ---- the same server, probed as an attacker would ---------------------------------------------------
PROBES = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/app/static/../../streamlit_app.py",
    "/app/static/%2e%2e/%2e%2e/.streamlit/config.toml",
    "/media/../../etc/passwd",
    "/component/../../etc/passwd",
    "/streamlit_app.py",
    "/scratchnet/app/runs/config.py",
    "/.streamlit/config.toml",
    "/.git/config",
    "/pyproject.toml",
]


@pytest.mark.parametrize("path", PROBES)
def test_the_server_serves_only_the_apps_own_files(server, path):
    """No path reaches a file outside what Streamlit serves: at most its own page comes back."""
    import http.client
    from urllib.parse import urlsplit

    url, _ = server
    address = urlsplit(url)

    def get(target: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("GET", target)  # sent exactly as written: no client-side clean-up of the dots
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, body

    status, body = get(path)
    assert status in (200, 400, 403, 404), status
    if status == 200:
        assert body == get("/")[1]  # the app's own page (its router shows "page not found"), not the file
    for secret in ("root:x:0:0", "import streamlit", "enableXsrfProtection", "[core]", "[project]", "def "):
        assert secret not in body, (path, secret)


def test_a_real_upload_in_the_browser(server, browser, tmp_path):
    """A binary file renamed .csv gets its message; then a good file trains; nothing else is lost."""
    url, _ = server
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/?{urlencode({'epochs': '300', 'seed': '77'})}")
    app_started(page)
    wait_trained(page, "300")
    uploader = page.locator("[data-testid=stSidebar] input[type=file]")
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))
    uploader.set_input_files(str(bad))
    page.get_by_text("PNG image").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    assert metric(page, "Epochs") == "300" and sidebar_value(page, "Seed") == "77"
    good = tmp_path / "points.csv"
    good.write_text("\n".join(f"{i % 7};{(i * 3) % 5};{'ab'[i % 2]}" for i in range(60)), encoding="utf-16")
    uploader.set_input_files(str(good))
    page.get_by_text("Train on my points").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    page.locator("[data-testid=stSidebar] button", has_text="Train").first.click()
    wait_trained(page, "300")
    assert exceptions(page) == []
    assert sidebar_value(page, "Seed") == "77"
    context.close()
