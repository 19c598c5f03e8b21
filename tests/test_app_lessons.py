"""The Lessons page: every lesson's setup trains and misses its goal, its solution meets it, the numbers
its text quotes hold for this engine; the page opens a lesson from a link and sees a goal met on the
Playground."""

from __future__ import annotations

import contextlib
import re

import numpy as np
import pytest
from app_helpers import app, settle

from scratchnet.app.lessons import logic
from scratchnet.app.lessons.logic import BY_KEY, LESSONS, Lesson
from scratchnet.app.lessons.model import PLACEHOLDER, on_points, standing, train
from scratchnet.app.lessons.view import PATH
from scratchnet.app.runs import links
from scratchnet.app.runs.config import FIELDS, RunConfig
from scratchnet.app.runs.cost import cost_verdict
from scratchnet.app.runs.result import RunResult
from scratchnet.app.ui import session

KEYS = [lesson.key for lesson in LESSONS]
_trained: dict[RunConfig, RunResult] = {}


def trainer(config: RunConfig, points=None) -> RunResult:
    """``train`` once per configuration in this test module (facts share their runs with setups)."""
    if config not in _trained:
        _trained[config] = train(config, points)
    return _trained[config]


def solution_run(lesson: Lesson) -> RunResult:
    points = lesson.solution_points() if lesson.solution_points else None
    return trainer(lesson.solution, points)


def quoted_runs(lesson: Lesson) -> set[RunConfig]:
    """Every run a lesson opens, solves with or quotes a number of: its setup, its solution, and each
    run its facts train (recorded by a trainer that trains them one epoch only: the run is what counts)."""
    seen = {lesson.setup, lesson.solution}

    def recording(config: RunConfig, points=None) -> RunResult:
        seen.add(config)
        return train(config.replace(epochs=1), points)

    for fact in lesson.facts.values():
        with contextlib.suppress(Exception):  # a one-epoch run may not give the number; its run is recorded
            fact.measure(recording)
    return seen


@pytest.mark.parametrize("key", KEYS)
def test_every_run_a_lesson_quotes_can_be_trained_in_the_app(key):
    """Lesson 8 once quoted a batch-size-1 run the app refused to train."""
    runs = quoted_runs(BY_KEY[key])
    assert len(runs) >= 2
    for config in runs:
        verdict = cost_verdict(config)
        assert not verdict.refused, f"{config}: {verdict.message}"


# ---- the catalogue -----------------------------------------------------------------------------------
def test_about_ten_lessons_with_distinct_keys_that_survive_a_link():
    assert 8 <= len(LESSONS) <= 12
    assert len(set(KEYS)) == len(KEYS)
    assert all(re.fullmatch(r"[a-z_]+", key) for key in KEYS)
    assert {lesson.key: lesson for lesson in LESSONS} == BY_KEY


@pytest.mark.parametrize("key", KEYS)
def test_each_lesson_has_its_parts(key):
    lesson = BY_KEY[key]
    assert lesson.title and lesson.task and lesson.hint and lesson.rules
    assert 2 <= len(lesson.paragraphs) <= 5
    assert isinstance(lesson.setup, RunConfig) and isinstance(lesson.solution, RunConfig)
    known = set(FIELDS) | set(links.HIDE_GROUPS) | set(links.HIDE_PARTS)
    assert lesson.hide <= known, lesson.hide - known
    assert lesson.hide != known  # something is left to change


@pytest.mark.parametrize("key", KEYS)
def test_every_placeholder_is_a_fact_and_every_fact_is_quoted(key):
    lesson = BY_KEY[key]
    raw = " ".join(lesson.paragraphs)
    named = set(PLACEHOLDER.findall(raw))
    assert named == set(lesson.facts), (named, set(lesson.facts))
    written = " ".join(lesson.text())
    assert not PLACEHOLDER.search(written)
    for fact in lesson.facts.values():
        assert fact.text in written


@pytest.mark.parametrize("key", KEYS)
def test_the_setup_link_opens_the_same_run_with_the_controls_hidden(key):
    lesson = BY_KEY[key]
    if lesson.setup.data_id:
        pytest.skip("uploaded points do not travel in a link")
    query = links.link_query(lesson.setup, lesson.hide)
    opened = links.read_link({name: [value] for name, value in query.items()})
    assert opened.config == lesson.setup
    assert opened.hidden == lesson.hide
    assert not opened.messages


