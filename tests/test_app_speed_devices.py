"""The speed devices of a finished run's charts (``ui/cache.py``, chart pieces): what is kept draws
exactly what a fresh drawing draws, and a toggle or a replay move works out only what changed."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from altair.utils.schemapi import validate_jsonschema
from app_helpers import VEGA_LITE_SCHEMA, app, charts, settle, trained

from scratchnet.app.plots import charts as plot_charts
from scratchnet.app.plots import frames
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.ui import cache, session

pytestmark = pytest.mark.usefixtures("fresh_caches")

LOG, CONFIDENCE, SHOW, REPLAY = (
    session.view_key(session.RESULT, name) for name in ("log", "confidence", "show", "replay")
)


@pytest.mark.parametrize("best_epoch", [None, 40])
def test_a_charts_spec_is_altairs_own_with_its_tables_kept_as_frames(best_epoch) -> None:
    """``cache.spec_of`` (the one conversion every chart takes) is Altair's checked spec, its tables
    the frames the chart was built from as Arrow tables, named by their content; the chart is not changed."""
    result = trained(RunConfig(epochs=120))
    losses, lrs = frames.loss_frame(result.history), frames.lr_frame(result.history)
    chart = plot_charts.loss_chart(losses, lrs, epochs=120, height=170, best_epoch=best_epoch, marker=70)
    before = chart.to_json()
    spec = cache.spec_of(chart)
    assert chart.to_json() == before
    validate_jsonschema(json.loads(json.dumps({**spec, "datasets": {}})), VEGA_LITE_SCHEMA)
    tables = spec["datasets"]
    assert all(isinstance(table, pa.Table) for table in tables.values())  # sent as they are, no conversion
    assert pa.Table.from_pandas(losses) in tables.values() and pa.Table.from_pandas(lrs) in tables.values()
    again = cache.spec_of(chart)  # the same chart: the same spec, its tables under the same names
    assert json.dumps({**again, "datasets": sorted(again["datasets"])}) == json.dumps(
        {**spec, "datasets": sorted(tables)}
    )
    rules = [layer for layer in spec["vconcat"][0]["layer"] if layer.get("mark", {}).get("strokeDash") == [4, 3]]
    assert len(rules) == 1  # the replay marker is one layer of the top plot


def test_network_keys_tell_networks_apart_and_copies_alike() -> None:
    result = trained(RunConfig(epochs=60))
    _, first = result.network_at(0)
    final = result.network
    assert cache.network_key(result.config, final) == cache.network_key(result.config, final.copy())
    assert cache.network_key(result.config, first) != cache.network_key(result.config, final)
    assert cache.network_key(result.config.replace(seed=1), final) != cache.network_key(result.config, final)
    longer = trained(RunConfig(epochs=61))
    assert cache.history_key(result.config, result.history) != cache.history_key(longer.config, longer.history)


def _drawn(at) -> list[str]:
    """Every chart on the page, spec and tables, as text to compare."""
    return [
        json.dumps(chart["spec"], sort_keys=True)
        + repr({name: frame.to_dict() for name, frame in chart["datasets"].items()})
        for chart in charts(at)
    ]


def test_what_is_kept_draws_the_same_page_as_working_it_out_again() -> None:
    at = settle(app(query={"epochs": "300", "hidden": "6"}))
    epochs = [s.epoch for s in at.session_state[session.RUN].result.history.snapshots]
    for change in (
        lambda: at.toggle(key=LOG).set_value(True),
        lambda: at.toggle(key=CONFIDENCE).set_value(False),
        lambda: at.segmented_control(key=SHOW).set_value(["training"]),
        lambda: at.select_slider(key=REPLAY).set_value(epochs[1]),
        lambda: at.selectbox(key=session.DIAGRAM_UNIT).set_value("1:2"),
        lambda: at.toggle(key=CONFIDENCE).set_value(True),
        lambda: at.select_slider(key=REPLAY).set_value(epochs[-1]),
    ):
        change()
        at.run()
        assert not at.exception
        kept = _drawn(at)
        st.cache_data.clear()  # the same page, everything worked out again
        at.run()
        assert _drawn(at) == kept


def test_a_toggle_predicts_nothing_again_and_a_replay_move_predicts_its_snapshot_once(monkeypatch) -> None:
    at = settle(app(query={"epochs": "300", "hidden": "6"}))
    epochs = [s.epoch for s in at.session_state[session.RUN].result.history.snapshots]
    calls: list[str] = []
    for name in ("grid_frame", "points_frame"):
        original = getattr(frames, name)
        monkeypatch.setattr(frames, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k))
    for change in (
        lambda: at.toggle(key=LOG).set_value(True),
        lambda: at.toggle(key=CONFIDENCE).set_value(False),
        lambda: at.segmented_control(key=SHOW).set_value(["training"]),
        lambda: at.toggle(key=CONFIDENCE).set_value(True),
    ):
        change()
        at.run()
        assert not at.exception and calls == []  # the map's predictions were kept
    at.select_slider(key=REPLAY).set_value(epochs[2]).run()
    assert sorted(calls) == ["grid_frame", "points_frame"]  # a snapshot not drawn yet: predicted once
    calls.clear()
    at.select_slider(key=REPLAY).set_value(epochs[-1]).run()
    at.select_slider(key=REPLAY).set_value(epochs[2]).run()
    assert not at.exception and calls == []  # both drawn before


def test_altair_objects_are_checked_once_with_the_whole_spec_not_as_each_is_made() -> None:
    """``scratchnet.app.plots`` turns off Altair's check of each object as it is made (the adapter's
    reason is written there); a wrong property is still caught when the spec is checked, as every
    chart the tests read is (``app_helpers.charts``)."""
    import altair as alt

    import scratchnet.app.plots  # noqa: F401 (the adapter)

    wrong = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x=alt.X("x:Q", scale=alt.Scale(nicely=False)))
    with pytest.raises(Exception, match="nicely"):
        validate_jsonschema(json.loads(json.dumps({**cache.spec_of(wrong), "datasets": {}})), VEGA_LITE_SCHEMA)


def test_a_replay_move_builds_no_loss_curve_and_draws_its_marker_where_it_is(monkeypatch) -> None:
    at = settle(app(query={"epochs": "300", "hidden": "6"}))
    epochs = [s.epoch for s in at.session_state[session.RUN].result.history.snapshots]
    built: list[int] = []
    original = plot_charts.loss_chart
    monkeypatch.setattr(plot_charts, "loss_chart", lambda *a, **k: built.append(1) or original(*a, **k))
    for epoch in (epochs[1], epochs[3], epochs[2]):
        at.select_slider(key=REPLAY).set_value(epoch).run()
        assert not at.exception
        loss = next(chart for chart in charts(at) if "vconcat" in chart["spec"])
        assert loss["datasets"][plot_charts.REPLAY_TABLE]["epoch"].tolist() == [epoch]  # the marker is there
    assert built == []  # the curve was built once, before the moves
