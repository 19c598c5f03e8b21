"""Property-based tests: any input to the public functions either works or raises ValueError.

Never another exception type, never a hang (sizes are kept small), and never a silent NaN:
whatever succeeds returns finite numbers of the documented shape.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnet as sn
from scratchnet import checks

PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Anything a caller might pass where a number is expected.
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=4),
    st.just([1, 2]),
    st.just(object()),
    st.complex_numbers(max_magnitude=10, allow_nan=False),
    st.just(Fraction(10**400, 3)),
    st.integers(min_value=10**18, max_value=10**400),  # too large for any range, some too large for a float
    st.floats(allow_nan=True, allow_infinity=True),
)


def small_ints(low: int, high: int) -> st.SearchStrategy[object]:
    """Mostly integers near the allowed range, sometimes integral floats, numpy ints or junk."""
    return st.one_of(
        st.integers(low, high),
        st.integers(low, high).map(float),
        st.integers(low, high).map(np.int64),
        st.floats(low, high, allow_nan=False),
        junk,
    )


def small_floats(low: float, high: float) -> st.SearchStrategy[object]:
    return st.one_of(st.floats(low, high, allow_nan=False), st.integers(int(low), int(high)), junk)


def _outcome(call):
    """Run ``call``: its result, or None when it raised ValueError (any other exception fails the test)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # no numerical warnings escape either
            return call()
    except ValueError as error:
        assert str(error)  # always a message
        return None


# ---- check_* helpers -------------------------------------------------------------------------------


@PROFILE
@given(value=st.one_of(small_ints(-50, 50), junk), low=st.none() | st.integers(-10, 10), span=st.integers(0, 30))
def test_check_int_returns_an_int_in_range_or_raises(value, low, span) -> None:
    high = None if low is None else low + span
    got = _outcome(lambda: checks.check_int("n", value, low=low, high=high))
    if got is not None:
        assert type(got) is int
        assert (low is None or got >= low) and (high is None or got <= high)
        assert got == value


@PROFILE
@given(
    value=st.one_of(small_floats(-100, 100), junk), low=st.floats(-10, 10), span=st.floats(0, 50), open_=st.booleans()
)
def test_check_float_returns_a_finite_float_in_range_or_raises(value, low, span, open_) -> None:
    got = _outcome(lambda: checks.check_float("x", value, low=low, high=low + span, low_open=open_))
    if got is not None:
        assert type(got) is float and math.isfinite(got)
        assert low <= got <= low + span and not (open_ and got == low)


@PROFILE
@given(value=st.one_of(st.sampled_from(["a", "b", "c", "A", ""]), junk))
def test_check_choice(value) -> None:
    got = _outcome(lambda: checks.check_choice("pick", value, ["a", "b"]))
    assert got is None or got in ("a", "b")


@PROFILE
@given(value=st.one_of(small_ints(-5, 2**32 + 5), junk))
def test_check_seed(value) -> None:
    got = _outcome(lambda: checks.check_seed(value))
    assert got is None or (type(got) is int and 0 <= got <= 2**32 - 1 and got == value)


feature_arrays = st.one_of(
    hnp.arrays(
        dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128, np.dtype("U2")]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    ),
    st.lists(st.lists(st.floats() | st.integers(-5, 5) | st.none(), max_size=3), max_size=3),
    junk,
)


@PROFILE
@given(X=feature_arrays, features=st.none() | st.integers(0, 3))
def test_check_features_returns_finite_2d_floats_or_raises(X, features) -> None:
    got = _outcome(lambda: checks.check_features(X, features=features))
    if got is not None:
        assert got.ndim == 2 and got.shape[0] >= 1 and got.dtype.kind == "f"
        assert features is None or got.shape[1] == features
        assert np.isfinite(got).all()


label_arrays = st.one_of(
    hnp.arrays(
        dtype=st.sampled_from([np.int64, np.int8, np.uint64, np.float64, np.bool_, np.dtype("U1")]),
        shape=hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=5),
    ),
    st.lists(st.integers(-3, 6) | st.floats(-3, 6) | st.text(max_size=1), max_size=5),
    st.sampled_from([np.array([2.0**63, 1.0]), np.array([2**64 - 1, 0], dtype=np.uint64), np.array([1e300, -1e300])]),
    junk,
)