# ---- the runs ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", KEYS)
def test_the_setup_trains_and_does_not_meet_the_goal(key):
    lesson = BY_KEY[key]
    result = trainer(lesson.setup)
    assert result.history.epochs_run > 0
    assert lesson.follows(result)
    assert not lesson.passed(result)
    assert lesson.missed(result)


@pytest.mark.parametrize("key", KEYS)
def test_the_solution_meets_the_goal(key):
    lesson = BY_KEY[key]
    result = solution_run(lesson)
    assert lesson.follows(result), lesson.changes(result)
    assert lesson.passed(result), lesson.missed(result)
    assert lesson.missed(result) == []


@pytest.mark.parametrize(("key", "name"), [(lesson.key, name) for lesson in LESSONS for name in lesson.facts])
def test_the_numbers_the_text_quotes_hold(key, name):
    fact = BY_KEY[key].facts[name]
    measured = logic.measure(fact, trainer)
    assert fact.holds(measured), f"{key}.{name}: the text says {fact.text}, the engine gives {measured!r}"


def test_the_sample_file_is_not_the_students_own():
    from scratchnet.app.runs import points as own_points
    from scratchnet.app.runs import upload

    lesson = BY_KEY["own_points"]
    sample = upload.read_points(own_points.sample_csv())
    result = trainer(on_points(lesson.setup, sample), sample)
    assert result.train_accuracy < 0.75  # a spiral: no line splits it, yet it is not the student's
    assert not lesson.passed(result)
    assert any("own" in line for line in lesson.missed(result))


def test_a_run_that_changes_a_fixed_setting_is_not_for_the_lesson():
    lesson = BY_KEY["learning_rate"]
    cheat = trainer(lesson.solution.replace(optimizer="adam", lr=0.05))  # meets 65%, but not by the lr alone
    assert cheat.train_accuracy >= 0.65
    assert not lesson.follows(cheat) and not lesson.passed(cheat)
    assert "optimizer" in lesson.missed(cheat)[0]


def test_standing_counts_tries_and_keeps_a_goal_once_met():
    lesson = BY_KEY["units"]
    setup, solution = trainer(lesson.setup), trainer(lesson.solution)
    miss = trainer(lesson.setup.replace(hidden=(16,)))
    assert standing(lesson, []).passed is False
    assert standing(lesson, [setup]).tries == ()  # the setup as it opened is no try
    missed = standing(lesson, [setup, miss])
    assert not missed.passed and missed.last_try is miss
    assert lesson.missed(miss) == [f"Goal: training accuracy of at least 90%; this run: {miss.train_accuracy:.1%}."]
    met = standing(lesson, [setup, miss, solution])
    assert met.passed and met.passing is solution
    assert standing(lesson, [miss], passed_before=True).passed
    everything = logic.progress({"units": [setup, solution]})
    assert everything["units"].passed and set(everything) == set(KEYS)
    assert not any(found.passed or found.tries for key, found in everything.items() if key != "units")


def test_a_lesson_says_how_a_run_differs_from_its_setup():
    lesson = BY_KEY["batches"]
    assert lesson.changes(trainer(lesson.solution)) == "batches of 16"
    assert lesson.changes(trainer(lesson.setup)) == "the lesson's starting settings"


# ---- the page ------------------------------------------------------------------------------------------
PAGE = "pages/4_Lessons.py"


def _texts(at) -> str:
    """Everything the page writes: headings, Markdown, captions, messages and the progress bar's text."""
    kinds = ("title", "header", "markdown", "caption", "info", "success", "warning", "error")
    parts = [str(element.value) for kind in kinds for element in getattr(at, kind)]
    parts += [element.proto.text for element in at.get("progress")]
    return "\n".join(parts)


def test_the_page_loads_and_shows_the_first_lesson_and_the_progress(fresh_caches):
    at = app(PAGE).run()
    assert not at.exception
    assert PATH[0].title in _texts(at)
    assert f"0 of {len(PATH)}" in _texts(at)


