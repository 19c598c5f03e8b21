"""``train(resume=history)``: continuing a run E epochs by k is the run of E + k epochs, bit for bit,
and the history passed in is never changed."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.notebook import NotebookGD
from scratchnet.optimizers import Nesterov

OPTIMIZERS = {
    "sgd": lambda decay: sn.SGD(lr=0.5, decay=decay),
    "momentum": lambda decay: sn.SGD(lr=0.2, decay=decay, momentum=0.9),
    "nesterov": lambda decay: Nesterov(lr=0.2, decay=decay, momentum=0.9),
    "adagrad": lambda decay: sn.Adagrad(lr=0.5, decay=decay),
    "rmsprop": lambda decay: sn.RMSprop(lr=0.01, decay=decay),
    "adam": lambda decay: sn.Adam(lr=0.05, decay=decay),
    "notebook_gd": lambda decay: NotebookGD(lr=0.5, decay=decay),
}
REGULARISATION = {"decay": {"decay": 0.05, "l2": 0.0}, "l2": {"decay": 0.0, "l2": 0.01}}


def test_every_registered_optimizer_is_checked_for_resume_identity():
    assert set(sn.OPTIMIZERS) <= set(OPTIMIZERS)


@pytest.fixture(scope="module")
def split(spiral):
    X, y = spiral
    return sn.train_test_split(X, y, test_share=0.25, seed=1)


def _assert_same_run(a: sn.History, b: sn.History, net_a: sn.Network, net_b: sn.Network) -> None:
    assert a.status == b.status and a.epochs_run == b.epochs_run and a.epochs_planned == b.epochs_planned
    assert a.names == b.names
    for name in a.names:
        np.testing.assert_array_equal(a.column(name), b.column(name), err_msg=name, strict=True)
    for name in net_a.params:
        np.testing.assert_array_equal(net_a.params[name], net_b.params[name], err_msg=name, strict=True)
    assert [s.epoch for s in a.snapshots] == [s.epoch for s in b.snapshots]
    for snap_a, snap_b in zip(a.snapshots, b.snapshots):
        for name in snap_a.params:
            np.testing.assert_array_equal(snap_a.params[name], snap_b.params[name], strict=True)
    assert a.best_epoch == b.best_epoch
    if a.best_params is not None:
        for name in a.best_params:
            np.testing.assert_array_equal(a.best_params[name], b.best_params[name], strict=True)
    assert a.rng_state == b.rng_state


def _assert_same_optimizer(a: sn.Optimizer, b: sn.Optimizer) -> None:
    assert a.iterations == b.iterations and a.current_lr == b.current_lr
    assert a.state.keys() == b.state.keys()
    for key in a.state:
        assert a.state[key].keys() == b.state[key].keys()
        for slot in a.state[key]:
            np.testing.assert_array_equal(a.state[key][slot], b.state[key][slot], strict=True)


@pytest.mark.parametrize("regularisation", REGULARISATION)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batch_size", [None, 64], ids=["full-batch", "mini-batch"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_continuing_a_run_is_training_longer_bit_for_bit(split, optimizer, batch_size, dtype, regularisation):
    X_train, X_val, y_train, y_val = split
    decay, l2 = REGULARISATION[regularisation]["decay"], REGULARISATION[regularisation]["l2"]
    settings = {"batch_size": batch_size, "seed": 3, "l2": l2, "validation": (X_val, y_val)}

    whole_net = sn.mlp([2, 12, 3], seed=5, dtype=dtype)
    whole_opt = OPTIMIZERS[optimizer](decay)
    whole = sn.train(whole_net, X_train, y_train, whole_opt, 13, snapshots=[0, 4, 8, 11, 13], **settings)

    net = sn.mlp([2, 12, 3], seed=5, dtype=dtype)
    opt = OPTIMIZERS[optimizer](decay)
    first = sn.train(net, X_train, y_train, opt, 8, snapshots=[0, 4, 8], **settings)
    second = sn.train(net, X_train, y_train, opt, 3, snapshots=[11], resume=first, **settings)
    third = sn.train(net, X_train, y_train, opt, 2, snapshots=[0, 4, 8, 11, 13], resume=second, **settings)

    assert third.status == "completed" and third.epochs_run == 13
    _assert_same_run(third, whole, net, whole_net)
    _assert_same_optimizer(opt, whole_opt)
    assert third.reference_loss == whole.reference_loss


def test_copies_of_network_and_optimizer_continue_like_the_originals(split):
    """What the app does with a shared run: continue deep copies, leaving the shared objects as they were."""
    X_train, X_val, y_train, y_val = split
    settings = {"batch_size": 50, "validation": (X_val, y_val)}
    net, opt = sn.mlp([2, 10, 3], seed=2), sn.Adam(lr=0.05)
    first = sn.train(net, X_train, y_train, opt, 6, **settings)
    kept_params, kept_iterations = net.get_params(), opt.iterations

    twin_net, twin_opt = net.copy(), opt.copy()
    continued = sn.train(twin_net, X_train, y_train, twin_opt, 5, resume=first, **settings)
    longer_net, longer_opt = sn.mlp([2, 10, 3], seed=2), sn.Adam(lr=0.05)
    longer = sn.train(longer_net, X_train, y_train, longer_opt, 11, **settings)

    _assert_same_run(continued, longer, twin_net, longer_net)
    _assert_same_optimizer(twin_opt, longer_opt)
    assert opt.iterations == kept_iterations
    for name, value in kept_params.items():
        np.testing.assert_array_equal(net.params[name], value)


def _frozen(history: sn.History) -> dict:
    return {
        "fields": (history.status, history.epochs_run, history.epochs_planned, history.diverged_at, history.seconds),
        "rows": history.rows(),
        "snapshots": [(s.epoch, {k: v.copy() for k, v in s.params.items()}) for s in history.snapshots],
        "best": None if history.best_params is None else {k: v.copy() for k, v in history.best_params.items()},
        "rng_state": copy.deepcopy(history.rng_state),
        "reference_loss": history.reference_loss,
    }


def _assert_equal_frozen(a: dict, b: dict) -> None:
    assert a["fields"] == b["fields"] and a["rng_state"] == b["rng_state"]
    assert a["reference_loss"] == b["reference_loss"]
    for name in a["rows"]:
        np.testing.assert_array_equal(a["rows"][name], b["rows"][name])
    assert [epoch for epoch, _ in a["snapshots"]] == [epoch for epoch, _ in b["snapshots"]]
    for (_, params_a), (_, params_b) in zip(a["snapshots"], b["snapshots"]):
        for name in params_a:
            np.testing.assert_array_equal(params_a[name], params_b[name])
    for name in a["best"] or {}:
        np.testing.assert_array_equal(a["best"][name], b["best"][name])


@pytest.mark.parametrize("batch_size", [None, 40])
def test_resuming_never_changes_the_history_passed_in(split, batch_size):
    X_train, X_val, y_train, y_val = split
    settings = {"batch_size": batch_size, "validation": (X_val, y_val), "snapshots": 3}
    net, opt = sn.mlp([2, 10, 3], seed=0), sn.Adam(lr=0.05)
    first = sn.train(net, X_train, y_train, opt, 10, **settings)
    before = _frozen(first)
    later = sn.train(net, X_train, y_train, opt, 30, resume=first, **settings)
    again = sn.train(net.copy(), X_train, y_train, opt.copy(), 5, resume=first, **settings)
    _assert_equal_frozen(_frozen(first), before)
    assert later is not first and later.epochs_run == 40 and again.epochs_run == 15
    for name in first.names:
        assert not np.shares_memory(later.storage(name), first.storage(name))


def test_a_resumed_history_covers_all_epochs_with_absolute_numbers(split):
    X_train, X_val, y_train, y_val = split
    net, opt = sn.mlp([2, 10, 3], seed=0), sn.SGD(lr=0.5)
    first = sn.train(net, X_train, y_train, opt, 10, snapshots=3, validation=(X_val, y_val))
    seen: list[int] = []
    later = sn.train(
        net,
        X_train,
        y_train,
        opt,
        10,
        resume=first,
        snapshots=3,
        validation=(X_val, y_val),
        callback=lambda epoch, history: seen.append(epoch),
    )
    assert seen == list(range(11, 21))
    assert later.epochs_run == later.epochs_planned == 20 and later.status == "completed"
    np.testing.assert_array_equal(later.loss[:10], first.loss)
    # Earlier snapshots kept; a count spaces the new ones over the new epochs (epoch 10 is already held).
    assert [s.epoch for s in first.snapshots] == [0, 5, 10]
    assert [s.epoch for s in later.snapshots] == [0, 5, 10, 15, 20]
    assert later.seconds >= first.seconds


def test_a_cancelled_run_can_be_continued(split):
    X_train, _, y_train, _ = split
    net, opt = sn.mlp([2, 10, 3], seed=0), sn.Adam(lr=0.05)
    paused = sn.train(net, X_train, y_train, opt, 100, batch_size=30, callback=lambda epoch, h: epoch == 7)
    assert paused.status == "cancelled" and paused.epochs_run == 7
    resumed = sn.train(net, X_train, y_train, opt, 5, batch_size=30, resume=paused)
    whole_net = sn.mlp([2, 10, 3], seed=0)
    whole = sn.train(whole_net, X_train, y_train, sn.Adam(lr=0.05), 12, batch_size=30)
    np.testing.assert_array_equal(resumed.loss, whole.loss)
    np.testing.assert_array_equal(net.flat_params, whole_net.flat_params)


def test_refusals_say_what_a_resume_needs(split):
    X_train, X_val, y_train, y_val = split
    net = sn.mlp([2, 8, 3], seed=0)
    with pytest.raises(ValueError, match=r"resume must be a History returned by scratchnet.train; got dict"):
        sn.train(net, X_train, y_train, sn.SGD(), 1, resume={})
    built = sn.History(5)
    built.extend({"loss": np.ones(2), "accuracy": np.ones(2), "lr": np.ones(2)})
    built.status = "cancelled"
    with pytest.raises(ValueError, match=r"resume needs a history returned by scratchnet.train"):
        sn.train(net, X_train, y_train, sn.SGD(), 1, resume=built)
    running: list[sn.History] = []
    sn.train(net, X_train, y_train, sn.SGD(), 2, callback=lambda e, h: running.append(h.copy()))
    with pytest.raises(ValueError, match=r"resume must be a finished run; this history is still running"):
        sn.train(net, X_train, y_train, sn.SGD(), 1, resume=running[0])
    diverged = sn.train(sn.mlp([2, 8, 3], activation="leaky_relu", seed=0), X_train, y_train, sn.SGD(lr=1e4), 50)
    assert diverged.status == "diverged"
    with pytest.raises(ValueError, match=rf"cannot resume a run that diverged \(at epoch {diverged.diverged_at}\)"):
        sn.train(net, X_train, y_train, sn.SGD(), 1, resume=diverged)
    without = sn.train(net, X_train, y_train, sn.SGD(), 2)
    with pytest.raises(ValueError, match=r"trained without validation data; pass no validation"):
        sn.train(net, X_train, y_train, sn.SGD(), 1, resume=without, validation=(X_val, y_val))
    with_val = sn.train(net, X_train, y_train, sn.SGD(), 2, validation=(X_val, y_val))
    with pytest.raises(ValueError, match=r"trained with validation data; pass validation=\(X_val, y_val\) again"):
        sn.train(net, X_train, y_train, sn.SGD(), 1, resume=with_val)
    with pytest.raises(ValueError, match=r"net is not the network this history was trained with"):
        sn.train(sn.mlp([2, 9, 3]), X_train, y_train, sn.SGD(), 1, resume=with_val, validation=(X_val, y_val))
