"""The training loop: how runs end (completed, diverged, cancelled), snapshots, validation, L2, History."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import scratchnet as sn


def _net(seed: int = 0, **kwargs) -> sn.Network:
    return sn.mlp([2, 16, 3], seed=seed, **kwargs)


def test_completed_run_records_every_epoch(spiral) -> None:
    X, y = spiral
    history = sn.train(_net(), X, y, sn.Adam(lr=0.05), epochs=30)
    assert history.status == "completed" and history.done
    assert history.epochs_run == history.epochs_planned == 30
    assert history.diverged_at is None
    for column in (history.loss, history.accuracy, history.lr):
        assert column.shape == (30,) and np.isfinite(column).all()
    assert history.loss[-1] < history.loss[0]
    assert history.val_loss.shape == (0,) and not history.has_validation
    assert history.seconds > 0
    table = history.columns()
    assert list(table) == ["epoch", "loss", "accuracy", "lr"]
    np.testing.assert_array_equal(table["epoch"], np.arange(1, 31))


def test_recorded_loss_is_that_of_the_parameters_before_the_epoch(spiral) -> None:
    X, y = spiral
    net = _net()
    start = net.copy()
    history = sn.train(net, X, y, sn.SGD(lr=0.5), epochs=3)
    loss0, acc0 = sn.evaluate(start, X, y)
    assert history.loss[0] == pytest.approx(loss0, rel=1e-12)
    assert history.accuracy[0] == acc0


def test_lr_column_follows_the_decay(spiral) -> None:
    X, y = spiral
    history = sn.train(_net(), X, y, sn.Adam(lr=0.05, decay=0.1), epochs=10)
    np.testing.assert_allclose(history.lr, 0.05 / (1 + 0.1 * np.arange(10)), rtol=1e-15)
    # With mini-batches the decay counts steps, not epochs: 300 rows / 100 = 3 steps an epoch.
    history = sn.train(_net(), X, y, sn.Adam(lr=0.05, decay=0.1), epochs=4, batch_size=100)
    np.testing.assert_allclose(history.lr, 0.05 / (1 + 0.1 * 3 * np.arange(4)), rtol=1e-15)


@pytest.mark.parametrize(
    ("activation", "optimizer", "l2", "batch_size"),
    [
        ("leaky_relu", lambda: sn.SGD(lr=1e4), 0.0, None),  # weights grow until the logits overflow
        ("relu", lambda: sn.SGD(lr=1.0), 10.0, None),  # weight decay lr·l2 = 10 > 2: each step multiplies W by −9
        ("linear", lambda: sn.SGD(lr=100.0), 0.0, 50),  # the same with mini-batches
    ],
    ids=["huge-lr", "l2-too-strong", "minibatch"],
)
def test_divergence_stops_the_run_and_is_recorded(spiral, activation, optimizer, l2, batch_size) -> None:
    X, y = spiral
    net = sn.mlp([2, 64, 3], activation=activation, seed=0)
    initial_loss, _ = sn.evaluate(net, X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no exception, and no overflow warnings leaking out either
        history = sn.train(net, X, y, optimizer(), epochs=500, l2=l2, batch_size=batch_size, snapshots=[0, 1, 500])
    assert history.status == "diverged" and history.done
    assert history.diverged_at is not None and 1 <= history.diverged_at < 500
    assert history.epochs_run == history.diverged_at == len(history.loss) == len(history.accuracy)
    assert np.isfinite(history.loss[:-1]).all()
    # The epoch that ends the run has a loss that is not a number, or one that leapt far above the start.
    assert not history.loss[-1] <= 10 * initial_loss
    assert [s.epoch for s in history.snapshots] == [e for e in (0, 1) if e < history.diverged_at]
    assert "diverged" in repr(history)


def test_a_calm_run_does_not_diverge(spiral) -> None:
    """The divergence test's counterpart: the same net with a sane lr completes."""
    X, y = spiral
    history = sn.train(sn.mlp([2, 64, 3], activation="leaky_relu", seed=0), X, y, sn.SGD(lr=1.0), epochs=500)
    assert history.status == "completed"


def test_callback_can_cancel_and_the_learning_is_kept(spiral) -> None:
    X, y = spiral
    seen: list[tuple[int, int]] = []

    def stop_at_seven(epoch: int, history: sn.History) -> bool:
        seen.append((epoch, history.epochs_run))
        return epoch == 7

    net = _net()
    start = net.get_params()
    history = sn.train(net, X, y, sn.Adam(lr=0.05), epochs=100, callback=stop_at_seven)
    assert history.status == "cancelled" and history.done
    assert history.epochs_run == 7 and len(history.loss) == 7 and history.epochs_planned == 100
    assert seen == [(e, e) for e in range(1, 8)]  # called after each epoch, with that epoch recorded
    assert not np.array_equal(net.params["W1"], start["W1"])
    reference = _net()
    sn.train(reference, X, y, sn.Adam(lr=0.05), epochs=7)
    np.testing.assert_array_equal(net.flat_params, reference.flat_params)  # exactly 7 epochs of learning


def test_callback_returning_none_or_false_does_not_cancel(spiral) -> None:
    X, y = spiral
    history = sn.train(_net(), X, y, sn.SGD(lr=0.1), epochs=5, callback=lambda e, h: None if e % 2 else False)
    assert history.status == "completed" and history.epochs_run == 5


def _params_after(X, y, epochs: int) -> dict[str, np.ndarray]:
    net = _net()
    if epochs:
        sn.train(net, X, y, sn.Adam(lr=0.05), epochs=epochs)
    return net.get_params()


