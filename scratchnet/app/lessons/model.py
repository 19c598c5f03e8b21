"""What a lesson is: its text and the numbers it quotes, the run it opens, a goal checked on a run.

A ``Lesson`` is plain data (the catalogue in ``logic.LESSONS``); this module says what its parts
mean and checks them: ``Fact`` (a number the text quotes, with how to measure it against the
engine), ``Rule`` (one measurable part of a goal), ``Lesson.passed(result)``, and ``standing``: how
this session's runs stand against a lesson. No Streamlit here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from scratchnet import FEATURE_LABELS
from scratchnet.app.runs import points as own_points
from scratchnet.app.runs.config import FIELDS, RunConfig
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
BUILT_IN_DATA = ("dataset", "samples", "classes", "noise", "data_seed")


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
    run reached (``reading``, e.g. "78.0%"), so a missed try can say by how much. ``measure`` and
    ``bound`` name the quantity and the goal's side of it ("held-out loss", "≤ 0.55") for the line
    the Playground shows beside Train."""

    text: str
    met: Callable[[RunResult], bool]
    reading: Callable[[RunResult], str] = lambda result: ""
    measure: str = ""
    bound: str = ""

    def against(self, result: RunResult) -> str:
        """This run's value beside the goal: "held-out loss 0.524; goal ≤ 0.55"."""
        reading = self.reading(result)
        if self.measure:
            return f"{self.measure} {reading}; goal {self.bound}"
        return f"{self.text}: this run, {reading}" if reading else self.text


