"""A failure nobody foresaw: a friendly message and a way on, the traceback in the server's log only,
and a session that goes on working with nothing the student made lost."""

from __future__ import annotations

import logging
import tomllib

import pytest
from app_helpers import ROOT, app, settle
from streamlit.testing.v1 import AppTest

from scratchnet.app.ui import failure, nav, session

LOGGER = "scratchnet.app"
SECRET = "/srv/scratchnet/secret_module.py"  # a server path the failure's message carries
VIEWS = {
    "streamlit_app.py": "scratchnet.app.playground.view",
    "pages/1_Experiments.py": "scratchnet.app.experiments.view",
    "pages/2_Under_the_hood.py": "scratchnet.app.under_the_hood.view",
    "pages/3_Sweep.py": "scratchnet.app.sweep.view",
    "pages/4_Lessons.py": "scratchnet.app.lessons.view",
    "pages/5_Challenges.py": "scratchnet.app.challenges.view",
}


class Boom(RuntimeError):
    pass


def fail_once(original):
    """``original``, except that its first call raises (the failure nobody foresaw), its later ones work."""
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise Boom(f"unforeseen, in {SECRET}")
        return original(*args, **kwargs)

    return flaky


def shown(at: AppTest) -> str:
    """Everything the page shows as text."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error", "code")
    parts = [str(element.value) for kind in kinds for element in getattr(at, kind)]
    parts += [e.value for e in at.exception] + [b.label for b in at.button] + [p.label for p in at.get("page_link")]
    return "\n".join(parts)


@pytest.mark.parametrize("path", list(VIEWS), ids=lambda p: p.split("/")[-1])
def test_a_failing_page_shows_a_friendly_message_a_way_on_and_logs_the_traceback(
    path, fresh_caches, monkeypatch, caplog
):
    import importlib

    view = importlib.import_module(VIEWS[path])
    monkeypatch.setattr(view, "page", fail_once(view.page))
    caplog.set_level(logging.ERROR, logger=LOGGER)
    at = app(path).run()
    title = next(label for file, label, *_ in nav.PAGES if file == path)
    assert not at.exception
    text = shown(at)
    assert failure.message(title) in [str(w.value) for w in at.warning]
    assert "Something went wrong drawing" in text and "your runs are safe" in text
    assert "Boom" not in text and SECRET not in text and "Traceback" not in text  # nothing of the server's
    assert "Try again" in [b.label for b in at.button]
    if path != "streamlit_app.py":
        (back,) = [link for link in at.get("page_link") if link.proto.label == "Back to the Playground"]
        assert back.proto.page == "", "the way back leads to the home page"
    (record,) = [r for r in caplog.records if r.name == LOGGER]
    logged = caplog.text
    assert repr(title) in record.getMessage() and "Query:" in record.getMessage()
    assert "Traceback" in logged and "Boom: unforeseen" in logged and "flaky" in logged  # the whole traceback
    at.button(key=session.failure_key(title)).click().run()  # "Try again": the page draws
    assert not at.exception and failure.message(title) not in [str(w.value) for w in at.warning]


def test_after_a_failure_the_next_action_works_and_nothing_the_student_made_is_lost(fresh_caches, monkeypatch, caplog):
    from scratchnet.app.playground import draw
    from scratchnet.app.playground import view as playground

    at = settle(app())
    run = at.session_state[session.RUN]
    drawing = draw.Drawing().add(0.5, 0.5, 0).add(-0.5, -0.5, 1)
    at.session_state[session.DRAWING] = drawing
    at.session_state[session.LESSON_PASSED] = {"spiral"}
    at.run()
    monkeypatch.setattr(playground.run_panel, "run_panel", fail_once(playground.run_panel.run_panel))
    caplog.set_level(logging.ERROR, logger=LOGGER)
    at.slider(key=session.control_key("noise")).set_value(0.1).run()  # the action during which it fails
    assert not at.exception
    assert failure.message("Playground") in [str(w.value) for w in at.warning]
    assert "cfg.noise" in caplog.text.split("Query:")[0], "the log names the action that preceded the failure"
    at.slider(key=session.control_key("noise")).set_value(0.3).run()  # the next action, no reload
    assert not at.exception
    assert failure.message("Playground") not in [str(w.value) for w in at.warning]
    assert at.get("vega_lite_chart"), "the page draws its charts again"
    assert at.session_state[session.RUN] is run and run.result in at.session_state[session.MY_RUNS]
    assert at.session_state[session.DRAWING] == drawing
    assert at.session_state[session.LESSON_PASSED] == {"spiral"}
    at.switch_page("pages/4_Lessons.py").run()
    assert not at.exception and "1/" in shown(at)  # the lesson still counts as done


def test_a_failure_inside_a_fragment_is_caught_there_and_the_rest_of_the_page_draws(fresh_caches, monkeypatch, caplog):
    """A fragment's own rerun calls the fragment alone (outside the page's guard): its body is guarded too."""
    from scratchnet.app.playground import view as playground

    at = settle(app())
    monkeypatch.setattr(playground, "network_panel", fail_once(playground.network_panel))  # inside the fragment
    caplog.set_level(logging.ERROR, logger=LOGGER)
    at.run()
    assert not at.exception
    assert failure.message("Playground") in [str(w.value) for w in at.warning]
    assert "Take it home" in shown(at), "the page below the fragment is drawn"
    assert at.button(key=session.failure_key("Playground", "result.charts")).label == "Try again"
    assert "'Playground'" in caplog.text and "Boom" in caplog.text
    at.run()
    assert failure.message("Playground") not in [str(w.value) for w in at.warning]


def test_streamlits_own_ways_of_ending_a_run_pass_through():
    from streamlit.runtime.scriptrunner import RerunException, StopException

    assert failure.is_control_flow(StopException()) and failure.is_control_flow(RerunException(None))
    assert not failure.is_control_flow(ValueError())

    def script():
        import streamlit as st

        from scratchnet.app.ui import failure

        failure.guarded("Sweep", st.stop)
        st.write("after the stop")

    at = AppTest.from_function(script).run()
    assert not at.exception and not at.warning
    assert "after the stop" not in [m.value for m in at.markdown]  # st.stop() ended the run, as it should


def test_the_apps_configuration_shows_a_browser_no_error_details_and_the_readme_says_how_to():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert "--client.showErrorDetails=full" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_failure_in_a_fragments_own_rerun_is_caught_and_the_next_tick_draws_again(fresh_caches, monkeypatch):
    """The browser's timer reruns the polling fragment alone, outside the page's guard."""
    from app_helpers import FragmentTimers

    from scratchnet.app.ui import run_panel

    timers = FragmentTimers(monkeypatch)
    at = app(query={"epochs": "20000", "seed": "31"}).run()
    ((fragment, _),) = timers.timers[-1].items()  # the run trains: one fragment polls
    monkeypatch.setattr(run_panel, "progress_view", fail_once(run_panel.progress_view))
    timers.rerun_fragment(fragment)
    at.run()
    assert not at.exception and not timers.whole[-1], "the fragment alone reran"
    assert failure.message("Playground") in [str(w.value) for w in at.warning]
    timers.rerun_fragment(fragment)  # the next tick
    at.run()
    assert not at.exception and failure.message("Playground") not in [str(w.value) for w in at.warning]
    at.button(key=session.CANCEL).click()  # the long run is not needed any more
    timers.rerun_fragment(fragment)
    at.run()
    assert at.session_state[session.RUN].done


def test_the_log_line_never_holds_a_teacher_key(fresh_caches, monkeypatch, caplog):
    from scratchnet.app.challenges import view

    monkeypatch.setattr(view, "page", fail_once(view.page))
    caplog.set_level(logging.ERROR, logger=LOGGER)
    at = app("pages/5_Challenges.py", {"challenge": "abcdEFGH", "key": "the-teachers-secret-key"}).run()
    assert failure.message("Challenges") in [str(w.value) for w in at.warning]
    assert "abcdEFGH" in caplog.text and "the-teachers-secret-key" not in caplog.text
