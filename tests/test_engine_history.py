"""``History``: its column names declared once, column access, rows for following a run, copies, memory."""

from __future__ import annotations

import numpy as np

import scratchnet as sn


def test_column_names_are_declared_once_in_order():
    assert sn.History.TRAINING_COLUMNS == ("loss", "accuracy", "lr")
    assert sn.History.VALIDATION_COLUMNS == ("val_loss", "val_accuracy")
    assert sn.History.COLUMNS == sn.History.TRAINING_COLUMNS + sn.History.VALIDATION_COLUMNS
    assert sn.History.column_names(False) == sn.History.TRAINING_COLUMNS
    assert sn.History.column_names(True) == sn.History.COLUMNS
    assert sn.History.STATUSES == ("running", "completed", "cancelled", "diverged", "stopped_early")


def test_a_trained_history_has_exactly_those_columns(spiral):
    X, y = spiral
    plain = sn.train(sn.mlp([2, 8, 3]), X, y, sn.SGD(), 4)
    held = sn.train(sn.mlp([2, 8, 3]), X, y, sn.SGD(), 4, validation=(X[:30], y[:30]))
    assert plain.names == sn.History.TRAINING_COLUMNS and held.names == sn.History.COLUMNS
    assert list(plain.columns()) == ["epoch", *plain.names] and list(held.columns()) == ["epoch", *held.names]
    for name in held.names:
        np.testing.assert_array_equal(held.column(name), getattr(held, name))
    assert plain.column("val_loss").shape == (0,)


def test_rows_feed_extend_to_follow_a_run(spiral):
    X, y = spiral
    history = sn.train(sn.mlp([2, 8, 3]), X, y, sn.Adam(lr=0.05), 10, validation=(X[:30], y[:30]))
    follower = sn.History(10, validation=True)
    follower.extend({name: column[:4] for name, column in history.rows().items()})
    follower.extend(history.rows(4))
    assert follower.epochs_run == 10
    for name in history.names:
        np.testing.assert_array_equal(follower.column(name), history.column(name))
    assert follower.best_epoch == history.best_epoch  # computed from the columns
    rows = history.rows(7)
    rows["loss"][0] = 99.0
    assert history.loss[7] != 99.0  # copies


def test_copy_carries_what_resuming_needs(spiral):
    X, y = spiral
    history = sn.train(sn.mlp([2, 8, 3]), X, y, sn.Adam(lr=0.05), 6, batch_size=50, validation=(X[:30], y[:30]))
    twin = history.copy()
    assert twin.rng_state == history.rng_state and twin.rng_state is not history.rng_state
    assert twin.reference_loss == history.reference_loss and twin.best_epoch == history.best_epoch
    assert twin.best_params is history.best_params  # never written after the run: safely shared


def test_nbytes_counts_columns_snapshots_and_best_params(spiral):
    X, y = spiral
    net = sn.mlp([2, 8, 3])
    history = sn.train(net, X, y, sn.SGD(), 20, snapshots=3, validation=(X[:30], y[:30]))
    columns = 20 * len(sn.History.COLUMNS) * 8
    assert history.nbytes == columns + 4 * net.flat_params.nbytes  # 3 snapshots and the best parameters
    assert sn.History(100).nbytes == 100 * 3 * 8