@pytest.mark.parametrize("key", ["decay", "own_points"])
def test_a_lesson_link_opens_that_lesson(fresh_caches, key):
    at = app(PAGE, {"lesson": key}).run()
    assert not at.exception
    lesson = BY_KEY[key]
    text = _texts(at)
    assert lesson.title in text
    assert lesson.text()[0][:40] in text


def test_an_unknown_lesson_in_a_link_says_what_exists(fresh_caches):
    at = app(PAGE, {"lesson": "[x](http://e.vil)"}).run()
    assert not at.exception
    warning = " ".join(str(w.value) for w in at.warning)
    assert "lesson" in warning and "spiral" in warning
    assert "](http" not in warning  # the link's value is shown as text
    assert PATH[0].title in _texts(at)


def test_a_goal_met_on_the_playground_shows_as_met(fresh_caches):

    lesson = BY_KEY["batches"]
    at = app(PAGE, {"lesson": lesson.key}).run()
    assert "Goal met" not in _texts(at)
    at.button(key=session.lesson_open_key(lesson.key)).click().run()
    assert not at.exception
    assert "Train" in [b.label for b in at.sidebar.button]  # the Playground ran, set up for the lesson
    assert at.session_state[session.control_key("batch_size")] == 0
    shown = {getattr(w, "key", None) for w in at.sidebar}
    assert session.control_key("batch_size") in shown and session.control_key("lr") not in shown
    assert at.session_state[session.RUN].config == lesson.setup
    at.switch_page("streamlit_app.py")  # AppTest reruns the page last switched to
    at.session_state[session.control_key("batch_size")] = 16
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    assert at.session_state[session.RUN].result.config == lesson.solution
    at.switch_page(PAGE).run()
    assert not at.exception
    text = _texts(at)
    assert "Goal met" in text
    assert f"1 of {len(PATH)}" in text
    assert any(
        option.startswith(f"{PATH.index(lesson) + 1}.") and option.endswith("✓")
        for option in at.sidebar.radio[0].options
    )


def test_a_lesson_opens_the_tab_of_another_page_it_needs(fresh_caches):

    lesson = BY_KEY["relu_bug"]
    (sight,) = lesson.also
    at = app(PAGE, {"lesson": lesson.key}).run()
    at.button(key=session.lesson_sight_key(lesson.key, sight.page)).click().run()
    assert not at.exception
    assert at.session_state[session.HOOD_TAB] == sight.tab
    assert sight.tab in [tab.label for tab in at.tabs]
    assert any("finite differences" in m.value or "Back-propagation can be checked" in m.value for m in at.markdown)


def test_the_decay_lesson_wants_a_decay_not_none():
    lesson = BY_KEY["decay"]
    without = trainer(lesson.setup.replace(decay=0.0))
    assert without.train_accuracy >= 0.62  # constant rate does well, but the task asks for a decay
    assert not lesson.passed(without)
    assert lesson.missed(without) == ["Goal: a decay above 0; this run: no decay (0)."]


def test_one_run_does_not_tick_lessons_it_was_not_made_for():
    runs = [solution_run(lesson) for lesson in LESSONS]
    for lesson, run in zip(LESSONS, runs):
        others = [other.key for other in LESSONS if other is not lesson and other.passed(run)]
        assert others == [], f"the solution of {lesson.key} also meets {others}"


def test_a_classroom_link_opens_the_playground_with_the_lessons_task(fresh_caches):
    from scratchnet.app.lessons.view import playground_query

    lesson = BY_KEY["overfitting"]
    at = settle(app("streamlit_app.py", playground_query(lesson)))
    assert not at.exception
    assert at.session_state[session.RUN].result.config == lesson.setup
    shown = {getattr(widget, "key", None) for widget in at.sidebar}
    assert session.control_key("l2") in shown and session.control_key("optimizer") not in shown
    notes = [str(element.value) for element in at.info]
    assert any(f"Lesson {PATH.index(lesson) + 1}: {lesson.title}" in note and lesson.task in note for note in notes), (
        notes
    )


def test_the_lessons_logic_runs_without_streamlit():
    import subprocess
    import sys

    from app_helpers import ROOT

    code = "import sys, scratchnet.app.lessons.logic; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


