"""A class challenge's rules: what the teacher sets, what a run must respect, how it is scored.

No Streamlit and no database here. A ``ChallengeSpec`` is what the teacher chose (the points
everyone trains and is scored on, the metric, the limits, the controls to hide). ``check_run``
re-checks a run against it on the server; ``score`` reads the score from the server's own
``RunResult`` of that run (never from anything the browser sends). Display names, the teacher's
key and the challenge links are checked here too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

import scratchnet as sn
from scratchnet.app.runs.config import FIELDS, MAX_HIDDEN_LAYERS, MAX_UNITS, OPTIMIZER_LABELS, RunConfig, to_query
from scratchnet.app.runs.links import parse_hidden_list
from scratchnet.app.runs.result import RunResult
from scratchnet.app.text import plural

#: The fields that decide which points a run trains and is scored on: fixed by the challenge.
DATA_FIELDS = ("dataset", "samples", "classes", "noise", "data_seed", "test_share")
#: What the teacher's form asks for: a ``ChallengeSpec``'s fields, and minutes until it closes.
FORM_FIELDS = (
    "title",
    *DATA_FIELDS,
    "metric",
    "max_units",
    "max_layers",
    "max_epochs",
    "optimizers",
    "hidden",
    "minutes",
)
MIN_TEST_SHARE = 0.1  # a score needs held-out points to be measured on
TITLE_LENGTH = 80
NAME_LENGTH = 24
KEY_BYTES = 24  # the teacher's key: 192 random bits
ID_BYTES = 6  # a challenge id: 8 URL-safe characters
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8}")
#: Always hidden from students: the data is the challenge's, so are the presets and no uploads.
ALWAYS_HIDDEN = frozenset({"data", "presets", "upload"})
#: Query keys a forged student link might carry to loosen the rules; a challenge's rules come
#: from its record on the server, so these are ignored, with a message.
FORGED_KEYS = ("max_units", "max_layers", "max_epochs", "optimizers", "metric", "score", "limits", "closes")


class Refused(ValueError):
    """A submission or a challenge the rules refuse; the message says what is wrong and what is allowed."""


@dataclass(frozen=True)
class Metric:
    label: str
    higher_is_better: bool

    def shown(self, value: float) -> str:
        return f"{value:.1%}" if self.higher_is_better else f"{value:.4f}"


METRICS = {
    "accuracy": Metric("Held-out accuracy", higher_is_better=True),
    "loss": Metric("Held-out loss", higher_is_better=False),
}


@dataclass(frozen=True)
class ChallengeSpec:
    """What the teacher set. The data fields are ``RunConfig``'s, checked by it."""

    title: str
    dataset: str = "spiral"
    samples: int = 100
    classes: int = 3
    noise: float = 0.2
    data_seed: int = 0
    test_share: float = 0.2
    metric: str = "accuracy"
    max_units: int = 8  # in each hidden layer
    max_layers: int = 2
    max_epochs: int = 2000
    optimizers: tuple[str, ...] = tuple(OPTIMIZER_LABELS)
    hidden: frozenset[str] = frozenset()  # controls hidden from the students, besides ``ALWAYS_HIDDEN``

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", check_title(self.title))
        try:
            data = RunConfig(**{name: getattr(self, name) for name in DATA_FIELDS})
            epochs = FIELDS["epochs"]
            limits = {
                "max_units": _whole("max_units", self.max_units, 1, MAX_UNITS),
                "max_layers": _whole("max_layers", self.max_layers, 0, MAX_HIDDEN_LAYERS),
                "max_epochs": _whole("max_epochs", self.max_epochs, 1, int(epochs.high)),
            }
        except ValueError as error:
            raise Refused(str(error)) from None
        for name in DATA_FIELDS:
            object.__setattr__(self, name, getattr(data, name))
        for name, value in limits.items():
            object.__setattr__(self, name, value)
        if data.test_share < MIN_TEST_SHARE:
            raise Refused(f"Hold out at least {MIN_TEST_SHARE:.0%} of the points: the score is measured on them.")
        if self.metric not in METRICS:
            raise Refused(f"The metric must be one of {', '.join(METRICS)}; got {str(self.metric)[:20]!r}.")
        optimizers = tuple(name for name in OPTIMIZER_LABELS if name in tuple(self.optimizers))
        if not optimizers or len(optimizers) != len(set(self.optimizers)):
            raise Refused(f"Allow one or more optimizers of {', '.join(OPTIMIZER_LABELS)}.")
        object.__setattr__(self, "optimizers", optimizers)
        object.__setattr__(self, "hidden", parse_hidden_list(",".join(self.hidden)) - ALWAYS_HIDDEN)

    @property
    def metric_info(self) -> Metric:
        return METRICS[self.metric]

    def start_config(self) -> RunConfig:
        """The run a student starts from: the challenge's points, a network at its limits."""
        optimizer = "adam" if "adam" in self.optimizers else self.optimizers[0]
        hidden = (self.max_units,) if self.max_layers else ()
        epochs = min(int(FIELDS["epochs"].default), self.max_epochs)
        return RunConfig(**self.data_values(), hidden=hidden, optimizer=optimizer, epochs=epochs)

    def data_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DATA_FIELDS}

    def hidden_controls(self) -> frozenset[str]:
        return self.hidden | ALWAYS_HIDDEN

    def rules(self) -> str:
        """The limits in one line, as students read them."""
        layers = "no hidden layer" if not self.max_layers else f"at most {plural(self.max_layers, 'hidden layer')}"
        optimizers = " / ".join(sn.OPTIMIZER_CHOICES[name].short for name in self.optimizers)
        units = f" of at most {self.max_units} units" if self.max_layers else ""
        return f"{layers}{units}; at most {self.max_epochs:,} epochs; optimizers: {optimizers}."

    def points(self) -> str:
        """The points everyone trains and is scored on, in one line."""
        return ", ".join(f"{FIELDS[name].label.lower()} {getattr(self, name)}" for name in DATA_FIELDS)

    def to_json(self) -> str:
        values = dataclasses.asdict(self)
        values["optimizers"], values["hidden"] = list(self.optimizers), sorted(self.hidden)
        return json.dumps(values, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ChallengeSpec:
        values = json.loads(text)
        known = {field.name for field in dataclasses.fields(cls)}
        values = {name: value for name, value in values.items() if name in known}
        values["optimizers"] = tuple(values.get("optimizers", ()))
        values["hidden"] = frozenset(values.get("hidden", ()))
        return cls(**values)


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}; got {value!r}")
    return int(value)