@PROFILE
@given(y=label_arrays, rows=st.integers(0, 5), classes=st.none() | st.integers(1, 4))
def test_check_labels_returns_int_labels_in_range_or_raises(y, rows, classes) -> None:
    got = _outcome(lambda: checks.check_labels(y, rows=rows, classes=classes))
    if got is not None:
        assert got.dtype == np.int64 and got.shape == (rows,)
        assert rows == 0 or got.min() >= 0
        assert classes is None or rows == 0 or got.max() < classes
        np.testing.assert_array_equal(got, np.asarray(y))  # the same labels, not wrapped or rounded


# ---- datasets ------------------------------------------------------------------------------------


@PROFILE
@given(
    name=st.one_of(st.sampled_from(sorted(sn.DATASETS)), junk),
    samples=small_ints(-2, 40),
    classes=st.none() | small_ints(-1, 12),
    noise=st.none() | small_floats(-1, 12),
    seed=st.none() | small_ints(-2, 2**32 + 2),
)
def test_make_dataset_returns_finite_points_or_raises(name, samples, classes, noise, seed) -> None:
    got = _outcome(lambda: sn.make_dataset(name, samples=samples, classes=classes, noise=noise, seed=seed))
    if got is not None:
        X, y = got
        k = sn.DATASETS[name].default_classes if classes is None else int(classes)
        assert X.shape == (int(samples) * k, 2) and y.shape == (int(samples) * k,)
        assert X.dtype == np.float64 and np.isfinite(X).all()
        np.testing.assert_array_equal(np.bincount(y, minlength=k), [int(samples)] * k)


@PROFILE
@given(samples=small_ints(-2, 30), classes=small_ints(0, 12), noise=small_floats(-1, 11), seed=small_ints(-1, 10))
def test_spiral_data_returns_finite_points_or_raises(samples, classes, noise, seed) -> None:
    got = _outcome(lambda: sn.spiral_data(samples, classes, noise, seed))
    if got is not None:
        X, y = got
        assert np.isfinite(X).all() and len(X) == len(y) == int(samples) * int(classes)
        assert np.all(np.linalg.norm(X, axis=1) <= 1 + 1e-12)  # r = linspace(0, 1): the unit disc


@PROFILE
@given(
    counts=st.lists(st.integers(0, 12), min_size=1, max_size=4),
    share=small_floats(-0.5, 1.0),
    seed=small_ints(-1, 5),
)
def test_train_test_split_partitions_or_raises(counts, share, seed) -> None:
    y = np.repeat(np.arange(len(counts)), counts)
    X = np.column_stack([np.arange(len(y)), np.zeros(len(y))])
    got = _outcome(lambda: sn.train_test_split(X, y, test_share=share, seed=seed))
    if got is not None:
        X_train, X_test, y_train, _y_test = got
        rows = sorted([*X_train[:, 0], *X_test[:, 0]])
        assert rows == list(range(len(y)))
        assert set(y_train) == set(y)  # every class keeps a training point


# ---- networks --------------------------------------------------------------------------------------


@PROFILE
@given(
    sizes=st.one_of(st.lists(small_ints(-1, 9), min_size=0, max_size=5), junk),
    activation=st.one_of(st.sampled_from(sorted(sn.ACTIVATIONS)), st.just(sn.LeakyReLU), junk),
    init=st.one_of(st.sampled_from(sorted(sn.INITS)), junk),
    seed=st.none() | small_ints(-1, 2**32),
    dtype=st.sampled_from(["float64", "float32", np.float32, "float16", "int", None, 3]),
    data=st.data(),
)
def test_mlp_builds_a_finite_network_or_raises(sizes, activation, init, seed, dtype, data) -> None:
    net = _outcome(lambda: sn.mlp(sizes, activation=activation, init=init, seed=seed, dtype=dtype))
    if net is None:
        return
    assert net.sizes == [int(s) for s in sizes]
    assert np.isfinite(net.flat_params).all()
    rows = data.draw(st.integers(1, 6))
    X = data.draw(hnp.arrays(np.float64, (rows, net.n_inputs), elements=st.floats(-1e3, 1e3)))
    probs = _outcome(lambda: net.predict_proba(X))
    assert probs is not None and probs.shape == (rows, net.n_classes)
    assert np.isfinite(probs).all() and np.all(probs >= 0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-4)
    np.testing.assert_array_equal(net.predict(X), np.argmax(net.logits(X), axis=1))