@pytest.mark.parametrize("cure", [{"epochs": 500}, {"patience": 100}, {"l2": 1e-4}])
def test_each_cure_the_overfitting_lesson_names_meets_its_goal(cure):
    lesson = BY_KEY["overfitting"]
    result = trainer(lesson.setup.replace(**cure))
    assert lesson.passed(result), lesson.missed(result)


def test_only_a_finished_run_counts():
    from scratchnet.app.runs import points as own_points
    from scratchnet.app.runs.result import untrained

    lesson = BY_KEY["own_points"]
    points = lesson.solution_points()
    start = untrained(lesson.solution, own_points.to_data(points, lesson.solution.test_share, 0))
    assert start.train_accuracy < 0.75 and lesson.follows(start)  # low, as the goal wants, but not trained
    assert not lesson.passed(start)
    assert "has not trained" in lesson.missed(start)[0]
    blown = trainer(BY_KEY["learning_rate"].setup.replace(lr=30.0))
    assert blown.status == "diverged"
    assert "blew up" in BY_KEY["learning_rate"].missed(blown)[0]


def test_own_points_uploaded_on_the_playground_meet_the_own_points_goal(fresh_caches):
    from scratchnet.app.lessons.measures import xor_points
    from scratchnet.app.runs.points import points_csv

    lesson = BY_KEY["own_points"]
    at = app(PAGE, {"lesson": lesson.key}).run()
    at.button(key=session.lesson_open_key(lesson.key)).click().run()
    at.switch_page("streamlit_app.py")
    settle(at)
    at.file_uploader(key=session.UPLOADER).set_value(("mine.csv", points_csv(xor_points()), "text/csv"))
    at.run()
    next(b for b in at.sidebar.button if b.label == "Train").click()
    settle(at)
    assert not at.exception
    result = at.session_state[session.RUN].result
    assert result.config.data_id == xor_points().fingerprint and result.config.hidden == ()
    assert any("Goal met" in str(element.value) for element in at.success)  # the Playground's lesson note
    at.switch_page(PAGE).run()
    assert "Goal met" in _texts(at)


PERCENT = re.compile(r"\d+(?:\.\d+)?%")


@pytest.mark.parametrize("key", KEYS)
def test_no_percentage_is_written_by_hand(key):
    """A percentage in a lesson's text is a fact (measured by a test); one in its task is its goal's."""
    lesson = BY_KEY[key]
    facts = {fact.text for fact in lesson.facts.values()}
    for found in PERCENT.findall(" ".join(lesson.text())):
        assert found in facts, f"{key}: {found} in the text is no fact"
    goals = " ".join(rule.text for rule in lesson.rules)
    for found in PERCENT.findall(lesson.task):
        assert found in goals, f"{key}: the task says {found}, the goal says {goals!r}"
    for rule in lesson.rules:
        for found in PERCENT.findall(rule.text):
            assert found in lesson.task, f"{key}: the goal wants {found}; the task does not say so"


@pytest.mark.parametrize("dataset", ["xor", "moons", "circles"])
def test_a_run_on_own_points_is_described_whatever_built_in_dataset_the_controls_showed(dataset):
    """The run keeps the controls' dataset (here one of 2 classes) beside the setup's 3: its summary
    compares with the setup's data settings, never builds that impossible pair (once a ValueError on
    every return to the Lessons page)."""
    lesson = BY_KEY["own_points"]
    points = lesson.solution_points()
    config = on_points(lesson.setup.replace(dataset=dataset, classes=2, epochs=50, l2=1e-4), points)
    run = trainer(config, points)
    described = lesson.changes(run)  # once a ValueError; the controls' dataset is not mentioned
    assert described.startswith(f"your own points ({len(points.y):,} of them)"), described
    assert dataset not in described and "classes" not in described


# ---- credit only for runs made for the lesson -----------------------------------------------------------
def _open_from_lessons(key: str):
    """A session that opened lesson ``key`` from the Lessons page and waited for its starting run."""
    from scratchnet.app.ui import session

    at = app(PAGE, {"lesson": key}).run()
    at.button(key=session.lesson_open_key(key)).click().run()
    at.switch_page("streamlit_app.py")
    return settle(at)


def _train(at):
    next(b for b in at.sidebar.button if b.label == "Train").click()
    return settle(at)


