"""The toy datasets: the spiral formula, shapes, labels, balance, seeding; and the train/test split."""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn


def _nnfs_spiral(samples: int, classes: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The formula of reference.md, written out independently, drawing from default_rng(seed) in class order."""
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for c in range(classes):
        r = np.linspace(0, 1, samples)
        t = np.linspace(4 * c, 4 * (c + 1), samples) + rng.standard_normal(samples) * noise
        points.append(np.column_stack([r * np.sin(2.5 * t), r * np.cos(2.5 * t)]))
        labels.append(np.full(samples, c))
    return np.concatenate(points), np.concatenate(labels)


@pytest.mark.parametrize(("samples", "classes", "noise", "seed"), [(100, 3, 0.2, 0), (37, 5, 0.5, 123), (2, 2, 0.0, 9)])
def test_spiral_matches_the_nnfs_formula_exactly(samples: int, classes: int, noise: float, seed: int) -> None:
    X, y = sn.spiral_data(samples=samples, classes=classes, noise=noise, seed=seed)
    X_ref, y_ref = _nnfs_spiral(samples, classes, noise, seed)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_spiral_shape_dtype_labels_and_counts(spiral) -> None:
    X, y = spiral
    assert X.shape == (300, 2) and X.dtype == np.float64
    assert y.shape == (300,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [100, 100, 100])
    np.testing.assert_array_equal(y, np.repeat([0, 1, 2], 100))  # class 0 first, then 1, then 2
    # Radius r = linspace(0, 1): each arm starts exactly at the origin and ends on the unit circle.
    radius = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(radius, np.tile(np.linspace(0, 1, 100), 3), atol=1e-15)


def test_spiral_noise_zero_is_noiseless_and_seed_free() -> None:
    a, _ = sn.spiral_data(50, 3, noise=0.0, seed=1)
    b, _ = sn.spiral_data(50, 3, noise=0.0, seed=2)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(sn.DATASETS))
def test_every_dataset_is_seeded_and_balanced(name: str) -> None:
    info = sn.DATASETS[name]
    X, y = sn.make_dataset(name, samples=40, seed=3)
    classes = info.default_classes
    assert X.shape == (40 * classes, 2) and X.dtype == np.float64 and np.isfinite(X).all()
    assert y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y, minlength=classes), [40] * classes)
    X_again, y_again = sn.make_dataset(name, samples=40, seed=3)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    X_other, _ = sn.make_dataset(name, samples=40, seed=4)
    assert not np.array_equal(X, X_other)


@pytest.mark.parametrize("name", sorted(sn.DATASETS))
def test_make_dataset_uses_each_datasets_defaults(name: str) -> None:
    info = sn.DATASETS[name]
    X, y = sn.make_dataset(name, samples=20, seed=5)
    X_direct, y_direct = info.make(samples=20, classes=info.default_classes, noise=info.noise, seed=5)
    np.testing.assert_array_equal(X, X_direct)
    np.testing.assert_array_equal(y, y_direct)


@pytest.mark.parametrize("name", [name for name, info in sn.DATASETS.items() if info.max_classes > 2])
def test_multiclass_datasets_take_up_to_ten_classes(name: str) -> None:
    X, y = sn.make_dataset(name, samples=7, classes=10, seed=0)
    assert X.shape == (70, 2)
    np.testing.assert_array_equal(np.bincount(y), [7] * 10)


@pytest.mark.parametrize("name", [name for name, info in sn.DATASETS.items() if info.max_classes == 2])
def test_two_class_datasets_refuse_three(name: str) -> None:
    with pytest.raises(ValueError, match=r"classes must be an integer from 2 to 2; got 3"):
        sn.make_dataset(name, classes=3)


def test_without_noise_each_dataset_has_its_described_shape() -> None:
    X, y = sn.circles_data(samples=50, classes=3, noise=0.0, seed=0)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), (y + 0.5) / 3)
    X, y = sn.blobs_data(samples=10, classes=4, noise=0.0, seed=0)
    angle = 2 * np.pi * y / 4
    np.testing.assert_allclose(X, np.column_stack([np.cos(angle), np.sin(angle)]), atol=1e-15)
    X, y = sn.xor_data(samples=100, noise=0.0, seed=0)
    np.testing.assert_array_equal(X[:, 0] * X[:, 1] > 0, y == 0)
    assert len(np.unique(np.sign(X[y == 0]), axis=0)) == 2  # both quadrants of each class are used
    X, y = sn.moons_data(samples=50, noise=0.0, seed=0)
    upper, lower = X[y == 0] + [0.5, 0.25], X[y == 1] + [0.5, 0.25]
    np.testing.assert_allclose(np.linalg.norm(upper, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(lower - [1.0, 0.5], axis=1), 1.0)


def test_noise_spreads_the_blobs() -> None:
    X_low, y = sn.blobs_data(samples=500, classes=2, noise=0.1, seed=0)
    X_high, _ = sn.blobs_data(samples=500, classes=2, noise=0.5, seed=0)
    spread_low = X_low[y == 0].std(axis=0)
    spread_high = X_high[y == 0].std(axis=0)
    assert np.all((spread_low > 0.08) & (spread_low < 0.12))
    assert np.all((spread_high > 0.4) & (spread_high < 0.6))


# ---- train_test_split ------------------------------------------------------------------------


def _indexed(sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose first column is their own index, so split rows can be traced back."""
    y = np.repeat(np.arange(len(sizes)), sizes)
    X = np.column_stack([np.arange(len(y)), np.zeros(len(y))]).astype(float)
    return X, y


def test_split_is_stratified_disjoint_and_covers_every_row() -> None:
    X, y = _indexed([100, 50, 10])
    X_train, X_test, y_train, y_test = sn.train_test_split(X, y, test_share=0.2, seed=0)
    train_rows, test_rows = X_train[:, 0].astype(int), X_test[:, 0].astype(int)
    assert set(train_rows).isdisjoint(test_rows)
    assert sorted([*train_rows, *test_rows]) == list(range(160))
    np.testing.assert_array_equal(np.bincount(y_test, minlength=3), [20, 10, 2])  # 20 % of each class
    np.testing.assert_array_equal(y[train_rows], y_train)  # labels travel with their rows
    np.testing.assert_array_equal(y[test_rows], y_test)
    assert np.all(np.diff(train_rows) > 0) and np.all(np.diff(test_rows) > 0)  # original order kept


def test_split_is_seeded() -> None:
    X, y = _indexed([30, 30])
    first = sn.train_test_split(X, y, test_share=0.3, seed=7)
    again = sn.train_test_split(X, y, test_share=0.3, seed=7)
    other = sn.train_test_split(X, y, test_share=0.3, seed=8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])


def test_split_keeps_at_least_one_training_point_per_class() -> None:
    X, y = _indexed([1, 2, 20])
    _, _, y_train, y_test = sn.train_test_split(X, y, test_share=0.9, seed=0)
    assert set(y_train) == {0, 1, 2}
    np.testing.assert_array_equal(np.bincount(y_train, minlength=3), [1, 1, 2])
    np.testing.assert_array_equal(np.bincount(y_test, minlength=3), [0, 1, 18])


def test_split_with_no_test_share_holds_nothing_out(spiral) -> None:
    X, y = spiral
    X_train, X_test, _y_train, y_test = sn.train_test_split(X, y, test_share=0.0)
    np.testing.assert_array_equal(X_train, X)
    assert X_test.shape == (0, 2) and y_test.shape == (0,)


def test_split_refuses_mismatched_rows() -> None:
    with pytest.raises(ValueError, match=r"same number of rows.*\(10, 2\).*\(9,\)"):
        sn.train_test_split(np.zeros((10, 2)), np.zeros(9, int))
