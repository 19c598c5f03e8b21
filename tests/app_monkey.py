"""A monkey for the app's pages: seeded random actions drawn from what a page offers, through AppTest.

``Monkey(seed).romp(page, actions)`` opens ``page`` and, ``actions`` times, does one thing a bored
student could do there: sets a widget to a random allowed value (a slider within its bounds, a
choice among its options, a toggle flipped, a number within its bounds, a text among a few
ordinary and hostile strings), presses a button, switches to another page, or opens the page's
own address (its query string after a run) in a fresh session. After each it records a failure
when the page shows an exception, or an error message that is a Python error rather than the
app's own words. ``drawn(at, page)`` says whether the page still draws its main chart or form.

The class board is wherever ``SCRATCHNET_BOARD_URL`` says: the callers point it at a throwaway file.
Training stays tiny: the settings that make a run long (epochs, points, units, sweep cells) are
drawn from their low end only, and the Experiments replay runs at a small scale. Used by
``tests/test_app_monkey.py`` (a small budget) and ``benchmarks/monkey.py`` (a long one).
"""

from __future__ import annotations

import functools
import logging
import random
import re
import time
import traceback
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from app_helpers import app
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as et

from scratchnet.app.ui import failure, nav, session

PAGES = tuple(path for path, *_ in nav.PAGES)
NAMES = {path: label for path, label, *_ in nav.PAGES}
TEXTS = (
    "",
    " ",
    "0.1",
    "hello",
    "-1",
    "nan",
    "1e308",
    "[click](http://e.vil)",
    "<script>alert(1)</script>",
    "'; DROP TABLE runs; --",
    "../../etc/passwd",
    "\x00",
    "🙂 ümlaut",
    "x" * 2000,
)
#: Widgets whose high end means a long run: key pattern -> the largest value the monkey picks.
SMALL = {
    r"epochs|continue_epochs|step\.points": 60,
    r"samples": 60,
    r"units\d": 8,
    r"layers": 2,
    r"count": 2,
    r"batch_size": 32,
}
#: A Python error drawn by the page as a message, rather than the app's own words.
TRACEBACK = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception): ")
#: What each page draws when it works, besides a chart: the button or form that starts its main part.
MAIN = {
    "streamlit_app.py": (),  # always a chart (the drawing canvas, the run's charts)
    "pages/1_Experiments.py": ("Replay the notebook", "Compare"),
    "pages/2_Under_the_hood.py": ("Take this step", "Check the gradients", "Train one to look inside"),
    "pages/3_Sweep.py": ("Run sweep",),
    "pages/4_Lessons.py": ("Open in the Playground",),
    "pages/5_Challenges.py": ("Create challenge",),  # or, once a challenge is open, its board
}
TEST_SCALE = 0.02  # the Experiments replay at 2% of its epochs
#: The pages with tabs that draw only the open one: the key that holds the open tab's label.
TAB_KEYS = {"pages/1_Experiments.py": session.EXPERIMENTS_SECTION, "pages/2_Under_the_hood.py": session.HOOD_TAB}


@dataclass
class Failure:
    """One thing that went wrong: where, after which action, and what the page showed."""

    page: str
    seed: int
    step: int
    action: str
    kind: str  # the exception's type, or "message" for an error text that is a Python error
    text: str

    def __str__(self) -> str:
        return f"{self.page} seed {self.seed} step {self.step} after {self.action}: {self.kind}: {self.text[:300]}"


@dataclass
class Tally:
    actions: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


@functools.cache
def files() -> tuple[tuple[str, bytes], ...]:
    """What the monkey uploads: good points (a checkerboard of 2 classes, 3 blobs), and bad files."""
    from scratchnet.app.lessons.measures import xor_points
    from scratchnet.app.runs.points import points_csv

    blobs = "x,y,label\n" + "".join(f"{i % 7 / 7 + c},{i % 5 / 5 - c},c{c}\n" for c in range(3) for i in range(12))
    return (
        ("xor.csv", points_csv(xor_points())),
        ("blobs.csv", blobs.encode()),
        ("empty.csv", b""),
        ("[x](http://e.vil).csv", b"x,y,label\n1,2,<b>a</b>\nnan,inf,b\n"),
        ("binary.csv", bytes(range(256)) * 4),
    )


def _set_formatted(widget: et.Widget, chosen: list[str], *, single: bool) -> None:
    """Choose options of a radio, select box, select slider, segmented control, pills or multiselect by
    their shown text, as the browser sends them. AppTest's own ``set_value`` wants the Python value
    behind an option, which the page's proto does not carry; so the widget's state is written here
    exactly as the browser writes it (the shown text), by giving this one element a state of its own."""

    class Chosen(type(widget)):
        @property
        def _widget_state(self) -> WidgetState:
            state = WidgetState()
            state.id = self.id
            if single and isinstance(widget, (et.Radio, et.Selectbox)):
                state.string_value = chosen[0]
            else:
                state.string_array_value.data[:] = chosen
            return state

    widget.__class__ = Chosen