def test_the_default_run_meets_no_lesson(fresh_caches):
    at = settle(app("streamlit_app.py"))
    assert BY_KEY["momentum_adam"].rules[0].met(at.session_state["run"].result)  # it would meet lesson 6's goal ...
    at.switch_page(PAGE).run()
    assert not at.exception
    text = _texts(at)
    assert f"0 of {len(PATH)}" in text and "Goal met" not in text  # ... but it was not made for it
    assert not any(option.endswith("✓") for option in at.sidebar.radio[0].options)


def test_a_run_made_after_leaving_the_lesson_does_not_count(fresh_caches):
    from scratchnet.app.ui import session

    lesson = BY_KEY["units"]
    at = _open_from_lessons(lesson.key)
    at.switch_page(PAGE).run()
    at.button(key=session.LESSON_LEAVE).click().run()  # free play again
    at.switch_page("streamlit_app.py")
    settle(at)
    at.session_state[session.units_key(0)] = 32
    _train(at)
    assert lesson.passed(at.session_state["run"].result)  # it would meet the goal ...
    at.switch_page(PAGE).run()
    assert "Goal met" not in _texts(at) and f"0 of {len(PATH)}" in _texts(at)  # ... made for no lesson
    assert "No try yet" in _texts(at)


def test_step_and_continue_are_not_offered_when_the_lesson_fixes_the_epochs(fresh_caches):
    at = _open_from_lessons("batches")
    labels = [button.label for button in at.button]
    assert "Continue" not in labels and "Step +1" not in labels
    assert any("keeps the number of epochs fixed" in caption.value for caption in at.caption)
    overfitting = _open_from_lessons("overfitting")  # this one leaves the epochs to the student
    assert "Continue" in [button.label for button in overfitting.button]


def test_lesson_10_with_xor_copied_into_the_drawing_does_not_crash_or_count(fresh_caches):
    from scratchnet.app.ui import session

    lesson = BY_KEY["own_points"]
    at = _open_from_lessons(lesson.key)
    at.session_state[session.control_key("dataset")] = "xor"
    at.session_state[session.control_key("classes")] = 2
    at.run()
    next(b for b in at.button if b.label.startswith("Start from")).click().run()
    next(b for b in at.button if b.label == "Train on these points").click().run()
    _train(at)
    assert not at.exception
    result = at.session_state["run"].result
    assert result.config.data_id and result.config.dataset == "xor"
    assert not lesson.passed(result)
    at.switch_page(PAGE).run()
    assert not at.exception
    text = _texts(at)
    assert "Not yet" in text and "copied unchanged" in text


# ---- the words the student reads ---------------------------------------------------------------------------
INTERNAL = re.compile(r"batch_size|activation relu|optimizer adam|x1\*x2|\b\d(?:\.\d+)?e-\d|: your own|rose 0 times")


def test_feedback_speaks_in_plain_words():
    batches, features, decay = BY_KEY["batches"], BY_KEY["features"], BY_KEY["decay"]
    lines = [
        batches.changes(trainer(batches.setup.replace(batch_size=16))),
        features.changes(trainer(features.setup.replace(features=("x1", "x2", "x1*x2")))),
        *decay.missed(trainer(decay.setup.replace(decay=0.0))),
        *decay.missed(trainer(decay.setup.replace(optimizer="adam", lr=0.05))),
        *BY_KEY["relu_bug"].missed(trainer(BY_KEY["relu_bug"].setup.replace(lr=0.5))),
    ]
    text = " ".join(lines + [" ".join(lesson.text()) for lesson in LESSONS])
    assert not INTERNAL.search(text), INTERNAL.search(text)
    assert "batches of 16" in lines[0] and "x₁·x₂" in lines[1]
    assert "no decay" in lines[2]
    assert "optimizer Adam (the lesson's: optimizer Gradient descent" in lines[3]


def test_the_decay_hint_is_true_ten_times_smaller_is_not_enough():
    lesson = BY_KEY["decay"]
    assert "Ten times smaller is not enough" in lesson.hint
    ten = trainer(lesson.setup.replace(decay=lesson.setup.decay / 10))
    hundred = trainer(lesson.setup.replace(decay=lesson.setup.decay / 100))
    assert not lesson.passed(ten) and lesson.passed(hundred)


