"""The buttons that put training under the student's hand, as views the run panel calls.

- While a run trains: **Pause** (it keeps what was learned; the session then holds the stopped run).
- Once it has stopped: **Step +1**, **Step +10**, **Continue for k epochs** (each the same run, longer:
  ``runs/continuing.py`` says which configuration, and the shared run it grows from is reused),
  and **Back to epoch 0** (the untrained network of the same settings, where stepping starts).
- Beside the replay: **Go to best epoch** (the lowest held-out loss).

Buttons act in their ``on_click`` callbacks, which run before the page redraws: a short step is
waited for there, so the click redraws the page once, with the step done.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from scratchnet.app.runs import continuing
from scratchnet.app.runs.cost import estimate_seconds
from scratchnet.app.runs.jobs import TrainingJob
from scratchnet.app.runs.result import RunResult, untrained
from scratchnet.app.ui import controls, session
from scratchnet.app.ui.cache import keep_paused, start_run

QUICK_SECONDS = 1.0  # a step or continue estimated under this is waited for in its click ...
WAIT_SECONDS = 2.0  # ... for at most this long (then the live view takes over)


# ---- while it trains ---------------------------------------------------------------------------------
def pause_button(job: TrainingJob) -> None:
    """Pause: stop training and keep what it has learned; Continue goes on from there."""
    st.button(
        "Pause",
        on_click=_pause,
        args=(job,),
        icon=":material/pause_circle:",
        key=session.CANCEL,
        help="Stop training and keep what it has learned. Step or Continue trains on from there.",
    )


def _pause(job: TrainingJob) -> None:
    paused = job.cancel(session.watcher_id())
    session.set_current_run(TrainingJob.finished(paused), session.run_source())
    keep_paused(paused)  # its link says the epochs it reached: opening it opens this very run


# ---- once it has stopped -----------------------------------------------------------------------------
def run_controls(result: RunResult, *, compact: bool = False, lead: Callable[[], None] | None = None) -> None:
    """Step +1 and +10, Continue for k epochs, Back to epoch 0; and why the last one was refused.
    ``compact`` (the presentation view): one short row, Continue for the epochs last chosen, after
    what ``lead`` draws (the page's Train). Not offered in a lesson that keeps the epochs fixed: a
    longer run would leave the lesson's settings."""
    if _lesson_keeps_epochs(result):
        if compact and lead is not None:
            lead()
        st.caption(
            "This lesson keeps the number of epochs fixed, so Step and Continue are off here: change what the "
            "task asks for and press **Train**."
        )
        return
    blocked = continuing.refusal(result, 1)
    if compact:  # no epochs box: Continue trains on for the epochs last chosen
        first, step_1, step_10, go, back = st.columns([2, 1, 1, 1, 1.4], vertical_alignment="bottom")
        if lead is not None:
            with first:
                lead()
    else:
        step_1, step_10, box, go, back = st.columns([1, 1, 2, 1, 1.4], vertical_alignment="bottom")
    _step_buttons((step_1, step_10), result, blocked)
    session.continue_epochs(continuing.CONTINUE_DEFAULT)  # the box's starting value, before it is drawn
    if not compact:
        box.number_input(
            "Epochs to continue",
            step=100,
            key=session.CONTINUE_EPOCHS,
            disabled=blocked is not None,
            help=f"How many epochs to train on, 1 to {continuing.continue_limit(result):,}.",
        )
    go.button(
        "Continue",
        key=session.CONTINUE,
        on_click=_continue,
        args=(result,),
        disabled=blocked is not None,
        icon=":material/fast_forward:",
        width="stretch",
        help=blocked or _continue_help(result),
    )
    back.button(
        "Back to epoch 0",
        key=session.RESET,
        on_click=_reset,
        args=(result,),
        disabled=result.status == continuing.UNTRAINED,
        icon=":material/restart_alt:",
        width="stretch",
        help="The same settings, untrained: step it through its first epochs.",
    )
    refusal = session.run_refusal()
    if refusal:
        st.error(refusal, icon=":material/block:")


def _step_buttons(columns: tuple, result: RunResult, blocked: str | None) -> None:
    """Step +1 and Step +10, one in each of ``columns`` (off, saying why, when ``blocked``)."""
    for column, epochs in zip(columns, continuing.STEPS, strict=False):
        column.button(
            continuing.step_label(epochs),
            key=session.step_key(epochs),
            on_click=go_on,
            args=(result, epochs),
            disabled=blocked is not None,
            icon=":material/skip_next:",
            width="stretch",
            help=blocked or f"Train this network {epochs} more epoch{'s' if epochs > 1 else ''}, from where it is.",
        )


def _lesson_keeps_epochs(result: RunResult) -> bool:
    """Whether the lesson the session is in fixes the epochs (or the patience that stopped this run)."""
    fixed = session.fixed_settings()
    return "epochs" in fixed or (result.status == "stopped_early" and "patience" in fixed)


def _continue_help(result: RunResult) -> str:
    text = "Train on from here: the same run, longer (its link says so). Trained once and shared like any run."
    if result.status == "stopped_early":
        text += " It trains on without early stopping."
    return text


def _continue(result: RunResult) -> None:
    go_on(result, session.continue_epochs(continuing.CONTINUE_DEFAULT))


def go_on(result: RunResult, epochs: object) -> TrainingJob | None:
    """Make the session's run ``result`` continued by ``epochs`` epochs (a refusal is kept to show)."""
    refusal = continuing.refusal(result, epochs)
    if refusal is not None:
        session.set_run_refusal(refusal)
        return None
    config = continuing.continued_config(result, int(epochs))
    job = start_run(config, result.data, parent=continuing.parent(result, config))
    session.set_current_run(job, session.run_source())  # the same points, its replay at its last epoch
    controls.load(config)  # the sidebar shows the run on screen, so Train asks for this same run
    if estimate_seconds(config.replace(epochs=continuing.epochs_to_train(result, config))) < QUICK_SECONDS:
        job.wait(WAIT_SECONDS)  # the redraw after this click then shows it done
    return job


def _reset(result: RunResult) -> None:
    session.show_result(untrained(result.config, result.data), session.run_source())


# ---- beside the replay -------------------------------------------------------------------------------
def best_epoch_button(result: RunResult, replay_key: str, view: str = session.RESULT) -> None:
    """Go to best epoch: the replay jumps to the epoch of the lowest held-out loss."""
    best = result.best_epoch
    epochs = [snapshot.epoch for snapshot in result.history.snapshots]
    st.button(
        "Go to best epoch",
        key=session.best_epoch_key(view),
        on_click=_go_to,
        args=(view, nearest(epochs, best)),
        disabled=best is None or not epochs,
        icon=":material/star:",
        help=(f"The lowest held-out loss was at epoch {best:,}." if best is not None else "No points were held out."),
    )


def nearest(epochs: list[int], epoch: int | None) -> int | None:
    """The snapshot epoch closest to ``epoch`` (the best epoch's own snapshot when the run kept it)."""
    if epoch is None or not epochs:
        return None
    return min(epochs, key=lambda kept: (abs(kept - epoch), kept))


def _go_to(view: str, epoch: int | None) -> None:
    if epoch is not None:
        session.set_playing(False, view)
        session.set_replay(epoch, view)
