"""Every bad argument raises ValueError naming the argument, the value it got and what is allowed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import scratchnet as sn

X, Y = sn.spiral_data(20, 3, seed=0)


def _net() -> sn.Network:
    return sn.mlp([2, 8, 3], seed=0)


def _train(**kwargs) -> sn.History:
    args = {"net": _net(), "X": X, "y": Y, "optimizer": sn.SGD(lr=0.1), "epochs": 2} | kwargs
    return sn.train(**args)


def _with(X_=X, y_=Y) -> Callable[[], object]:
    return lambda: sn.train(_net(), X_, y_, sn.SGD(lr=0.1), epochs=1)


X_NAN = X.copy()
X_NAN[3, 1] = np.nan
X_INF = X.copy()
X_INF[0, 0] = -np.inf
Y_HIGH = Y.copy()
Y_HIGH[5] = 3
Y_NEG = Y.copy()
Y_NEG[5] = -1

CASES: dict[str, tuple[Callable[[], object], list[str]]] = {
    # datasets
    "samples 0": (lambda: sn.spiral_data(samples=0), ["samples", "from 1 to 100000", "got 0"]),
    "samples -5": (lambda: sn.make_dataset("moons", samples=-5), ["samples", "got -5"]),
    "samples 2.5": (lambda: sn.spiral_data(samples=2.5), ["samples", "integer", "got 2.5"]),
    "samples huge": (lambda: sn.spiral_data(samples=10**9), ["samples", "100000", "got 1000000000"]),
    "classes 1": (lambda: sn.spiral_data(classes=1), ["classes", "from 2 to 10", "got 1"]),
    "classes 11": (lambda: sn.blobs_data(classes=11), ["classes", "from 2 to 10", "got 11"]),
    "classes moons 3": (lambda: sn.moons_data(classes=3), ["classes", "got 3"]),
    "noise -0.1": (lambda: sn.spiral_data(noise=-0.1), ["noise", "from 0 to 10", "got -0.1"]),
    "noise nan": (lambda: sn.circles_data(noise=float("nan")), ["noise", "finite", "got nan"]),
    "dataset name": (lambda: sn.make_dataset("swirl"), ["dataset", "spiral", "moons", "'swirl'"]),
    "test_share 0.95": (lambda: sn.train_test_split(X, Y, test_share=0.95), ["test_share", "0.9", "got 0.95"]),
    # seeds
    "seed -1": (lambda: sn.spiral_data(seed=-1), ["seed", "from 0 to 4294967295", "got -1"]),
    "seed 2**32": (lambda: sn.spiral_data(seed=2**32), ["seed", "4294967295", "got 4294967296"]),
    "seed str": (lambda: sn.mlp([2, 3], seed="42"), ["seed", "integer", "got '42'"]),
    "seed float": (lambda: sn.blobs_data(seed=1.5), ["seed", "got 1.5"]),
    "train seed -3": (lambda: _train(seed=-3), ["seed", "got -3"]),
    "split seed str": (lambda: sn.train_test_split(X, Y, seed="x"), ["seed", "got 'x'"]),
    # networks
    "activation name": (lambda: sn.mlp([2, 3], activation="swish"), ["activation", "relu", "tanh", "'swish'"]),
    "activation type": (lambda: sn.mlp([2, 3], activation=int), ["activation", "relu", "int"]),
    "init name": (lambda: sn.mlp([2, 3], init="zeros"), ["init", "he", "glorot", "'zeros'"]),
    "dtype": (lambda: sn.mlp([2, 3], dtype="float16"), ["dtype", "float32", "float64", "'float16'"]),
    "sizes short": (lambda: sn.mlp([2]), ["sizes", "from 2 to 13", "got 1"]),
    "sizes zero": (lambda: sn.mlp([2, 0, 3]), ["sizes[1]", "from 1 to 4096", "got 0"]),
    "sizes str": (lambda: sn.mlp("2,3"), ["sizes", "'2,3'"]),
    "dense n_in": (lambda: sn.Dense(0, 3), ["n_in", "got 0"]),
    "leaky alpha": (lambda: sn.LeakyReLU(alpha=2), ["alpha", "from 0 to 1", "got 2"]),
    # optimizers
    "lr 0": (lambda: sn.SGD(lr=0), ["lr", "above 0", "got 0"]),
    "lr -1": (lambda: sn.Adam(lr=-1), ["lr", "above 0", "got -1"]),
    "lr nan": (lambda: sn.RMSprop(lr=float("nan")), ["lr", "finite", "got nan"]),
    "lr inf": (lambda: sn.Adagrad(lr=float("inf")), ["lr", "finite", "got inf"]),
    "lr str": (lambda: sn.SGD(lr="0.1"), ["lr", "got '0.1'"]),
    "lr huge int": (lambda: sn.SGD(lr=10**400), ["lr", "1e+06", "got 1000000"]),
    "decay -1": (lambda: sn.SGD(decay=-1), ["decay", "from 0", "got -1"]),
    "decay nan": (lambda: sn.Adam(decay=float("nan")), ["decay", "got nan"]),
    "momentum 1.5": (lambda: sn.SGD(momentum=1.5), ["momentum", "0.999", "got 1.5"]),
    "beta1 1": (lambda: sn.Adam(beta1=1.0), ["beta1", "got 1.0"]),
    "rho -0.1": (lambda: sn.RMSprop(rho=-0.1), ["rho", "got -0.1"]),
    "epsilon 0": (lambda: sn.Adagrad(epsilon=0), ["epsilon", "above 0", "got 0"]),
    # training
    "epochs 0": (lambda: _train(epochs=0), ["epochs", "from 1 to 1000000", "got 0"]),
    "epochs -10": (lambda: _train(epochs=-10), ["epochs", "got -10"]),
    "epochs str": (lambda: _train(epochs="5"), ["epochs", "got '5'"]),
    "epochs bool": (lambda: _train(epochs=True), ["epochs", "got True"]),
    "batch_size 0": (lambda: _train(batch_size=0), ["batch_size", "got 0"]),
    "l2 -1": (lambda: _train(l2=-1), ["l2", "got -1"]),
    "snapshots -1": (lambda: _train(snapshots=-1), ["snapshots", "got -1"]),
    "snapshot epoch": (lambda: _train(snapshots=[0, 3]), ["snapshot epoch", "from 0 to 2", "got 3"]),
    "optimizer name": (lambda: _train(optimizer="adam"), ["optimizer", "SGD or Adam", "adam"]),
    "net": (lambda: sn.train("net", X, Y, sn.SGD(), 1), ["net", "Network", "str"]),
    "X columns": (_with(X_=np.zeros((60, 3))), ["X", "2 columns", "got 3"]),
    "X 1-D": (_with(X_=np.zeros(60)), ["X", "2-D", "(60,)"]),
    "X empty": (_with(X_=np.zeros((0, 2)), y_=np.zeros(0, int)), ["X", "at least one row", "(0, 2)"]),
    "X strings": (_with(X_=[["a", "b"]]), ["X", "numbers", "<U1"]),
    "X ragged": (_with(X_=[[1.0, 2.0], [3.0]]), ["X", "could not read"]),
    "X nan": (_with(X_=X_NAN), ["X", "finite", "NaN"]),
    "X inf": (_with(X_=X_INF), ["X", "finite", "infinite"]),
    "y length": (_with(y_=Y[:-1]), ["y", "one label per row", "60", "got 59"]),
    "y 2-D": (_with(y_=Y[:, None]), ["y", "1-D", "(60, 1)"]),
    "y too high": (_with(y_=Y_HIGH), ["y", "from 0 to 2", "got 3"]),
    "y negative": (_with(y_=Y_NEG), ["y", "from 0 to 2", "got -1"]),
    "y fractional": (_with(y_=Y + 0.5), ["y", "integer", "float64"]),
    "y huge float": (_with(y_=np.where(Y == 1, 1e300, Y).astype(float)), ["y", "from 0 to 2", "got 1e+300"]),
    "predict columns": (lambda: _net().predict(np.zeros((4, 3))), ["X", "2 columns", "got 3"]),
    "predict nan": (lambda: _net().predict_proba(X_NAN), ["X", "finite"]),
    "evaluate labels": (lambda: sn.evaluate(_net(), X, Y_HIGH), ["y", "from 0 to 2", "got 3"]),
    # gradient check
    "gradcheck eps": (lambda: sn.gradient_check(_net(), X, Y, eps=0), ["eps", "above 0", "got 0"]),
    "gradcheck labels": (lambda: sn.gradient_check(_net(), X, Y_HIGH), ["y", "got 3"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_raises_value_error_naming_argument_value_and_range(case: str) -> None:
    make, words = CASES[case]
    with pytest.raises(ValueError) as error:
        make()
    message = str(error.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_good_edge_values_are_accepted() -> None:
    """The ends of each allowed range are allowed (the checks are not off by one)."""
    assert sn.spiral_data(samples=1, classes=2)[0].shape == (2, 2)
    assert sn.spiral_data(samples=3, classes=10)[0].shape == (30, 2)
    assert sn.spiral_data(seed=2**32 - 1, noise=10.0)[0].shape == (300, 2)
    assert sn.spiral_data(samples=4.0, seed=np.int64(3))[0].shape == (12, 2)
    assert sn.SGD(lr=1e6, decay=0, momentum=0.999).lr == 1e6
    assert _train(epochs=1, batch_size=1, snapshots=[0, 1], l2=0.0).status == "completed"
    assert sn.train(_net(), X, Y.astype(np.uint8), sn.SGD(), 1).status == "completed"


@pytest.mark.parametrize(
    ("labels", "shown"),
    [
        (np.array([0.0, 1e300]), "got 1e+300"),
        (np.array([0.0, 2.0**63]), "got 9.223372036854776e+18"),
        (np.array([0, 2**63 + 5], dtype=np.uint64), "got 9223372036854775813"),
    ],
)
def test_labels_too_large_for_int64_are_refused_not_wrapped(labels, shown) -> None:
    """Casting these to int64 would wrap them to negative numbers (and report a wrong value)."""
    for classes in (None, 3):
        with pytest.raises(ValueError) as error:
            sn.checks.check_labels(labels, rows=2, classes=classes)
        assert "y labels must be from 0 to" in str(error.value) and shown in str(error.value)