def _number(option: str) -> float:
    """An option's number ("30,000" -> 30000), or 0 for an option that is no number."""
    try:
        return float(option.replace(",", ""))
    except ValueError:
        return 0.0


def _cap(key: str, high: float) -> float:
    for pattern, most in SMALL.items():
        if re.search(pattern, key):
            return min(high, most)
    return high


class Caught(logging.Handler):
    """The failures the pages caught themselves (``failure.guarded`` logs each): type and message."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Monkey:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.caught = Caught()
        self.at: AppTest | None = None  # the session the last romp ended in

    # ---- what a page offers -------------------------------------------------------------------------
    @staticmethod
    def widgets(at: AppTest) -> list[et.Widget]:
        kinds = ("slider", "select_slider", "selectbox", "radio", "button_group", "multiselect", "checkbox")
        kinds += ("toggle", "number_input", "text_input", "text_area", "button", "file_uploader")
        found = [w for kind in kinds for w in getattr(at, kind) if not getattr(w.proto, "disabled", False)]
        return found + [b for b in at.get("form_submit_button") if not b.proto.disabled]

    def _value(self, widget: et.Widget) -> str:
        """Give ``widget`` a random allowed value (or press it); say what was done."""
        rng, key = self.rng, widget.key or widget.label
        if isinstance(widget, et.Button) or type(widget).__name__ == "FormSubmitButton":
            widget.click()
            return f"press {widget.label!r}"
        if isinstance(widget, (et.Checkbox, et.Toggle)):
            widget.set_value(not widget.value)
            return f"flip {key!r} to {widget.value}"
        if isinstance(widget, et.Slider):
            low, high = widget.proto.min, _cap(key, widget.proto.max)
            value = [rng.uniform(low, high) for _ in widget.proto.default] or [rng.uniform(low, high)]
            step = widget.proto.step or 1
            value = sorted(round(low + round((v - low) / step) * step, 10) for v in value)
            if widget.proto.data_type in (widget.proto.INT,):
                value = [int(v) for v in value]
            elif widget.proto.data_type not in (widget.proto.FLOAT,):
                widget.set_value(widget.value)  # a date or time slider: leave it as it is
                return f"leave {key!r}"
            widget.set_value(tuple(value) if len(value) == 2 else value[0])
            return f"slide {key!r} to {widget.value}"
        if isinstance(widget, et.NumberInput):
            low = widget.proto.min if widget.proto.has_min else -1e6
            high = _cap(key, widget.proto.max if widget.proto.has_max else 1e6)
            value = rng.choice([low, high, rng.uniform(low, high)])
            if widget.proto.data_type == widget.proto.INT:
                value = round(value)
            widget.set_value(value)
            return f"type {value!r} into {key!r}"
        if isinstance(widget, et.FileUploader):
            name, content = rng.choice(files())
            widget.set_value((name, content, "text/csv"))
            return f"upload {name!r} to {key!r}"
        if isinstance(widget, (et.TextInput, et.TextArea)):
            text = rng.choice(TEXTS)
            widget.set_value(text)
            return f"type {text[:30]!r} into {key!r}"
        options = list(widget.options)
        if not options:
            return f"leave {key!r}"
        if isinstance(widget, (et.Radio, et.Selectbox)) or (
            isinstance(widget, et.ButtonGroup) and widget._is_single_select
        ):
            chosen = [rng.choice(options)]
            _set_formatted(widget, chosen, single=True)
        elif isinstance(widget, et.SelectSlider):
            if isinstance(widget.value, (tuple, list)):
                chosen = sorted(rng.sample(range(len(options)), 2) if len(options) > 1 else [0, 0])
                chosen = [options[i] for i in chosen]
            else:
                chosen = [rng.choice([o for o in options if _number(o) <= _cap(key, _number(o))] or options)]
            _set_formatted(widget, chosen, single=False)
        else:  # multiselect, pills or a segmented control taking several
            chosen = rng.sample(options, rng.randint(0, min(3, len(options))))
            _set_formatted(widget, chosen, single=False)
        return f"choose {chosen} in {key!r}"

    # ---- one romp ----------------------------------------------------------------------------------
    def fresh(self, page: str, query: dict[str, str] | None = None) -> AppTest:
        at = app(page, query)
        at.session_state[session.REPLAY_SCALE] = TEST_SCALE
        return at

    def check(self, at: AppTest, page: str, step: int, action: str, tally: Tally) -> None:
        for record in self.caught.records:  # caught by the page and shown as a friendly message
            error = record.exc_info[1] if record.exc_info else None
            kind, text = (type(error).__name__, str(error)) if error else ("logged", record.getMessage())
            tally.failures.append(Failure(page, self.seed, step, action, kind, text))
        self.caught.records.clear()
        for error in at.exception:
            tally.failures.append(Failure(page, self.seed, step, action, error.value.split(":")[0], error.value))
        for message in (*at.error, *at.warning):
            if TRACEBACK.search(str(message.value)):
                tally.failures.append(Failure(page, self.seed, step, action, "message", str(message.value)))

    def romp(self, page: str, actions: int, tally: Tally | None = None) -> Tally:
        """``actions`` random actions starting on ``page``, mostly on it; what went wrong is in the tally."""
        tally = tally or Tally()
        started = time.perf_counter()
        logger = logging.getLogger(failure.LOG.name)
        logger.addHandler(self.caught)
        try:
            self._romp(page, actions, tally)
        finally:
            logger.removeHandler(self.caught)
            tally.seconds += time.perf_counter() - started
        return tally

    def _romp(self, page: str, actions: int, tally: Tally) -> None:
        at, here = self.fresh(page), page
        self.at = at
        self._run(at, here, 0, "open", tally)
        for step in range(1, actions + 1):
            roll = self.rng.random()
            if roll < 0.06:  # another page, in the same session
                here = self.rng.choice(PAGES)
                at.switch_page(here)
                action = f"switch to {here}"
            elif roll < 0.10:  # back to the starting page
                here, action = page, f"switch back to {page}"
                at.switch_page(page)
            elif roll < 0.13:  # one of the page's own links (its address, a share link), in a new session
                here, query = self.rng.choice(own_links(at, here))
                at, action = self.fresh(here, query), f"open {here} with {query}"
            elif roll < 0.18 and here in TAB_KEYS and at.tabs:  # another tab (a click on it reruns the page)
                label = self.rng.choice([tab.label for tab in at.tabs])
                at.session_state[TAB_KEYS[here]] = label
                action = f"open the tab {label!r}"
            elif roll < 0.24:  # wait for the session's run to end, as a student watching it would
                action = "wait for the run"
                run = at.session_state[session.RUN] if session.RUN in at.session_state else None  # noqa: SIM401
                if run is not None and hasattr(run, "wait"):
                    run.wait(30)
                else:
                    time.sleep(0.2)  # other trainings (a replay, a sweep) get a moment to go on
            else:
                offered = self.widgets(at)
                action = self._value(self.rng.choice(offered)) if offered else "rerun"
            tally.actions += 1
            self.at = at
            self._run(at, here, step, action, tally)

    def _run(self, at: AppTest, page: str, step: int, action: str, tally: Tally) -> None:
        try:
            at.run(timeout=60)
        except Exception as error:  # AppTest itself failed (a timeout, a widget it cannot serialise)
            text = "".join(traceback.format_exception_only(error)).strip()
            tally.failures.append(Failure(page, self.seed, step, action, type(error).__name__, text))
            return
        self.check(at, page, step, action, tally)


def own_links(at: AppTest, page: str) -> list[tuple[str, dict[str, str]]]:
    """The links a page offers, as (page file, query): its own address after the run, and every
    address it shows to copy (share links, a lesson's classroom link, a challenge's student link)."""
    found = [(page, {key: at.query_params[key][-1] for key in at.query_params})]
    by_path = {path.split("/")[-1].split("_", 1)[-1].removesuffix(".py"): path for path in PAGES[1:]}
    shown = [str(e.value) for e in (*at.code, *at.text_input, *at.text_area)]
    for url in (u for text in shown for u in re.findall(r"https?://\S+", text)):
        parts = urlsplit(url)
        target = by_path.get(parts.path.strip("/"), PAGES[0])
        found.append((target, {key: values[-1] for key, values in parse_qs(parts.query).items()}))
    return found


def drawn(at: AppTest, page: str) -> bool:
    """Whether ``page`` draws its main part: a chart, or the button or form that starts it. A page
    waiting for a run (Under the hood's inside view trains one to look into) gets a few seconds."""
    for _ in range(20):
        if _shows_main(at, page):
            return True
        time.sleep(0.5)
        at.run()
    return False


def _shows_main(at: AppTest, page: str) -> bool:
    labels = [b.label for b in (*at.button, *at.get("form_submit_button"))]
    if page == "pages/5_Challenges.py" and (at.dataframe or any("No submissions yet" in i.value for i in at.info)):
        return True  # an open challenge's board: its table, or the note that it is empty yet
    return bool(at.get("vega_lite_chart")) or any(label.startswith(MAIN[page]) for label in labels if MAIN[page])