# ---- the rules, applied to a run -------------------------------------------------------------------
def check_run(spec: ChallengeSpec, config: RunConfig) -> list[str]:
    """Every way ``config`` breaks the challenge's rules (empty when it respects them)."""
    problems = []
    if config.data_id:
        return ["This run trains on uploaded points; the challenge is scored on its own points."]
    for name in DATA_FIELDS:
        if getattr(config, name) != getattr(spec, name):
            problems.append(
                f"{FIELDS[name].label} is {getattr(config, name)!r}; this challenge uses {getattr(spec, name)!r}."
            )
    if len(config.hidden) > spec.max_layers:
        problems.append(f"{len(config.hidden)} hidden layers; this challenge allows at most {spec.max_layers}.")
    if any(units > spec.max_units for units in config.hidden):
        problems.append(
            f"{max(config.hidden)} units in a hidden layer; this challenge allows at most {spec.max_units}."
        )
    if config.epochs > spec.max_epochs:
        problems.append(f"{config.epochs:,} epochs; this challenge allows at most {spec.max_epochs:,}.")
    if config.optimizer not in spec.optimizers:
        allowed = ", ".join(OPTIMIZER_LABELS[name] for name in spec.optimizers)
        problems.append(f"The optimizer {OPTIMIZER_LABELS[config.optimizer]} is not allowed here; allowed: {allowed}.")
    return problems


def score(spec: ChallengeSpec, result: RunResult) -> float:
    """The run's score by the challenge's metric, from the server's own result of the run."""
    problems = check_run(spec, result.config)
    if result.history.epochs_run > spec.max_epochs and not problems:  # however the run got there (continued)
        problems.append(f"{result.history.epochs_run:,} epochs; this challenge allows at most {spec.max_epochs:,}.")
    if problems:
        raise Refused("This run breaks the challenge's rules: " + " ".join(problems))
    value = result.test_accuracy if spec.metric == "accuracy" else result.test_loss
    if value is None or not math.isfinite(value):
        raise Refused("This run has no finite held-out score (it blew up): train it again with a smaller step.")
    return float(value)


def control_limits(spec: ChallengeSpec) -> dict[str, tuple]:
    """The Playground controls' own ranges under ``spec`` (``ui.controls.Limits``): the sliders stop
    at the challenge's limits and the optimizer offers only those allowed."""
    return {
        "layers": (0, spec.max_layers),
        "units": (1, spec.max_units),
        "epochs": (1, spec.max_epochs),
        "optimizer": tuple(spec.optimizers),
    }