# ---- optimizers --------------------------------------------------------------------------------------

OPTIMIZER_ARGS = {
    sn.SGD: ("momentum",),
    sn.Adagrad: ("epsilon",),
    sn.RMSprop: ("rho", "epsilon"),
    sn.Adam: ("beta1", "beta2", "epsilon"),
}


@PROFILE
@given(
    kind=st.sampled_from(sorted(OPTIMIZER_ARGS, key=lambda cls: cls.name)),
    lr=small_floats(-1, 10),
    decay=small_floats(-1, 10),
    extra=st.lists(small_floats(-0.5, 1.5), min_size=3, max_size=3),
    grads=hnp.arrays(np.float64, 4, elements=st.floats(-1e3, 1e3)),
)
def test_optimizers_take_valid_hyperparameters_and_step_finitely(kind, lr, decay, extra, grads) -> None:
    kwargs = dict(zip(OPTIMIZER_ARGS[kind], extra))
    optimizer = _outcome(lambda: kind(lr=lr, decay=decay, **kwargs))
    if optimizer is None:
        return
    assert optimizer.lr > 0 and optimizer.decay >= 0
    param = np.ones(4)
    for _ in range(3):
        optimizer.step({"w": param}, {"w": grads})
    assert np.isfinite(param).all()
    assert 0 < optimizer.current_lr <= optimizer.lr


# ---- training ---------------------------------------------------------------------------------------

_X, _Y = sn.spiral_data(8, 3, seed=0)


@PROFILE
@given(
    epochs=small_ints(-2, 12),
    batch_size=st.none() | small_ints(-1, 30),
    seed=st.none() | small_ints(-1, 5),
    snapshots=st.none() | small_ints(-1, 5) | st.lists(st.integers(-1, 13), max_size=3),
    l2=small_floats(-0.1, 0.1),
)
def test_train_runs_to_the_end_or_raises(epochs, batch_size, seed, snapshots, l2) -> None:
    net = sn.mlp([2, 6, 3], seed=0)
    history = _outcome(
        lambda: sn.train(
            net, _X, _Y, sn.Adam(lr=0.01), epochs, batch_size=batch_size, seed=seed, snapshots=snapshots, l2=l2
        )
    )
    if history is None:
        return
    assert history.status == "completed" and history.epochs_run == int(epochs)
    for column in (history.loss, history.accuracy, history.lr):
        assert column.shape == (int(epochs),) and np.isfinite(column).all()
    assert np.isfinite(net.flat_params).all()
    assert all(0 <= s.epoch <= int(epochs) for s in history.snapshots)


# ---- softmax cross-entropy --------------------------------------------------------------------------

logit_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5),
    elements=st.floats(width=32, allow_nan=True, allow_infinity=True),
)


@PROFILE
@given(logits=logit_arrays | junk, labels=st.lists(st.integers(-1, 5), max_size=6) | junk)
def test_softmax_cross_entropy_is_finite_or_raises(logits, labels) -> None:
    got = _outcome(lambda: sn.softmax_cross_entropy(logits, labels))
    if got is None:
        return
    loss, grad = got
    z = np.asarray(logits, dtype=np.float64)
    assert grad.shape == z.shape
    assert np.isfinite(grad).all()
    assert not math.isnan(loss) and loss >= -1e-6
    if np.abs(z).max() < 1e30:  # no overflow possible: the loss is a finite number too
        assert math.isfinite(loss)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-5)  # softmax and one-hot rows both sum to 1


@PROFILE
@given(
    logits=hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 4)), elements=st.floats(-1e4, 1e4)),
    data=st.data(),
)
def test_fused_gradient_is_softmax_minus_onehot_for_any_finite_logits(logits, data) -> None:
    n, k = logits.shape
    y = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    loss, grad = sn.softmax_cross_entropy(logits, y)
    p = sn.softmax(logits)
    assert math.isfinite(loss) and loss >= 0
    np.testing.assert_allclose(grad, (p - np.eye(k)[y]) / n, atol=1e-12)


@pytest.mark.parametrize("value", [10**400, -(10**400), Fraction(10**400, 7)])
def test_numbers_too_large_for_a_float_are_a_value_error(value) -> None:
    with pytest.raises(ValueError, match="lr"):
        sn.SGD(lr=value)
    with pytest.raises(ValueError, match="samples"):
        sn.spiral_data(samples=value)
