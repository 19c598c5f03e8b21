"""The sidebar's controls, drawn from ``config.FIELDS``. Values are held by the session (``ui/session``)
under ``session.control_key(field)`` and survive page switches (``persist_state="session"``).

A page may narrow the controls' own ranges (``limits``, e.g. a class challenge's most units and
epochs and its optimizers): the widgets then cannot go past them, rather than being set back after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from scratchnet.app.runs import upload
from scratchnet.app.runs.config import (
    DATASET_LABELS,
    DATASETS,
    FIELDS,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    RunConfig,
    fit_classes,
)
from scratchnet.app.runs.cost import cost_verdict, max_epochs
from scratchnet.app.runs.presets import PRESETS
from scratchnet.app.text import escape, fmt
from scratchnet.app.ui import session
from scratchnet.choices import OPTIMIZER_SETTINGS, uses

LR_STEPS = (
    1e-5,
    3e-5,
    1e-4,
    3e-4,
    1e-3,
    3e-3,
    0.01,
    0.02,
    0.03,
    0.05,
    0.1,
    0.2,
    0.3,
    0.5,
    1.0,
    2.0,
    3.0,
    5.0,
    10.0,
    30.0,
    100.0,
)
DECAY_STEPS = (0.0, 1e-7, 5e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1.0)
L2_STEPS = (0.0, 1e-5, 1e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.05, 0.1)
EPOCH_STEPS = (10, 50, 100, 200, 500, 1000, 2000, 3000, 5000, 10_000, 20_000, 30_000, 50_000, 100_000)
BATCH_STEPS = (0, 1, 8, 16, 32, 64, 128, 256, 512)
STEPS = {"lr": LR_STEPS, "decay": DECAY_STEPS, "l2": L2_STEPS, "epochs": EPOCH_STEPS, "batch_size": BATCH_STEPS}
GROUPS = {"data": "Data", "network": "Network", "training": "Training"}
#: Per control, a page's bounds: (low, high) for a number ("epochs", "layers", "units": each hidden
#: layer's, or any numeric field), the allowed values for a choice ("optimizer").
Limits = Mapping[str, tuple]


def load(config: RunConfig, *, prefix: str = session.CONTROL_PREFIX) -> None:
    """Put ``config``'s values into the controls (before they are drawn); ``prefix``: whose controls."""
    for name, spec in FIELDS.items():
        if name != "hidden":
            value = getattr(config, name)
            session.set_control_value(
                session.control_key(name, prefix), list(value) if spec.kind == "features" else value
            )
    session.set_control_value(session.control_key("layers", prefix), len(config.hidden))
    for i, units in enumerate(config.hidden):
        session.set_control_value(session.units_key(i, prefix), units)


def read(base: RunConfig, *, prefix: str = session.CONTROL_PREFIX) -> tuple[RunConfig | None, list[str]]:
    """The configuration the controls show now, and notes (or the one reason it is refused)."""
    values: dict[str, Any] = base.as_dict()
    for name in FIELDS:
        if name != "hidden" and session.has_control_value(session.control_key(name, prefix)):
            values[name] = session.control_value(session.control_key(name, prefix))
    layers = session.control_value(session.control_key("layers", prefix), len(base.hidden))
    values["hidden"] = tuple(
        session.control_value(session.units_key(i, prefix), base.hidden[i] if i < len(base.hidden) else 16)
        for i in range(layers)
    )
    values, note = fit_classes(values)
    notes = [note] if note else []
    try:
        return RunConfig(**values), notes
    except ValueError as error:
        return None, [str(error)]


def _within(key: str, low: float, high: float, default: float) -> float:
    """The control's value kept inside ``low``..``high`` (set before the widget is drawn, so a value
    from a link or another page never sits outside the range the widget offers)."""
    value = session.control_value(key, default)
    kept = min(max(value, low), high)
    if kept != value or not session.has_control_value(key):
        session.set_control_value(key, kept)
    return kept


def _only_value(label: str, value: str) -> None:
    """A range of one value: nothing to slide (Streamlit refuses a slider whose ends are equal)."""
    st.markdown(f"**{escape(label)}:** {escape(value)} (the only value allowed here)")


def _bounded_slider(label: str, low: int, high: int, key: str, limit: tuple | None, default: int, **more) -> None:
    """An integer slider from ``low`` to ``high``, narrowed to ``limit`` when a page sets one."""
    if limit is not None:
        low, high = max(low, int(limit[0])), min(high, int(limit[1]))
        _within(key, low, high, default)
        if low >= high:
            _only_value(label, f"{low:,}")
            return
    st.slider(label, low, high, step=1, key=key, persist_state="session", **more)


