"""What a lesson is: its text and the numbers it quotes, the run it opens, a goal checked on a run.

A ``Lesson`` is plain data (the catalogue in ``logic.LESSONS``); this module says what its parts
mean and checks them: ``Fact`` (a number the text quotes, with how to measure it against the
engine), ``Rule`` (one measurable part of a goal), ``Lesson.passed(result)``, and ``standing``: how
this session's runs stand against a lesson. No Streamlit here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from scratchnet.app.runs import points as own_points
from scratchnet.app.runs.config import FIELDS, RunConfig, to_query
from scratchnet.app.runs.links import HIDE_GROUPS
from scratchnet.app.runs.points import Points
from scratchnet.app.runs.result import RunResult, make_data, make_network, summarize, train_run
from scratchnet.app.text import fmt

PLAYGROUND = "streamlit_app.py"
UNDER_THE_HOOD = "pages/2_Under_the_hood.py"
FINISHED = ("completed", "stopped_early")  # a run that counts: it trained as far as it was meant to
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9]*_[a-z0-9_]+)\}")  # {linear_accuracy}: a fact's name has an underscore

#: Trains a configuration (on ``points`` when it names uploaded ones) and freezes the result.
Trainer = Callable[..., RunResult]


def train(config: RunConfig, points: Points | None = None) -> RunResult:
    """``config`` trained here, as a trainer trains it (the tests and the facts use this)."""
    data = own_points.to_data(points, config.test_share, config.data_seed) if points is not None else make_data(config)
    net = make_network(config, data.classes)
    return summarize(config, data, net, train_run(config, data, net))


#: The settings that describe a built-in dataset; a run on the student's own points does not use them.
BUILT_IN_DATA = ("dataset", "samples", "classes", "noise")


def on_points(config: RunConfig, points: Points) -> RunConfig:
    """``config`` on the student's own ``points`` (their fingerprint, classes and size)."""
    return config.replace(data_id=points.fingerprint, classes=points.classes, data_points=len(points))


@dataclass(frozen=True)
class Fact:
    """A number a lesson's text quotes: ``value`` as written (``fmt(value, spec)``), and how to
    measure it with a ``Trainer``. A test measures it and asks for ``low <= measured <= high``."""

    value: float
    spec: str
    low: float
    high: float
    measure: Callable[[Trainer], float]

    @property
    def text(self) -> str:
        return fmt(self.value, self.spec)

    def holds(self, measured: float) -> bool:
        return self.low <= measured <= self.high


def about(value: float, spec: str, within: float, measure: Callable[[Trainer], float]) -> Fact:
    """A fact quoted as ``value``, true while the engine's number is within ``within`` of it."""
    return Fact(value, spec, value - within, value + within, measure)


def run_fact(config: RunConfig, read: Callable[[RunResult], float]) -> Callable[[Trainer], float]:
    """Measure a fact by training ``config`` and reading one number off its result."""
    return lambda trainer: float(read(trainer(config)))


@dataclass(frozen=True)
class Rule:
    """One measurable part of a goal: what it asks (``text``), whether a run meets it, and what the
    run reached (``reading``, e.g. "78%"), so a missed try can say by how much."""

    text: str
    met: Callable[[RunResult], bool]
    reading: Callable[[RunResult], str] = lambda result: ""


