"""Saving and loading networks: exact round trips, and refusal (never execution) of anything else."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

import scratchnet as sn

GRID = np.random.default_rng(0).uniform(-1, 1, (500, 2))
EXPLODED: list[str] = []


def _explode(note: str) -> str:
    EXPLODED.append(note)
    return note


class Payload:
    """Unpickling this object runs ``_explode``: proof that a loader executed code from a file."""

    def __reduce__(self):
        return (_explode, ("unpickled!",))


def _trained(**kwargs) -> sn.Network:
    X, y = sn.spiral_data(50, 3, seed=0)
    net = sn.mlp([2, 16, 8, 3], seed=0, **kwargs)
    sn.train(net, X, y, sn.Adam(lr=0.05), epochs=50)
    return net


def _saved(net: sn.Network) -> bytes:
    buffer = io.BytesIO()
    sn.save(net, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"dtype": "float32"}, {"activation": "tanh"}, {"activation": "sigmoid", "dtype": "float32"}],
    ids=["relu-f64", "relu-f32", "tanh", "sigmoid-f32"],
)
def test_round_trip_through_a_file_object_is_exact(kwargs) -> None:
    net = _trained(**kwargs)
    loaded = sn.load(io.BytesIO(_saved(net)))
    assert loaded.dtype == net.dtype
    assert loaded.sizes == net.sizes
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in net.layers]
    for name, value in net.params.items():
        np.testing.assert_array_equal(loaded.params[name], value)
        assert loaded.params[name].dtype == value.dtype
    np.testing.assert_array_equal(loaded.predict_proba(GRID), net.predict_proba(GRID))
    np.testing.assert_array_equal(loaded.predict(GRID), net.predict(GRID))


def test_round_trip_through_a_path(tmp_path) -> None:
    net = _trained()
    path = tmp_path / "net.npz"
    sn.save(net, path)
    loaded = sn.load(path)
    np.testing.assert_array_equal(loaded.logits(GRID), net.logits(GRID))
    assert sn.load(str(path)).sizes == net.sizes


def test_saving_to_a_path_writes_exactly_that_path(tmp_path) -> None:
    """save(net, p) then load(p) must work for any name, not only names ending in .npz."""
    net = _trained()
    path = tmp_path / "model"
    sn.save(net, path)
    assert path.exists()
    np.testing.assert_array_equal(sn.load(path).logits(GRID), net.logits(GRID))


def test_leaky_relu_alpha_and_the_notebook_relu_survive_the_round_trip() -> None:
    rng = np.random.default_rng(1)
    net = sn.Network([sn.Dense(2, 5, rng=rng), sn.LeakyReLU(alpha=0.2), sn.Dense(5, 3, rng=rng)])
    loaded = sn.load(io.BytesIO(_saved(net)))
    assert isinstance(loaded.layers[1], sn.LeakyReLU) and loaded.layers[1].alpha == 0.2
    notebook = sn.notebook_network("as written", seed=0)
    assert isinstance(sn.load(io.BytesIO(_saved(notebook))).layers[1], sn.NotebookReLU)


def test_loaded_network_is_independent_and_trainable() -> None:
    net = _trained()
    loaded = sn.load(io.BytesIO(_saved(net)))
    before = net.flat_params.copy()
    X, y = sn.spiral_data(20, 3, seed=1)
    history = sn.train(loaded, X, y, sn.SGD(lr=0.1), epochs=3)
    assert history.status == "completed"
    np.testing.assert_array_equal(net.flat_params, before)
    for name in loaded.params:  # the loaded params are wired into flat_params like any network's
        assert np.shares_memory(loaded.params[name], loaded.flat_params)


def _npz(**arrays) -> io.BytesIO:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    buffer.seek(0)
    return buffer


def _header(net: sn.Network, **changes) -> np.ndarray:
    header = {"format": "scratchnet-1", "dtype": net.dtype.name, "layers": net.spec()} | changes
    return np.array(json.dumps(header))


def _bad_files() -> dict[str, io.BytesIO]:
    net = sn.mlp([2, 4, 3], seed=0)
    good = _saved(net)
    plain_npy = io.BytesIO()
    np.save(plain_npy, np.arange(5))
    plain_npy.seek(0)
    zipped_text = io.BytesIO()
    with zipfile.ZipFile(zipped_text, "w") as archive:
        archive.writestr("readme.txt", "hello")
    zipped_text.seek(0)
    return {
        "empty": io.BytesIO(b""),
        "random bytes": io.BytesIO(np.random.default_rng(0).bytes(1000)),
        "text": io.BytesIO(b"W1,b1\n1,2\n"),
        "truncated": io.BytesIO(good[: len(good) // 2]),
        "zip magic then junk": io.BytesIO(b"PK\x03\x04" + bytes(200)),
        "plain .npy": plain_npy,
        "zip without arrays": zipped_text,
        "npz without header": _npz(**net.params),
        "npz missing params": _npz(__spec__=_header(net), W1=net.params["W1"]),
        "npz wrong shapes": _npz(__spec__=_header(net), **(net.get_params() | {"W1": np.zeros((3, 3))})),
        "other format": _npz(__spec__=_header(net, format="kerasnet-9"), **net.params),
        "unknown dtype": _npz(__spec__=_header(net, dtype="float16"), **net.params),
        "unknown layer": _npz(__spec__=_header(net, layers=[{"kind": "conv2d"}]), **net.params),
        "header not json": _npz(__spec__=np.array("{not json"), **net.params),
        "header a list": _npz(__spec__=np.array("[1, 2]"), **net.params),
        "layers not dicts": _npz(__spec__=_header(net, layers=[1, 2]), **net.params),
        "dense without sizes": _npz(__spec__=_header(net, layers=[{"kind": "dense"}]), **net.params),
        "dense huge": _npz(__spec__=_header(net, layers=[{"kind": "dense", "n_in": 10**9, "n_out": 3}])),
    }


@pytest.mark.parametrize("case", sorted(_bad_files()))
def test_files_that_are_not_scratchnet_networks_raise_value_error(case: str) -> None:
    with pytest.raises(ValueError) as error:
        sn.load(_bad_files()[case])
    assert str(error.value)


def test_a_missing_file_raises_value_error(tmp_path) -> None:
    with pytest.raises(ValueError, match="not a scratchnet"):
        sn.load(tmp_path / "nowhere.npz")


def test_pickled_objects_are_never_unpickled() -> None:
    net = sn.mlp([2, 4, 3], seed=0)
    payload = np.empty(1, dtype=object)
    payload[0] = Payload()
    for arrays in (
        {"__spec__": _header(net), **net.params, "W1": payload},  # a parameter
        {"__spec__": payload, **net.params},  # the header
    ):
        EXPLODED.clear()
        with pytest.raises(ValueError, match="not a scratchnet"):
            sn.load(_npz(**arrays))
        assert EXPLODED == []
    # The file really is dangerous: a loader that allowed pickles would have run the payload.
    np.load(_npz(__spec__=payload), allow_pickle=True)["__spec__"]
    assert EXPLODED == ["unpickled!"]


def test_save_refuses_what_is_not_a_network() -> None:
    with pytest.raises(ValueError, match="Network"):
        sn.save({"W1": np.zeros((2, 3))}, io.BytesIO())