def _stepped(
    name: str,
    label: str,
    help: str,
    formatter=fmt,
    prefix: str = session.CONTROL_PREFIX,
    limit: tuple | None = None,
    keep: Callable[[Any], bool] | None = None,
    disabled: bool = False,
) -> None:
    """A select slider over ``STEPS[name]`` (and the current value), narrowed to ``limit`` and to
    the steps ``keep`` accepts (the current value stays: the sidebar says when it cannot train)."""
    key = session.control_key(name, prefix)
    current = session.control_value(key, FIELDS[name].default)
    options = {value for value in STEPS[name] if keep is None or keep(value)} | {current}
    if limit is not None:  # the steps inside the bounds, and the top bound itself (it may be no step)
        low, high = max(FIELDS[name].low, limit[0]), min(FIELDS[name].high, limit[1])
        current = _within(key, low, high, FIELDS[name].default)
        options = {value for value in options if low <= value <= high} | {current, high}
        if len(options) == 1:
            _only_value(label, formatter(current))
            return
    st.select_slider(
        label, sorted(options), key=key, help=help, format_func=formatter, persist_state="session", disabled=disabled
    )


def _offered(name: str, shown: RunConfig | None) -> Callable[[Any], bool] | None:
    """Which steps of ``name`` to offer for the run the controls show: epochs the chosen network may
    train (over the limit for it, an epoch count is always refused), and batch sizes smaller than
    the training points (a batch that holds them all is the full batch, offered as "full")."""
    if shown is None:
        return None
    if name == "epochs":
        most = max_epochs(shown)
        return lambda epochs: epochs <= most or epochs == min(EPOCH_STEPS)
    if name == "batch_size":
        return lambda size: size < shown.train_points
    return None


def _unused(name: str, shown: RunConfig | None) -> str | None:
    """Why control ``name`` has no effect on the run the controls show (it is then drawn greyed out)."""
    if shown is None:
        return None
    if name == "patience" and shown.test_share == 0:
        return "Stopping early watches the held-out loss: hold some points out to use it."
    if name == "decay" and shown.optimizer == "notebook_gd":
        return "The notebook's gradient descent never applies its decay (its bug, kept as written)."
    return None


def _classes(key: str, limit: tuple | None, shown: RunConfig | None, help: str | None) -> None:
    """The Classes slider, kept inside the chosen dataset's range: a dataset with a fixed count
    shows that count, greyed out (a slider cannot move off it)."""
    spec = FIELDS["classes"]
    info = DATASETS.get(shown.dataset) if shown is not None else None
    low, high = (info.min_classes, info.max_classes) if info is not None else (int(spec.low), int(spec.high))
    if limit is not None:
        low, high = max(low, int(limit[0])), min(high, int(limit[1]))
    value = _within(key, low, high, int(spec.default))
    if low >= high:
        fixed = f"The {DATASET_LABELS[shown.dataset]} dataset has exactly {value} classes." if info else help
        st.slider(
            spec.label, int(spec.low), int(spec.high), key=key, disabled=True, help=fixed, persist_state="session"
        )
        return
    st.slider(spec.label, low, high, step=1, key=key, help=help, persist_state="session")


def _control(
    name: str, prefix: str = session.CONTROL_PREFIX, limits: Limits | None = None, shown: RunConfig | None = None
) -> None:
    """One control; ``shown``: the run the controls show now (for the values that depend on others)."""
    spec = FIELDS[name]
    key = session.control_key(name, prefix)
    unused = _unused(name, shown)
    common = {"key": key, "help": unused or spec.help or None, "persist_state": "session"}
    limit = (limits or {}).get(name)
    if name == "classes":
        _classes(key, limit, shown, common["help"])
    elif name in STEPS:
        named = {"epochs": lambda v: fmt(v, ","), "batch_size": lambda v: "full" if v == 0 else str(v)}
        formatter = named.get(name, fmt)
        _stepped(
            name, spec.label, unused or spec.help, formatter, prefix, limit, _offered(name, shown), unused is not None
        )
    elif spec.kind == "choice":
        labels = dict(spec.choices)
        allowed = [choice for choice in labels if limit is None or choice in limit]
        if limit is not None and session.control_value(key) not in allowed:
            session.set_control_value(key, allowed[0])
        st.selectbox(spec.label, allowed, format_func=labels.get, **common)
    elif spec.kind == "features":  # toggles, one per input the network may see
        labels = dict(spec.choices)
        session.init_control_value(key, list(spec.default))
        st.pills(spec.label, list(labels), selection_mode="multi", format_func=labels.get, **common)
    elif name in ("data_seed", "seed"):
        st.number_input(spec.label, int(spec.low), int(spec.high), step=1, **common)
    elif spec.kind == "int":
        more = {"help": common["help"], "disabled": unused is not None}
        _bounded_slider(spec.label, int(spec.low), int(spec.high), key, limit, int(spec.default), **more)
    else:
        low, high = float(spec.low), float(spec.high)
        if limit is not None:
            low, high = max(low, float(limit[0])), min(high, float(limit[1]))
            _within(key, low, high, float(spec.default))
        st.slider(spec.label, low, high, step=0.01, disabled=unused is not None, **common)


def _hidden_layers(prefix: str = session.CONTROL_PREFIX, limits: Limits | None = None) -> None:
    layers = session.control_key("layers", prefix)
    limits = limits or {}
    _bounded_slider(
        "Hidden layers",
        0,
        MAX_HIDDEN_LAYERS,
        layers,
        limits.get("layers"),
        1,
        help="0 = a linear softmax: straight boundaries only.",
    )
    for i in range(session.control_value(layers, 1)):
        session.init_control_value(session.units_key(i, prefix), 16)
        _bounded_slider(f"Units in layer {i + 1}", 1, MAX_UNITS, session.units_key(i, prefix), limits.get("units"), 16)


