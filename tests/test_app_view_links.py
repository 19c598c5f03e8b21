"""A link is the screen: after any sequence of Train, Step, Pause, Continue, Back to epoch 0, replay moves
and dataset changes, the page's own address, opened in a fresh session, shows the same figures.

A stateful property test (hypothesis's rule-based state machine) over the Playground in AppTest, plus the
pure view model (``runs/view.py``): its link and what a link opens."""

from __future__ import annotations

import time

import pytest
from app_helpers import app, settle
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.view import Source, View, read_view_link, screen_config, tiles_at, view_of, view_query
from scratchnet.app.ui import session

BASE = {"epochs": "60", "hidden": "16", "samples": "40"}  # small runs: a sequence trains in seconds
PAUSED_EPOCHS = 20_000  # long enough to be paused while it trains
SPEED = ("Time", "Epochs / s")  # the machine's figures, not the run's


def figures(at) -> list[tuple[str, str]]:
    """The tiles the page shows, in order (the run's time and speed left out)."""
    return [(m.label, m.value) for m in at.metric if m.label not in SPEED]


def wait_for_run(at) -> None:
    """Let the session's run finish, and draw the page with its result. The page is drawn again even
    when the run is done by now: it may have finished after the last run drew its progress (once, on
    a loaded machine, the invariant then compared a page of progress with the link's result)."""
    job = at.session_state[session.RUN]
    assert job.wait(60), "training did not finish in time"
    at.run()


def button(at, key: str):
    return next(b for b in at.button if b.key == key)


