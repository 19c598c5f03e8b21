"""Save and load a network as a plain ``.npz`` archive: the parameters as arrays and the
architecture as a JSON string. Loading never unpickles anything."""

from __future__ import annotations

import json
import os
import zipfile
from typing import IO, Any

import numpy as np

from .activations import LeakyReLU
from .choices import ACTIVATION_CHOICES
from .layers import Dense, Layer
from .network import DTYPES, Network

FORMAT = "scratchnet-1"
_LAYER_KINDS = {choice.engine.kind: choice.engine for choice in ACTIVATION_CHOICES.values()}  # every registered one

PathOrFile = str | os.PathLike[str] | IO[bytes]


def save(net: Network, file: PathOrFile) -> None:
    """Write ``net`` to ``file`` (a path or a binary file object)."""
    if not isinstance(net, Network):
        raise ValueError(f"net must be a scratchnet Network; got {type(net).__name__}")
    header = {"format": FORMAT, "dtype": net.dtype.name, "layers": net.spec()}
    arrays = {"__spec__": np.array(json.dumps(header)), **net.params}
    if isinstance(file, (str, os.PathLike)):
        with open(file, "wb") as handle:  # exactly this path: np.savez would append ".npz" to other names
            np.savez(handle, **arrays)
    else:
        np.savez(file, **arrays)


def _layer(spec: dict[str, Any], dtype: type) -> Layer:
    kind = spec.get("kind")
    if kind == Dense.kind:
        return Dense(spec["n_in"], spec["n_out"], init="notebook", rng=np.random.default_rng(0), dtype=dtype)
    if kind == LeakyReLU.kind:
        return LeakyReLU(spec.get("alpha", 0.01))
    if kind in _LAYER_KINDS:
        return _LAYER_KINDS[kind]()
    raise ValueError(f"unknown layer kind {kind!r}; this file was not written by scratchnet.save")


def load(file: PathOrFile) -> Network:
    """Read a network written by ``save``; a file that is not one raises ``ValueError``."""
    try:
        archive = np.load(file, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):  # a plain .npy array
            raise ValueError("it holds a single array, not an .npz archive")
        with archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"not a scratchnet .npz file ({error})") from None
    try:
        header = json.loads(str(arrays.pop("__spec__")))
        if header.get("format") != FORMAT:
            raise ValueError(f"unsupported format {header.get('format')!r}")
        dtype = DTYPES[header["dtype"]]
        net = Network([_layer(spec, dtype) for spec in header["layers"]])
        net.set_params(arrays)
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a scratchnet network file (missing or malformed {error})") from None
    return net