def _number(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _reading(spec: str) -> str:
    return ".1%" if spec.endswith("%") else ".3f"


def at_least(what: str, read: Callable[[RunResult], float | None], goal: float, spec: str = ".0%") -> Rule:
    return Rule(
        f"{what} of at least {fmt(goal, spec)}",
        lambda result: _number(read(result)) >= goal,
        lambda result: fmt(_number(read(result)), _reading(spec)),
        what,
        f"≥ {fmt(goal, spec)}",
    )


def at_most(what: str, read: Callable[[RunResult], float | None], goal: float, spec: str = ".2f") -> Rule:
    return Rule(
        f"{what} of at most {fmt(goal, spec)}",
        lambda result: _number(read(result)) <= goal,
        lambda result: fmt(_number(read(result)), _reading(spec)),
        what,
        f"≤ {fmt(goal, spec)}",
    )


def train_accuracy(result: RunResult) -> float:
    return result.train_accuracy


def test_accuracy(result: RunResult) -> float | None:
    return result.test_accuracy


def test_loss(result: RunResult) -> float | None:
    return result.test_loss


def hidden_text(hidden: tuple[int, ...]) -> str:
    return "no hidden layer" if not hidden else " → ".join(map(str, hidden)) + " units"


def plain_number(value: float) -> str:
    """A setting's number as a student reads it: 0.0001, not 1e-4."""
    if value == 0 or abs(value) >= 1e-3 or not math.isfinite(value):
        return fmt(value)
    return f"{value:.12f}".rstrip("0")


def setting_text(name: str, value: object) -> str:
    """One setting in plain words: "batch size 16", "activation ReLU", "inputs x₁, x₂, x₁·x₂"."""
    spec = FIELDS[name]
    label = spec.label[0].lower() + spec.label[1:]
    if name == "hidden":
        return hidden_text(value)
    if name == "features":
        return "inputs " + ", ".join(FEATURE_LABELS.get(feature, feature) for feature in value)
    if name == "batch_size":
        return "full batches" if not value else f"batches of {value:,}"
    if name == "patience" and not value:
        return "no early stop"
    if spec.choices is not None:
        return f"{label} {spec.choices.get(value, value)}"
    return f"{label} {plain_number(value) if isinstance(value, float) else format(value, ',')}"


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
    why: str = ""  # after the goal is met: why it worked, and where on the page that shows

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

    def left(self, config: RunConfig) -> list[str]:
        """The fixed settings ``config`` changed, in plain words with the lesson's value."""
        changed = [
            f"{setting_text(name, getattr(config, name))} "
            f"(the lesson's: {setting_text(name, getattr(self.setup, name))})"
            for name in FIELDS
            if name in self.locked and getattr(config, name) != getattr(self.setup, name)
        ]
        if not self.own_data and config.data_id != self.setup.data_id:
            changed.insert(0, "your own points (the lesson's: its built-in dataset)")
        return changed

    def follows(self, result: RunResult) -> bool:
        """Whether ``result`` is a run of this lesson's setup: the locked fields as they were set."""
        return not self.left(result.config)

    def passed(self, result: RunResult) -> bool:
        """Whether ``result`` meets this lesson's goal: a finished run of the setup that meets every rule."""
        return result.status in FINISHED and self.follows(result) and all(rule.met(result) for rule in self.rules)

    def missed(self, result: RunResult) -> list[str]:
        """What ``result`` still misses, one sentence a rule (empty when it passes)."""
        left = self.left(result.config)
        if left:
            return [
                f"This run changed what the lesson keeps fixed: {'; '.join(left)}. Press **Train** with the "
                "lesson's settings, or open the lesson again."
            ]
        if result.status not in FINISHED:
            how = {"diverged": "blew up", "cancelled": "was paused"}.get(result.status, "has not trained")
            return [f"This run {how} at epoch {result.history.epochs_run:,}: the goal counts a run that finished."]
        return [
            f"Goal: {rule.text}; this run: {rule.reading(result) or 'no'}."
            for rule in self.rules
            if not rule.met(result)
        ]

    def checklist(self, result: RunResult) -> list[tuple[bool, str]]:
        """Why ``result`` counted or not, point by point: the fixed settings, a finished run, each rule."""
        left = self.left(result.config)
        finished = result.status in FINISHED
        items = [
            (not left, "kept the lesson's fixed settings" + (f" — changed: {'; '.join(left)}" if left else "")),
            (finished, f"trained to the end ({result.history.epochs_run:,} epochs, {result.status.replace('_', ' ')})"),
        ]
        items += [(rule.met(result), f"{rule.text} — this run: {rule.reading(result) or 'no'}") for rule in self.rules]
        return items

    def changes(self, result: RunResult) -> str:
        """How ``result``'s settings differ from the setup, in plain words: "batches of 16"."""
        config = result.config
        parts = []
        if config.data_id and config.data_id != self.setup.data_id:
            parts.append(f"your own points ({config.data_points:,} of them)")
            skipped = set(BUILT_IN_DATA)  # on own points the controls' dataset settings mean nothing
        else:
            skipped = set()
        parts += [
            setting_text(name, getattr(config, name))
            for name in FIELDS
            if name not in skipped and getattr(config, name) != getattr(self.setup, name)
        ]
        return ", ".join(parts) or "the lesson's starting settings"


@dataclass(frozen=True)
class Standing:
    """How this session's runs stand against one lesson."""

    passed: bool
    passing: RunResult | None  # the newest run that met the goal
    tries: tuple[RunResult, ...]  # runs made for the lesson that changed something and missed, oldest first

    @property
    def last_try(self) -> RunResult | None:
        return self.tries[-1] if self.tries else None


def standing(lesson: Lesson, runs: Sequence[RunResult], passed_before: bool = False) -> Standing:
    """``lesson`` against ``runs``: the runs made for it (opened from it), oldest first. A goal once
    met stays met (``passed_before``), though the run that met it may have left the list. A try is a
    run that trained and was not the lesson's starting run as it opened; a try that left the
    lesson's fixed settings is a try that cannot count, and says so."""
    met = [lesson.passed(run) for run in runs]  # each run checked once
    passing = [run for run, ok in zip(runs, met) if ok]
    tries = tuple(run for run, ok in zip(runs, met) if run.history.epochs_run and not ok and run.config != lesson.setup)
    return Standing(passed_before or bool(passing), passing[-1] if passing else None, tries)