class LinkIsTheScreen(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.at = settle(app(query=BASE))
        assert not self.at.exception, self.at.exception

    @property
    def result(self):
        job = self.at.session_state[session.RUN]
        return job.result if job.done else None

    def click(self, key: str) -> None:
        button(self.at, key).click()
        self.at.run()
        wait_for_run(self.at)

    @rule()
    def train(self) -> None:
        self.click_sidebar_train()

    def click_sidebar_train(self) -> None:
        next(b for b in self.at.sidebar.button if b.label == "Train").click()
        self.at.run()
        wait_for_run(self.at)

    @precondition(lambda self: self.result is not None and self.result.status != "diverged")
    @rule(epochs=st.sampled_from([1, 10]))
    def step(self, epochs: int) -> None:
        self.click(session.step_key(epochs))

    @precondition(lambda self: self.result is not None and self.result.status != "diverged")
    @rule(epochs=st.integers(1, 40))
    def go_on(self, epochs: int) -> None:
        self.at.number_input(key=session.CONTINUE_EPOCHS).set_value(epochs)
        self.click(session.CONTINUE)

    @precondition(lambda self: self.result is not None and self.result.status != "untrained")
    @rule()
    def back_to_epoch_0(self) -> None:
        self.click(session.RESET)

    @rule()
    def pause(self) -> None:
        """Train a long run and press Pause while it trains (it may reach any epoch)."""
        self.at.select_slider(key=session.control_key("epochs")).set_value(PAUSED_EPOCHS)
        next(b for b in self.at.sidebar.button if b.label == "Train").click()
        self.at.run()
        time.sleep(0.3)
        if not self.at.session_state[session.RUN].done:
            button(self.at, session.CANCEL).click()
            self.at.run()
        wait_for_run(self.at)
        self.at.select_slider(key=session.control_key("epochs")).set_value(int(BASE["epochs"]))
        self.at.run()

    @precondition(lambda self: self.result is not None and len(self.result.history.snapshots) > 1)
    @rule(where=st.floats(0, 1))
    def replay(self, where: float) -> None:
        epochs = [snapshot.epoch for snapshot in self.result.history.snapshots]
        self.at.select_slider(key=session.replay_key()).set_value(epochs[round(where * (len(epochs) - 1))])
        self.at.run()

    @precondition(lambda self: self.result is not None and self.result.best_epoch is not None)
    @rule()
    def best_epoch(self) -> None:
        self.click(session.best_epoch_key(session.RESULT))

    @rule(dataset=st.sampled_from(["spiral", "moons", "circles", "xor"]))
    def change_dataset(self, dataset: str) -> None:
        self.at.selectbox(key=session.control_key("dataset")).set_value(dataset)
        self.at.run()
        self.click_sidebar_train()

    @invariant()
    def its_link_opens_the_same_screen(self) -> None:
        assert not self.at.exception, self.at.exception
        if self.result is None:
            return
        link = dict(self.at.query_params)
        other = settle(app(query=link))
        assert not other.exception, other.exception
        assert figures(other) == figures(self.at), link
        assert dict(other.query_params) == link  # the opened page's own address is the same link


LinkIsTheScreen.TestCase.settings = settings(
    max_examples=4,
    stateful_step_count=5,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.usefixtures("fresh_caches")
class TestLinkIsTheScreen(LinkIsTheScreen.TestCase):
    pass


# ---- the view model, pure -----------------------------------------------------------------------------
def test_a_paused_runs_view_is_the_run_of_the_epochs_it_reached() -> None:
    from app_helpers import trained

    full = trained(RunConfig(hidden=(8,), epochs=30))
    history = full.history.copy()
    history.status = "cancelled"
    paused = type(full)(**{**full.__dict__, "config": full.config.replace(epochs=500), "history": history})
    assert screen_config(paused) == full.config  # 30 of 500 epochs is the run of 30 epochs
    assert view_query(view_of(paused)) == view_query(view_of(full)) == {"hidden": "8", "epochs": "30"}


def test_the_link_of_each_view_and_what_it_opens() -> None:
    config = RunConfig(hidden=(8,), epochs=30)
    assert view_query(View(config, trained=0)) == {"hidden": "8", "epochs": "0"}
    assert view_query(View(config, trained=30, shown=12)) == {"hidden": "8", "epochs": "30", "at": "12"}
    drawn = view_query(View(config, Source("drawing", "aXYZ"), trained=30))
    assert drawn["draw"] == "aXYZ"
    uploaded = view_query(View(config, Source("upload"), trained=30, shown=12))
    assert uploaded == {"hidden": "8", "epochs": "30", "data": "upload"}  # the settings; the points cannot travel
    opened = read_view_link({key: [value] for key, value in uploaded.items()})
    assert opened.untrained and opened.at is None and opened.link.config == config  # not another run passing as it
    assert any("cannot carry points" in message for message in opened.link.messages)
    opened = read_view_link({"data": ["mine.csv"]})
    assert not opened.untrained and any("data=" in message for message in opened.link.messages)
    opened = read_view_link({"hidden": ["8"], "epochs": ["0"]})
    assert opened.untrained and opened.link.config.hidden == (8,) and not opened.link.messages
    opened = read_view_link({"epochs": ["30"], "at": ["12"]})
    assert opened.at == 12 and opened.link.config.epochs == 30
    opened = read_view_link({"at": ["soon"]})
    assert opened.at is None and any("at=" in message for message in opened.link.messages)


def test_the_tiles_at_an_epoch_are_that_snapshots_network_on_the_runs_data() -> None:
    from app_helpers import trained

    import scratchnet as sn
    from scratchnet.app.runs.result import inputs

    result = trained(RunConfig(hidden=(8,), epochs=40))
    snapshot = result.history.snapshots[3]
    tiles = tiles_at(result, snapshot.epoch)
    net = result.network.with_params(snapshot.params)
    data = result.data
    assert tiles.label == f"at epoch {snapshot.epoch}"
    assert (tiles.train_loss, tiles.train_accuracy) == sn.evaluate(
        net, inputs(result.config, data.X_train), data.y_train
    )
    assert (tiles.test_loss, tiles.test_accuracy) == sn.evaluate(net, inputs(result.config, data.X_test), data.y_test)
    final = tiles_at(result, result.history.snapshots[-1].epoch)
    assert final.final and final.train_loss == result.train_loss  # the last snapshot is the run's end


@pytest.mark.parametrize(
    "query",
    [
        {"epochs": "3000", "hidden": "16", "samples": "40", "patience": "20"},  # stops early
        {"epochs": "200", "hidden": "16", "optimizer": "sgd", "lr": "100.0"},  # blows up
    ],
    ids=["stopped early", "diverged"],
)
def test_a_run_that_ended_by_itself_opens_the_same_from_its_link_trained_again(query, fresh_caches) -> None:
    from scratchnet.app.ui import cache

    at = settle(app(query=query))
    status = at.session_state[session.RUN].result.status
    assert status in ("stopped_early", "diverged")
    link = dict(at.query_params)
    cache.clear_runs()  # not the same shared run: trained again from the link alone
    other = settle(app(query=link))
    assert other.session_state[session.RUN].result.status == status
    assert figures(other) == figures(at)