@pytest.mark.parametrize(
    ("snapshots", "expected"), [(3, [0, 5, 10]), (1, [10]), (11, list(range(11))), ([7, 0, 3, 3], [0, 3, 7]), (0, [])]
)
def test_snapshots_are_taken_at_the_right_epochs_and_hold_copies(spiral, snapshots, expected) -> None:
    X, y = spiral
    net = _net()
    history = sn.train(net, X, y, sn.Adam(lr=0.05), epochs=10, snapshots=snapshots)
    assert [s.epoch for s in history.snapshots] == expected
    for snap in history.snapshots:
        reference = _params_after(X, y, snap.epoch)  # an independent run stopped at that epoch
        assert set(snap.params) == set(net.params)
        for name, value in snap.params.items():
            np.testing.assert_array_equal(value, reference[name])
            assert not np.shares_memory(value, net.flat_params)


def test_a_cancelled_run_snapshots_its_last_state(spiral) -> None:
    X, y = spiral
    net = _net()
    history = sn.train(net, X, y, sn.Adam(lr=0.05), epochs=50, snapshots=[0, 50], callback=lambda e, h: e == 4)
    assert [s.epoch for s in history.snapshots] == [0, 4]
    np.testing.assert_array_equal(history.snapshots[-1].params["W2"], net.params["W2"])


def test_validation_columns_are_recorded(spiral) -> None:
    X, y = spiral
    X_train, X_val, y_train, y_val = sn.train_test_split(X, y, test_share=0.3, seed=0)
    net = _net()
    history = sn.train(net, X_train, y_train, sn.Adam(lr=0.05), epochs=40, validation=(X_val, y_val))
    assert history.has_validation
    assert history.val_loss.shape == history.val_accuracy.shape == (40,)
    assert np.isfinite(history.val_loss).all()
    assert np.all((history.val_accuracy >= 0) & (history.val_accuracy <= 1))
    # The last held-out figures are those of the network the run hands back.
    val_loss, val_acc = sn.evaluate(net, X_val, y_val)
    assert history.val_loss[-1] == pytest.approx(val_loss, rel=1e-12)
    assert history.val_accuracy[-1] == val_acc
    assert history.val_loss[-1] < history.val_loss[0]
    assert {"val_loss", "val_accuracy"} <= set(history.columns())


def test_validation_must_be_a_pair(spiral) -> None:
    X, y = spiral
    with pytest.raises(ValueError, match="validation"):
        sn.train(_net(), X, y, sn.SGD(), epochs=1, validation=(X,))
    with pytest.raises(ValueError, match=r"X_val must have 2 columns; got 3"):
        sn.train(_net(), X, y, sn.SGD(), epochs=1, validation=(np.zeros((5, 3)), np.zeros(5, int)))
    with pytest.raises(ValueError, match=r"y_val labels must be from 0 to 2; got 5"):
        sn.train(_net(), X, y, sn.SGD(), epochs=1, validation=(np.zeros((2, 2)), [0, 5]))


def test_l2_shrinks_the_weights(spiral) -> None:
    X, y = spiral

    def weight_norm(net: sn.Network) -> float:
        return sum(float(np.sum(layer.params["W"] ** 2)) for layer in net.dense_layers)

    plain, decayed = _net(), _net()
    sn.train(plain, X, y, sn.Adam(lr=0.05), epochs=200)
    history = sn.train(decayed, X, y, sn.Adam(lr=0.05), epochs=200, l2=0.01)
    assert weight_norm(decayed) < 0.5 * weight_norm(plain)
    # The recorded loss is the cross-entropy alone (no penalty added), comparable with evaluate().
    assert history.loss[0] == pytest.approx(sn.evaluate(_net(), X, y)[0], rel=1e-12)


def test_l2_step_is_the_documented_gradient(spiral) -> None:
    """One plain SGD step with L2 equals one without, minus lr·l2·W on the weights (biases untouched)."""
    X, y = spiral
    with_l2, without = _net(), _net()
    w_before = with_l2.get_params()
    sn.train(with_l2, X, y, sn.SGD(lr=0.1), epochs=1, l2=0.5)
    sn.train(without, X, y, sn.SGD(lr=0.1), epochs=1)
    for name in with_l2.params:
        expected = without.params[name] - (0.1 * 0.5 * w_before[name] if name.startswith("W") else 0.0)
        np.testing.assert_allclose(with_l2.params[name], expected, rtol=1e-12, atol=1e-15)


def test_history_copy_is_independent(spiral) -> None:
    X, y = spiral
    copies: list[sn.History] = []
    history = sn.train(
        _net(), X, y, sn.Adam(lr=0.05), epochs=12, snapshots=[2], callback=lambda e, h: copies.append(h.copy())
    )
    mid = copies[4]
    assert mid.epochs_run == 5 and mid.status == "running" and not mid.done
    np.testing.assert_array_equal(mid.loss, history.loss[:5])
    assert [s.epoch for s in mid.snapshots] == [2]
    mid.loss[0] = 99.0
    mid.snapshots.clear()
    assert history.loss[0] != 99.0 and len(history.snapshots) == 1
    final = history.copy()
    assert final.status == "completed" and final.epochs_run == 12 and final.epochs_planned == 12
    np.testing.assert_array_equal(final.accuracy, history.accuracy)
    assert not np.shares_memory(final.accuracy, history.accuracy)


def test_train_accepts_float_labels_and_int_features(spiral) -> None:
    X, y = spiral
    history = sn.train(_net(), (X * 10).astype(int), y.astype(float), sn.SGD(lr=0.01), epochs=3)
    assert history.status == "completed"
