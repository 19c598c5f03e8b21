"""What the student is looking at, as one value: the run, how far it trained, the epoch on screen, and where.

A ``View`` is small, typed and immutable. ``ui/session.py`` holds this session's (``session.view()``
reads it; its transitions change it), and everything that says what is on screen is derived from
it by the pure functions here: the address bar and the Share links (``view_query``), and what a
link opens (``read_view_link``). The tiles of the epoch shown are ``tiles_at``. No Streamlit here.

The run is stated as the configuration whose fresh run is what is on screen: a run paused at epoch
``e`` of ``E`` *is* the run of ``e`` epochs (continuing equals training longer, bit for bit), so its
configuration says ``epochs=e``. An untrained network (Back to epoch 0) is the run's configuration
with ``trained == 0``; its link says ``epochs=0``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.links import Link, link_query, read_link
from scratchnet.app.runs.result import UNTRAINED, RunResult, inputs

DRAW_PARAMETER = "draw"  # a drawing's link code (``runs/drawing.py``)
AT_PARAMETER = "at"  # the replay's epoch, when it is not the run's last
PRESENT_PARAMETER = "present"  # ``present=1``: the presentation view (large charts for a projector)
DATA_PARAMETER, UPLOADED = "data", "upload"  # ``data=upload``: made on uploaded points, which a link cannot carry
UPLOAD_LINK_NOTE = (
    "This link was made on points uploaded in another browser, and a link cannot carry points: its settings are "
    "set here, on an untrained network. Upload the same CSV (Data ▸ Your own points) and press Train to get its run."
)
SourceKind = Literal["dataset", "upload", "drawing"]
ContextKind = Literal["free", "lesson", "challenge"]


@dataclass(frozen=True)
class Source:
    """Where the run's points come from: a built-in dataset (named by the configuration), points
    uploaded in this browser (they cannot travel in a link), or a drawing (``code``: its link code)."""

    kind: SourceKind = "dataset"
    code: str = ""

    @property
    def travels(self) -> bool:
        """True when a link can carry the points (all but an upload)."""
        return self.kind != "upload"


@dataclass(frozen=True)
class Context:
    """Where the student is: free play, a lesson (``key``: its key) or a class challenge (``key``: its id)."""

    kind: ContextKind = "free"
    key: str = ""


DATASET, FREE = Source(), Context()


@dataclass(frozen=True)
class View:
    """What is on screen. ``config``: the run whose fresh training gives what is shown (a paused run's
    says the epochs it reached); ``trained``: the epochs trained (None while training); ``shown``: the
    replay's epoch when it is not the last (None: the run's end); ``context``: free play, lesson, challenge."""

    config: RunConfig
    source: Source = DATASET
    trained: int | None = None
    shown: int | None = None
    context: Context = FREE

    @property
    def untrained(self) -> bool:
        return self.trained == 0

    @property
    def training(self) -> bool:
        return self.trained is None

    def at(self, shown: int | None) -> View:
        """The same view with the replay at epoch ``shown`` (None: at the run's end)."""
        return replace(self, shown=shown)

    def within(self, context: Context) -> View:
        return replace(self, context=context)


def screen_config(result: RunResult) -> RunConfig:
    """The configuration whose fresh run is ``result`` as shown: a paused run is the run of the epochs
    it reached (the same path, bit for bit); any other run is its own configuration."""
    if result.status == "cancelled" and result.history.epochs_run:
        return result.config.replace(epochs=result.history.epochs_run)
    return result.config


def view_of(result: RunResult, source: Source = DATASET, context: Context = FREE) -> View:
    """The view of a finished (or paused, or untrained) ``result``, at its end."""
    trained = 0 if result.status == UNTRAINED else result.history.epochs_run
    return View(screen_config(result), source, trained, None, context)


def training_view(config: RunConfig, source: Source = DATASET, context: Context = FREE) -> View:
    """The view of a run of ``config`` that is training now."""
    return View(config, source, None, None, context)


def view_query(view: View, hidden: frozenset[str] = frozenset()) -> dict[str, str]:
    """The link that opens ``view``: its configuration (``runs/links.py``), ``epochs=0`` for an untrained
    network, ``at=`` for a replay not at its end, ``draw=`` for a drawing. Uploaded points stay in the
    browser: their link carries the settings and ``data=upload``, which opens them untrained and says
    why (``read_view_link``), rather than another run that would pass for this one."""
    query = link_query(view.config, hidden)
    if not view.source.travels:
        return query | {DATA_PARAMETER: UPLOADED}
    if view.untrained:
        query["epochs"] = "0"
    elif view.shown is not None:
        query[AT_PARAMETER] = str(view.shown)
    if view.source.kind == "drawing":
        query[DRAW_PARAMETER] = view.source.code
    return query


@dataclass(frozen=True)
class OpenedView:
    """What a link asks for beyond its ``Link``: an untrained network, the replay's epoch, the
    presentation view."""

    link: Link
    untrained: bool = False
    at: int | None = None
    present: bool = False


def read_view_link(query: dict[str, list[str]]) -> OpenedView:
    """A link's ``Link`` (``runs/links.read_link``), and whether it opens the untrained network
    (``epochs=0``, or ``data=upload``: points it cannot carry) or the replay at an epoch (``at=``; a
    bad value gets a message and is ignored)."""
    query = dict(query)
    untrained = (query.get("epochs") or [None])[-1] == "0"
    if untrained:
        del query["epochs"]  # a configuration trains at least one epoch: the untrained one keeps the default
    link = read_link(query)
    data = (query.get(DATA_PARAMETER) or [None])[-1]
    if data == UPLOADED:  # the points are not here: their settings, untrained, and why
        untrained, link = True, replace(link, messages=(*link.messages, UPLOAD_LINK_NOTE))
    elif data is not None:
        note = f"Ignored data={data[:20]!r}: it takes only {UPLOADED!r} (a link made on uploaded points)."
        link = replace(link, messages=(*link.messages, note))
    at_values = query.get(AT_PARAMETER) or []
    at = None
    if at_values:
        text = at_values[-1]
        if text.isdigit() and len(text) <= 7:
            at = int(text)
        else:
            link = replace(
                link, messages=(*link.messages, f"Ignored at={text[:20]!r}: it must be an epoch, a whole number.")
            )
    return OpenedView(link, untrained, at, presents(query))


def presents(query: dict[str, list[str]]) -> bool:
    """True when the link asks for the presentation view (``present=1``; any other value: the normal one)."""
    return (query.get(PRESENT_PARAMETER) or [""])[-1].strip().lower() in ("1", "true", "yes", "on")


# ---- the tiles of the epoch shown ------------------------------------------------------------------
@dataclass(frozen=True)
class Tiles:
    """The figures of the network at one epoch: ``epoch`` (None: the run's end, as frozen)."""

    epoch: int | None
    network_epoch: int
    train_loss: float
    train_accuracy: float
    test_loss: float | None
    test_accuracy: float | None

    @property
    def final(self) -> bool:
        return self.epoch is None

    @property
    def label(self) -> str:
        """ "final", or "at epoch 412"."""
        return "final" if self.final else f"at epoch {self.epoch:,}"


def final_tiles(result: RunResult) -> Tiles:
    return Tiles(
        None, result.shown_epoch, result.train_loss, result.train_accuracy, result.test_loss, result.test_accuracy
    )


def tiles_at(result: RunResult, epoch: int | None) -> Tiles:
    """The figures of ``result``'s network at snapshot epoch ``epoch`` (its end when None, the last
    epoch or no snapshot's): loss and accuracy on the training points and on the held-out ones, of
    that snapshot's network on the run's own data. Reads the result, changes nothing in it."""
    epochs = [snapshot.epoch for snapshot in result.history.snapshots]
    if epoch is None or epoch not in epochs or epoch == epochs[-1]:
        return final_tiles(result)
    _, net = result.network_at(epochs.index(epoch))
    data, config = result.data, result.config
    with np.errstate(all="ignore"):
        train_loss, train_accuracy = sn.evaluate(net, inputs(config, data.X_train), data.y_train)
        test_loss, test_accuracy = (
            sn.evaluate(net, inputs(config, data.X_test), data.y_test) if len(data.y_test) else (None, None)
        )
    return Tiles(epoch, epoch, train_loss, train_accuracy, test_loss, test_accuracy)