def controls(
    hidden: frozenset[str] = frozenset(),
    *,
    prefix: str = session.CONTROL_PREFIX,
    only: frozenset[str] | None = None,
    expanded: bool = True,
    limits: Limits | None = None,
) -> None:
    """Draw every control not listed in ``hidden`` (field names or group names), grouped.

    The Playground's data group also takes an uploaded CSV; while the student trains on it, the
    built-in dataset's controls step aside. Another page drawing controls for its own
    configuration (the Sweep's base) gives its own key ``prefix`` and the fields it uses (``only``).
    ``limits`` narrows the controls' ranges (see ``Limits``); the Playground's controls take the
    session's own (``session.control_limits()``: a class challenge sets them) unless given.
    """
    playground = prefix == session.CONTROL_PREFIX
    if limits is None and playground:
        limits = session.control_limits()
    for group, title in GROUPS.items():
        skip = hidden | (DATA_CONTROLS if playground and own_points() is not None else frozenset())
        names = [
            n
            for n, spec in FIELDS.items()
            if spec.group == group and n not in skip and group not in hidden and (only is None or n in only)
        ]
        if playground and group == "data" and group not in hidden and "upload" not in hidden:
            names.append("upload")
        if not names:
            continue
        with st.expander(title, expanded=expanded):  # the Network group too: the one most lessons need
            for name in names:
                if name == "upload":
                    points_uploader()
                    continue
                if name == "hidden":
                    _hidden_layers(prefix, limits)
                elif name in OPTIMIZER_SETTINGS and not uses(
                    session.control_value(session.control_key("optimizer", prefix)), name
                ):
                    continue  # a setting the chosen optimizer does not read (momentum for Adam) is hidden
                else:
                    _control(name, prefix, limits, _shown(prefix))


def _shown(prefix: str) -> RunConfig | None:
    """The run the controls show so far (the controls drawn above this one have their new values)."""
    config, _ = read(RunConfig(), prefix=prefix)
    if config is not None and prefix == session.CONTROL_PREFIX:
        config = with_points(config, own_points())
    return config


def preset_picker(on_pick) -> None:
    """A selectbox of presets and a button that loads one (``on_pick(name)`` runs on click)."""
    names = list(PRESETS)
    choice = st.selectbox(
        "Preset", names, format_func=lambda n: PRESETS[n].label, key=session.PRESET_CHOICE, persist_state="session"
    )
    st.caption(PRESETS[choice].description)
    st.button("Load preset and train", on_click=lambda: on_pick(session.preset_choice()), width="stretch")


# ---- your own points ------------------------------------------------------------------------------
DATA_CONTROLS = frozenset({"dataset", "samples", "classes", "noise"})


def points_uploader() -> None:
    """Upload a CSV of points: checked on arrival, with the reason shown when it is refused."""
    file = st.file_uploader(
        "Your own points (CSV)",
        type=["csv", "txt", "tsv"],
        key=session.UPLOADER,
        help=f"{upload.FORMAT_HINT}; a header is optional and labels may be words. "
        f"Up to {upload.MAX_ROWS:,} rows, {upload.MIN_CLASSES}-{upload.MAX_CLASSES} classes, "
        f"at least {upload.MIN_PER_CLASS} points per class.",
    )
    if file is not None and session.upload_id() != file.file_id:
        session.set_upload_id(file.file_id)
        try:
            points = upload.read_points(file.getvalue())
        except ValueError as error:
            session.set_upload_error(f"{file.name[:60]}: {error}")
        else:
            session.set_my_points(points)
            session.set_upload_error(None)
    refused = session.upload_error()
    if refused:
        st.error(escape(refused), icon=":material/error:")  # quotes the file: text only
    points = session.my_points()
    if points is not None:
        st.toggle(f"Train on my points: {escape(points.describe())}", key=session.USE_POINTS, persist_state="session")
        run, shown = session.current_run(), _shown(session.CONTROL_PREFIX)
        trainable = shown is not None and not cost_verdict(shown).refused  # never point at a greyed-out Train
        if own_points() is not None and trainable and (run is None or run.config.data_id != points.fingerprint):
            st.info("Your points are ready: press **Train** to train on them.", icon=":material/upload_file:")
    st.download_button(
        "Sample CSV",
        upload.sample_csv(),
        "sample_points.csv",
        mime="text/csv",
        icon=":material/download:",
        help="A small file in the expected format, to see or to try.",
    )


def own_points() -> upload.Points | None:
    """The uploaded points, when the student chose to train on them."""
    points = session.my_points()
    return points if points is not None and session.use_points() else None


def with_points(config: RunConfig, points: upload.Points | None) -> RunConfig:
    """``config`` on the uploaded points (their fingerprint, classes and size), or unchanged."""
    if points is None:
        return config
    return config.replace(data_id=points.fingerprint, classes=points.classes, data_points=len(points))
