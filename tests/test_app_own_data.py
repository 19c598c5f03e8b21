"""The Playground on a student's own CSV: upload, train, refuse bad files, take the run home."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import app, charts, dataset_with, settle

import scratchnet as sn
from scratchnet.app.runs import export, upload
from scratchnet.app.ui import session

pytestmark = pytest.mark.usefixtures("fresh_caches")  # every test starts with empty Streamlit caches


def uploaded(at, name: str, raw: bytes):
    at.file_uploader(key="upload").set_value((name, raw, "text/csv"))
    return at.run()


def train(at):
    next(b for b in at.sidebar.button if b.label == "Train").click()
    return settle(at)


def test_a_good_csv_trains_and_is_shown_in_its_own_units():
    rows = ["x,y,label"] + [
        f"{1000 + 10 * i},{-5 + 0.1 * j},{'cat' if i < 5 else 'dog'}" for i in range(10) for j in range(4)
    ]
    raw = "\n".join(rows).encode()
    at = uploaded(settle(app(query={"epochs": "150"})), "pets.csv", raw)
    assert not at.error
    assert at.session_state[session.USE_POINTS] is True
    train(at)
    assert not at.exception
    result = at.session_state[session.RUN].result
    assert result.config.data_id == upload.read_points(raw).fingerprint
    assert result.config.classes == 2 and result.data.class_names == ("cat", "dog")
    board = next(
        c for c in charts(at) if "layer" in c["spec"] and any("x2" in f for f in map(list, c["datasets"].values()))
    )
    points = dataset_with(board, "x", "y", "true", "split")
    assert set(points["true"]) == {"cat", "dog"}
    assert np.isclose(points["x"].min(), 1000) and np.isclose(points["x"].max(), 1090)  # the file's units
    assert np.isclose(points["y"].min(), -5) and np.isclose(points["y"].max(), -4.7)
    # trained on standardised points: the network's inputs have mean 0 and unit spread
    assert np.allclose(result.data.X_train.mean(axis=0), 0, atol=1e-9)


BAD_FILES = {
    "empty": (b"", "empty"),
    "header only": (b"x,y,label\n", "no points"),
    "one class": (b"x,y,label\n" + b"".join(b"%d,%d,a\n" % (i, i) for i in range(10)), "2"),
    "text in a coordinate": (b"x,y,label\n1,2,a\nabc,3,b\n", "abc"),
    "not finite": (b"x,y,label\n1,2,a\nnan,3,b\n", "nan"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "PNG"),
    "too many classes": (b"".join(b"%d,%d,c%d\n" % (i, i, i % 11) for i in range(200)), "10"),
    "two columns": (b"1,2\n3,4\n5,6\n", "three"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_each_bad_csv_gets_its_own_message_and_the_work_is_kept(case):
    raw, hint = BAD_FILES[case]
    at = settle(app(query={"epochs": "120"}))
    before = at.session_state[session.RUN]
    uploaded(at, f"{case}.csv", raw)
    assert not at.exception
    message = " ".join(e.value for e in at.sidebar.error)
    assert message and hint.lower() in message.lower(), message
    assert at.session_state[session.RUN] is before  # the run on screen is not lost
    assert session.POINTS not in at.session_state or at.session_state[session.POINTS] is None
    train(at)  # and training still works, on the built-in data
    assert not at.exception and not at.session_state[session.RUN].config.data_id


def test_switching_back_to_the_built_in_data():
    at = uploaded(settle(app(query={"epochs": "120"})), "sample.csv", upload.sample_csv())
    at.toggle(key="cfg.use_points").set_value(False)
    at.run()
    assert "cfg.dataset" in {w.key for w in at.sidebar.selectbox}
    train(at)
    assert not at.session_state[session.RUN].config.data_id


def test_the_downloads_are_offered_and_the_weights_reload(tmp_path):
    at = settle(app(query={"epochs": "200"}))
    labels = [e.proto.label for e in at.get("download_button")]
    for label in ("Weights (.npz)", "History (.csv)", "Script (.py)"):
        assert label in labels
    result = at.session_state[session.RUN].result
    path = tmp_path / export.WEIGHTS_FILE
    path.write_bytes(export.weights_npz(result.network))
    again = sn.load(path)
    X = np.vstack([result.data.X_train, result.data.X_test])
    np.testing.assert_array_equal(again.predict_proba(X), result.network.predict_proba(X))
