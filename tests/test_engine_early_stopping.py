"""The best epoch (lowest held-out loss), early stopping with a patience, and restoring the best parameters."""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn


@pytest.fixture(scope="module")
def overfit():
    """Few noisy points and a wide network trained hard: the held-out loss falls, then rises."""
    X, y = sn.spiral_data(samples=40, classes=3, noise=0.4, seed=2)
    return sn.train_test_split(X, y, test_share=0.5, seed=2)


def _run(split, epochs: int, **kwargs) -> tuple[sn.Network, sn.History]:
    X_train, X_val, y_train, y_val = split
    net = sn.mlp([2, 64, 3], seed=0)
    history = sn.train(net, X_train, y_train, sn.Adam(lr=0.05), epochs, validation=(X_val, y_val), **kwargs)
    return net, history


def test_best_epoch_is_the_argmin_of_the_held_out_loss(overfit):
    _, history = _run(overfit, 300)
    assert history.status == "completed"
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1
    assert 1 < history.best_epoch < 300  # this run does start to memorise
    assert history.val_loss[-1] > history.val_loss[history.best_epoch - 1]


def test_best_params_are_those_after_the_best_epoch(overfit):
    _, history = _run(overfit, 120)
    shorter, _ = _run(overfit, history.best_epoch)
    for name, value in history.best_params.items():
        np.testing.assert_array_equal(value, shorter.params[name])


def test_without_validation_there_is_no_best_epoch(spiral):
    X, y = spiral
    history = sn.train(sn.mlp([2, 8, 3]), X, y, sn.SGD(), 5)
    assert history.best_epoch is None and history.best_params is None


def test_best_epoch_skips_non_finite_held_out_losses():
    history = sn.History(4, validation=True)
    history.extend(
        {
            "loss": np.ones(4),
            "accuracy": np.ones(4),
            "lr": np.ones(4),
            "val_loss": np.array([np.nan, 0.7, 0.5, 0.5]),
            "val_accuracy": np.ones(4),
        }
    )
    assert history.best_epoch == 3
    empty = sn.History(3, validation=True)
    assert empty.best_epoch is None


@pytest.mark.parametrize("patience", [1, 5, 20])
def test_early_stopping_stops_patience_epochs_after_the_best(overfit, patience):
    _, history = _run(overfit, 2000, early_stopping=patience)
    assert history.status == "stopped_early"
    assert history.epochs_run == history.best_epoch + patience < 2000
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1
    # Nothing was better in the last `patience` epochs, and the run is that of the same run without stopping.
    assert np.all(history.val_loss[history.best_epoch :] >= history.val_loss[history.best_epoch - 1])
    _, full = _run(overfit, history.epochs_run)
    np.testing.assert_array_equal(full.val_loss, history.val_loss)


def test_restore_best_leaves_the_network_at_the_best_epoch(overfit):
    net, history = _run(overfit, 2000, early_stopping=10, restore_best=True)
    reference, _ = _run(overfit, history.best_epoch)  # trained exactly best_epoch epochs
    for name in net.params:
        np.testing.assert_array_equal(net.params[name], reference.params[name])
    _, X_val, _, y_val = overfit
    assert sn.evaluate(net, X_val, y_val)[0] == pytest.approx(history.val_loss[history.best_epoch - 1], rel=1e-12)


def test_restore_best_without_early_stopping(overfit):
    net, history = _run(overfit, 150, restore_best=True)
    reference, _ = _run(overfit, history.best_epoch)
    np.testing.assert_array_equal(net.flat_params, reference.flat_params)
    assert history.status == "completed" and history.epochs_run == 150


def test_a_stopped_run_keeps_its_last_state_as_a_snapshot(overfit):
    _, history = _run(overfit, 2000, early_stopping=5, snapshots=[0, 2000])
    assert [s.epoch for s in history.snapshots] == [0, history.epochs_run]


def test_patience_counts_across_a_resume(overfit):
    X_train, X_val, y_train, y_val = overfit
    _, whole = _run(overfit, 2000, early_stopping=8)
    # The same run in two calls: the first ends before the stop, the second goes on counting.
    net, opt = sn.mlp([2, 64, 3], seed=0), sn.Adam(lr=0.05)
    settings = {"validation": (X_val, y_val), "early_stopping": 8}
    first = sn.train(net, X_train, y_train, opt, whole.best_epoch, **settings)
    second = sn.train(net, X_train, y_train, opt, 2000, resume=first, **settings)
    assert second.status == "stopped_early" and second.epochs_run == whole.epochs_run
    assert second.best_epoch == whole.best_epoch
    np.testing.assert_array_equal(second.val_loss, whole.val_loss)


def test_the_callback_still_sees_the_last_epoch(overfit):
    seen: list[int] = []
    _, history = _run(overfit, 2000, early_stopping=3, callback=lambda epoch, h: seen.append(epoch))
    assert seen[-1] == history.epochs_run


def test_early_stopping_and_restore_best_need_held_out_points(spiral):
    X, y = spiral
    with pytest.raises(ValueError, match=r"early_stopping needs held-out data: pass validation=\(X_val, y_val\)"):
        sn.train(sn.mlp([2, 8, 3]), X, y, sn.SGD(), 5, early_stopping=3)
    with pytest.raises(ValueError, match=r"restore_best needs held-out data: pass validation=\(X_val, y_val\)"):
        sn.train(sn.mlp([2, 8, 3]), X, y, sn.SGD(), 5, restore_best=True)
    with pytest.raises(ValueError, match=r"early_stopping must be an integer from 1 to 1000000; got 0"):
        sn.train(sn.mlp([2, 8, 3]), X, y, sn.SGD(), 5, early_stopping=0, validation=(X, y))
    with pytest.raises(ValueError, match=r"restore_best must be True or False; got 'yes'"):
        sn.train(sn.mlp([2, 8, 3]), X, y, sn.SGD(), 5, restore_best="yes", validation=(X, y))


def test_restore_best_after_a_resume_can_reach_back_into_the_earlier_epochs(overfit):
    X_train, X_val, y_train, y_val = overfit
    net, opt = sn.mlp([2, 64, 3], seed=0), sn.Adam(lr=0.05)
    first = sn.train(net, X_train, y_train, opt, 300, validation=(X_val, y_val))
    assert first.best_epoch < 300
    later = sn.train(net, X_train, y_train, opt, 20, validation=(X_val, y_val), resume=first, restore_best=True)
    assert later.best_epoch == first.best_epoch  # the held-out loss kept rising
    reference, _ = _run(overfit, first.best_epoch)
    np.testing.assert_array_equal(net.flat_params, reference.flat_params)