def _number(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def at_least(what: str, read: Callable[[RunResult], float | None], goal: float, spec: str = ".0%") -> Rule:
    return Rule(
        f"{what} of at least {fmt(goal, spec)}",
        lambda result: _number(read(result)) >= goal,
        lambda result: fmt(_number(read(result)), ".1%" if spec.endswith("%") else ".3f"),
    )


def at_most(what: str, read: Callable[[RunResult], float | None], goal: float, spec: str = ".2f") -> Rule:
    return Rule(
        f"{what} of at most {fmt(goal, spec)}",
        lambda result: _number(read(result)) <= goal,
        lambda result: fmt(_number(read(result)), ".1%" if spec.endswith("%") else ".3f"),
    )


def train_accuracy(result: RunResult) -> float:
    return result.train_accuracy


def test_accuracy(result: RunResult) -> float | None:
    return result.test_accuracy


def test_loss(result: RunResult) -> float | None:
    return result.test_loss


def hidden_text(hidden: tuple[int, ...]) -> str:
    return "no hidden layer" if not hidden else " → ".join(map(str, hidden)) + " units"


def controls_besides(*shown: str) -> frozenset[str]:
    """The hide list that leaves only the controls ``shown`` (field names) in the sidebar: a group
    whose every control is hidden is named as the group (which also hides what else it holds, such
    as the uploader), so the classroom link stays short."""
    hidden: set[str] = {"presets"}
    for group in HIDE_GROUPS:
        names = {name for name, spec in FIELDS.items() if spec.group == group}
        hidden |= {group} if not names & set(shown) else names - set(shown)
    if "upload" not in shown:
        hidden.add("upload")
    return frozenset(hidden)


@dataclass(frozen=True)
class Sight:
    """Another page worth a look during a lesson: ``page``, the button's ``label``, and the ``tab``
    of that page to open (None: as it is)."""

    page: str
    label: str
    tab: str | None = None


@dataclass(frozen=True)
class Lesson:
    """One lesson. ``paragraphs`` are Markdown with ``{fact_name}`` placeholders filled from
    ``facts``; ``setup`` is the run it opens on ``page`` with the controls ``hide`` names hidden;
    ``rules`` are its goal; ``solution`` is a configuration that meets it (on ``solution_points``
    when the lesson is about the student's own data)."""

    key: str
    title: str
    paragraphs: tuple[str, ...]
    setup: RunConfig
    hide: frozenset[str]
    task: str
    rules: tuple[Rule, ...]
    hint: str
    solution: RunConfig
    facts: Mapping[str, Fact] = field(default_factory=dict)
    page: str = PLAYGROUND
    also: tuple[Sight, ...] = ()  # other pages the lesson points to
    solution_points: Callable[[], Points] | None = None
    own_data: bool = False  # the goal is about the student's own points (the data controls stay free)

    def text(self) -> list[str]:
        """The paragraphs with every quoted number written in."""
        return [PLACEHOLDER.sub(lambda match: self.facts[match.group(1)].text, part) for part in self.paragraphs]

    @functools.cached_property
    def locked(self) -> frozenset[str]:
        """The fields the student cannot change here (hidden in the Playground): a run for this
        lesson keeps the setup's values of them."""
        return frozenset(name for name, spec in FIELDS.items() if name in self.hide or spec.group in self.hide) - (
            frozenset(BUILT_IN_DATA) if self.own_data else frozenset()
        )

    def follows(self, result: RunResult) -> bool:
        """Whether ``result`` is a run of this lesson's setup: the locked fields as they were set."""
        config = result.config
        if not self.own_data and config.data_id != self.setup.data_id:
            return False
        return all(getattr(config, name) == getattr(self.setup, name) for name in self.locked)

    def passed(self, result: RunResult) -> bool:
        """Whether ``result`` meets this lesson's goal: a finished run of the setup that meets every rule."""
        return result.status in FINISHED and self.follows(result) and all(rule.met(result) for rule in self.rules)

    def missed(self, result: RunResult) -> list[str]:
        """What ``result`` still misses, one sentence a rule (empty when it passes)."""
        if not self.follows(result):
            changed = ", ".join(sorted(n for n in self.locked if getattr(result.config, n) != getattr(self.setup, n)))
            return [
                f"This run changed settings the lesson keeps fixed ({changed or 'the data'}): open the lesson again."
            ]
        if result.status not in FINISHED:
            how = {"diverged": "blew up", "cancelled": "was paused"}.get(result.status, "has not trained")
            return [f"This run {how} at epoch {result.history.epochs_run:,}: the goal counts a run that finished."]
        return [
            f"Goal: {rule.text}; this run: {rule.reading(result)}." if rule.reading(result) else f"Goal: {rule.text}."
            for rule in self.rules
            if not rule.met(result)
        ]

    def changes(self, result: RunResult) -> str:
        """How ``result``'s settings differ from the setup, e.g. "lr 2, batch_size 16"."""
        config = result.config
        if config.data_id and config.data_id != self.setup.data_id:
            # on own points the run's built-in data settings are whatever the controls showed (say XOR,
            # at most 2 classes): mixed with the setup's 3 classes they are no valid configuration, so
            # all four are the setup's
            config = config.replace(
                data_id="", data_points=0, **{name: getattr(self.setup, name) for name in BUILT_IN_DATA}
            )
            mine = "your own points, "
        else:
            mine = ""
        query = to_query(config, self.setup)
        if "hidden" in query:
            query["hidden"] = hidden_text(config.hidden)
        return mine + (", ".join(f"{name} {value}" for name, value in query.items()) or "the setup as it opened")


@dataclass(frozen=True)
class Standing:
    """How this session's runs stand against one lesson."""

    passed: bool
    passing: RunResult | None  # the newest run that met the goal
    tries: tuple[RunResult, ...]  # runs for the lesson that changed something and missed, oldest first

    @property
    def last_try(self) -> RunResult | None:
        return self.tries[-1] if self.tries else None


def standing(lesson: Lesson, runs: Sequence[RunResult], passed_before: bool = False) -> Standing:
    """``lesson`` against ``runs`` (this session's, oldest first). A goal once met stays met
    (``passed_before``), though the run that met it may have left the session's list. A try is a
    run that trained (an untrained start is none), kept the locked settings and changed another."""
    met = [lesson.passed(run) for run in runs]  # each run checked once
    passing = [run for run, ok in zip(runs, met) if ok]
    tries = tuple(
        run
        for run, ok in zip(runs, met)
        if run.history.epochs_run and not ok and lesson.follows(run) and (run.config != lesson.setup)
    )
    return Standing(passed_before or bool(passing), passing[-1] if passing else None, tries)