def clamp(spec: ChallengeSpec, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Control values brought inside the challenge's limits (the data fixed to the challenge's);
    a note for each limit that moved a value the student chose."""
    values, notes = {**values, **spec.data_values()}, []
    layers = values.get("hidden", ())
    if len(layers) > spec.max_layers:
        notes.append(f"This challenge allows at most {plural(spec.max_layers, 'hidden layer')}.")
        layers = layers[: spec.max_layers]
    if any(units > spec.max_units for units in layers):
        notes.append(f"This challenge allows at most {spec.max_units} units in a hidden layer.")
        layers = tuple(min(units, spec.max_units) for units in layers)
    values["hidden"] = tuple(layers)
    if values.get("epochs", 0) > spec.max_epochs:
        notes.append(f"This challenge allows at most {spec.max_epochs:,} epochs.")
        values["epochs"] = spec.max_epochs
    if values.get("optimizer") not in spec.optimizers:
        if "optimizer" in values:
            notes.append("This challenge allows only these optimizers: " + ", ".join(spec.optimizers) + ".")
        values["optimizer"] = spec.start_config().optimizer
    return values, notes


def is_closed(closed: bool, closes_at: float | None, now: float) -> bool:
    return closed or (closes_at is not None and now >= closes_at)


# ---- display names -------------------------------------------------------------------------------
def check_name(text: object) -> tuple[str, str]:
    """A display name, trimmed (spaces inside collapsed), and the key that tells names apart
    (case and look-alike forms folded). ``Refused`` says what is allowed."""
    name = " ".join(unicodedata.normalize("NFKC", str(text)).split())
    if not name:
        raise Refused(f"Type a display name: 1 to {NAME_LENGTH} characters.")
    if len(name) > NAME_LENGTH:
        raise Refused(f"A display name is 1 to {NAME_LENGTH} characters; this one has {len(name)}.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn") for ch in name):
        # control characters and invisible format marks (a right-to-left override would reverse the board)
        raise Refused("A display name may not contain control characters or invisible marks.")
    return name, name.casefold()


# ---- keys and ids --------------------------------------------------------------------------------
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")  # what ``new_key`` makes: 24 bytes, URL-safe base64


def token_well_formed(token: object) -> bool:
    """True when ``token`` looks like a key or personal token this app makes (a cut-short one does not)."""
    return isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) is not None


def student_session(student_id: int) -> str:
    """The identity a class's student submits to its challenges under: the same on every visit and
    every server, made on the server from the student the personal token resolved to."""
    return f"class-student:{int(student_id)}"


def check_title(text: object) -> str:
    """A title (of a challenge or a class), trimmed; ``Refused`` says what is allowed."""
    title = " ".join(str(text).split())
    if not 1 <= len(title) <= TITLE_LENGTH:
        raise Refused(f"The title must be 1 to {TITLE_LENGTH} characters; got {len(title)}.")
    return title


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def new_challenge_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def hash_key(key: str) -> str:
    """The stored form of a teacher's key. One SHA-256 suffices: the key is 192 random bits, not a
    password a person chose, so there is nothing to guess and no need for a slow hash."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str | None, stored_hash: str) -> bool:
    """True when ``key`` is the challenge's; compared in constant time."""
    if not key or len(key) > 200:
        return False
    return hmac.compare_digest(hash_key(key), stored_hash)


def session_hash(session_id: str) -> str:
    """How a session is stored: its id itself never leaves the server's memory."""
    return hashlib.sha256(f"scratchnet-session:{session_id}".encode()).hexdigest()


def run_key(config: RunConfig) -> str:
    """One run's fingerprint: the same run submitted twice by a session is stored once."""
    return hashlib.sha256(json.dumps(to_query(config), sort_keys=True).encode()).hexdigest()


# ---- links ---------------------------------------------------------------------------------------
def student_query(challenge_id: str, spec: ChallengeSpec, config: RunConfig | None = None) -> dict[str, str]:
    """The Playground link for students: the challenge, its hidden controls, and a run (the start by default)."""
    query = {"challenge": challenge_id, "hide": ",".join(sorted(spec.hidden_controls()))}
    return query | to_query(config or spec.start_config())


def teacher_query(challenge_id: str, key: str) -> dict[str, str]:
    return {"challenge": challenge_id, "key": key}


@dataclass(frozen=True)
class ChallengeLink:
    """What a link says about a challenge: its id (None when there is none or it is malformed)."""

    challenge_id: str | None
    key: str | None
    messages: tuple[str, ...] = ()


def read_challenge_link(query: dict[str, list[str]]) -> ChallengeLink:
    """The challenge id and key from a link's query (each key with all its values), with a message
    for every part that is refused (a malformed id, forged limits)."""
    messages = []
    ids = query.get("challenge") or []
    if len(ids) > 1:
        messages.append(f"challenge was given {len(ids)} times in the link; using the last one.")
    challenge_id = ids[-1].strip() if ids else None
    if challenge_id is not None and not ID_PATTERN.fullmatch(challenge_id):
        messages.append(
            f"{challenge_id[:40]!r} is not a challenge id (8 letters, digits, - or _): check the link you were given."
        )
        challenge_id = None
    keys = query.get("key") or []
    key = keys[-1] if keys else None
    forged = [name for name in FORGED_KEYS if name in query]
    if forged and challenge_id is not None:
        messages.append(
            f"Ignored {', '.join(forged)} in the link: a challenge's rules and scores are kept on the server, "
            "as the teacher set them."
        )
    return ChallengeLink(challenge_id, key, tuple(messages))