def test_the_training_loss_goes_on_down_after_the_best_epoch():
    """Lesson 7 says the training loss goes on down (apart from spikes) while the held-out loss rises."""
    result = trainer(BY_KEY["overfitting"].setup)
    loss, best = result.history.loss, result.history.best_epoch
    assert loss[-1] < loss[best] and np.median(loss[best + 200 :]) < loss[best]


def test_headings_have_one_full_stop_and_the_next_title_is_whole(fresh_caches):
    from scratchnet.app.lessons.view import heading
    from scratchnet.app.ui import session

    units, spiral = BY_KEY["units"], BY_KEY["spiral"]
    assert heading(units) == f"Lesson {PATH.index(units) + 1}: One hidden layer: how many units?"
    assert heading(spiral) == f"Lesson {PATH.index(spiral) + 1}: A line cannot split a spiral."
    at = app(PAGE, {"lesson": "spiral"}).run()
    assert f"{PATH.index(units) + 1}. {units.title}" in _texts(at)
    assert at.button(key=session.lesson_next_key("spiral")).label == "Next lesson"


def test_next_draws_the_next_lessons_title_alone_then_on_its_timer_the_whole_lesson(fresh_caches, monkeypatch):
    """The run after Next ends with the title alone (the browser's scroll then comes back to the top, see
    ``lessons/landing_view``); its timer's one rerun draws the whole lesson, and stops."""
    from app_helpers import FragmentTimers

    from scratchnet.app.lessons import landing_view

    spiral, units = BY_KEY["spiral"], BY_KEY["units"]
    timers = FragmentTimers(monkeypatch)
    at = app(PAGE, {"lesson": "spiral"}).run()
    at.button(key=session.lesson_next_key("spiral")).click().run()
    assert not at.exception
    assert [title.value for title in at.title] == [f"{PATH.index(units) + 1}. {units.title}"]
    assert not at.button and not at.header  # no task, no Next, no glossary: less than a screen
    (fragment,) = timers.timers[-1]  # one timer, soon
    assert timers.timers[-1][fragment] == pytest.approx(landing_view.LANDING_SECONDS)
    assert landing_view.LANDING_SECONDS <= 1
    timers.rerun_fragment(fragment)  # the timer fires: the whole page
    at.run()
    assert not at.exception and timers.whole[-1] and not timers.timers[-1]  # drawn whole, nothing polls
    assert at.button(key=session.lesson_next_key("units")).label == "Next lesson"
    assert spiral.title not in [title.value for title in at.title]
    assert at.query_params["lesson"] == "units"


def test_why_it_did_not_count_and_reset_the_lesson(fresh_caches):
    from scratchnet.app.ui import session

    lesson = BY_KEY["units"]
    at = _open_from_lessons(lesson.key)
    at.session_state[session.units_key(0)] = 16
    _train(at)
    bar = " ".join(str(element.value) for element in (*at.markdown, *at.warning))
    reading = f"training accuracy {at.session_state['run'].result.train_accuracy:.1%}; goal ≥ 90%"
    assert reading in bar  # this run's value beside the goal, on the Playground
    assert any(expander.label == "Why didn't this count?" for expander in at.expander)
    assert lesson.hint in " ".join(str(element.value) for element in at.info)
    at.session_state[session.units_key(0)] = 32
    _train(at)
    bar = " ".join(str(element.value) for element in at.markdown)
    assert "This run meets the goal" in bar and "Why it worked" in bar
    at.switch_page(PAGE).run()
    assert "Goal met" in _texts(at) and f"1 of {len(PATH)}" in _texts(at)
    at.button(key=session.lesson_reset_key(lesson.key)).click().run()
    assert "Goal met" not in _texts(at) and f"0 of {len(PATH)}" in _texts(at)


def test_the_tiles_help_says_the_words_in_plain_language(fresh_caches):
    """The metric tiles over a run quote the glossary the lessons link: a student meets "loss" and
    "held-out" there first."""
    from scratchnet.app.glossary import meaning

    at = settle(app("streamlit_app.py", {"epochs": "50"}))
    helps = {metric.label: metric.proto.help for metric in at.metric}
    assert meaning("loss") in helps["Final loss"]
    assert meaning("held-out") in helps["Held-out loss"] and meaning("cross-entropy") in helps["Held-out loss"]
    assert meaning("epoch") in helps["Epochs"]
