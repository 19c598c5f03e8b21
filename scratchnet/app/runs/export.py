"""Take it home: a run's trained weights, its history, and a script that trains it again.

- ``weights_npz``: the network as a ``.npz`` file that ``scratchnet.load`` reads back.
- ``history_csv``: one row per recorded epoch (loss, accuracy, learning rate, held-out figures),
  each measured during its epoch, before that epoch's step.
- ``reproduce_script``: a short standalone Python script, needing only NumPy and scratchnet, that
  rebuilds the run from its configuration and seeds and prints the same final figures.

"Final loss" and "final accuracy" mean one thing everywhere: those of the weights after the last
step (the network the app draws), ``sn.evaluate`` on the training points. The history's last row
was measured one step earlier; the script prints both, each named.

For uploaded data the script reads the points from a CSV file named on its command line: the
app's copy of the points (``upload.points_csv``, offered as ``POINTS_FILE``), so the numbers are
exactly the ones the app trained on. The script checks the points' fingerprint and warns when
the file differs.
"""

from __future__ import annotations

import csv
import io

import scratchnet as sn
from scratchnet.app.runs.config import DATASET_LABELS, RunConfig
from scratchnet.app.runs.upload import Points

WEIGHTS_FILE = "scratchnet_weights.npz"
HISTORY_FILE = "scratchnet_history.csv"
SCRIPT_FILE = "reproduce_run.py"
POINTS_FILE = "points.csv"


def weights_npz(network: sn.Network) -> bytes:
    """The network's architecture and parameters as ``.npz`` bytes (``scratchnet.load`` reads them)."""
    buffer = io.BytesIO()
    sn.save(network, buffer)
    return buffer.getvalue()


def history_csv(history: sn.History) -> bytes:
    """The recorded epochs as CSV: ``epoch,loss,accuracy,lr`` (plus ``val_loss,val_accuracy`` when
    points were held out), numbers written exactly."""
    columns = history.columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in zip(*columns.values()):
        writer.writerow([int(row[0]), *(repr(float(value)) for value in row[1:])])
    return buffer.getvalue().encode("utf-8")


# ---- the script ---------------------------------------------------------------------------------
def _float(value: float) -> str:
    return repr(float(value))


def _str(text: str) -> str:
    """A Python string literal, in double quotes where that needs no escaping."""
    literal = repr(text)
    return f'"{literal[1:-1]}"' if literal[0] == "'" and '"' not in text else literal


def _builtin_data(config: RunConfig) -> tuple[str, str, str, str]:
    """(imports, data code, description, how to run it) for a built-in dataset, exactly as ``runs.make_data``."""
    code = f"""\
# The data: the same points and the same training / held-out split as in the app
X, y = sn.make_dataset({_str(config.dataset)}, samples={int(config.samples)}, classes={int(config.classes)}, \
noise={_float(config.noise)}, seed={int(config.data_seed)})
X_train, X_test, y_train, y_test = sn.train_test_split(X, y, test_share={_float(config.test_share)}, \
seed={int(config.data_seed)})
classes = {int(config.classes)}
"""
    label = DATASET_LABELS.get(config.dataset, config.dataset)
    about = (
        f"{label} data: {config.samples} points a class, {config.classes} classes, noise {config.noise:g}, "
        f"data seed {config.data_seed}."
    )
    return (
        "import scratchnet as sn\n",
        code,
        about,
        f"Run it with scratchnet installed:  python {SCRIPT_FILE}",
    )


def _uploaded_data(config: RunConfig, points: Points) -> tuple[str, str, str, str]:
    """(imports, data code, description, how to run it) for uploaded points, exactly as ``upload.to_data``."""
    imports = "import csv\nimport hashlib\nimport sys\n\nimport numpy as np\n\nimport scratchnet as sn\n"
    code = f"""\
# The data: your points, read from the CSV named on the command line (header x,y,label)
CLASS_NAMES = ({", ".join(map(_str, points.class_names))})
FINGERPRINT = {_str(points.fingerprint)}  # of the points the app trained on
path = sys.argv[1] if len(sys.argv) > 1 else {_str(POINTS_FILE)}
with open(path, newline="", encoding="utf-8") as file:
    rows = [row for row in csv.reader(file) if row][1:]
X = np.array([[float(row[0]), float(row[1])] for row in rows]) + 0.0
y = np.array([CLASS_NAMES.index(row[2]) for row in rows], dtype=np.int64)
digest = hashlib.sha256(X.astype("<f8").tobytes() + y.astype("<i8").tobytes() + "\\n".join(CLASS_NAMES).encode())
if digest.hexdigest()[:16] != FINGERPRINT:
    print("Warning: these are not exactly the points the app trained on, so the results will differ.")

# The same training / held-out split as in the app, then standardised with the training points'
# mean and spread: the network learns on unit-scale inputs
X_train, X_test, y_train, y_test = sn.train_test_split(X, y, test_share={_float(config.test_share)}, \
seed={int(config.data_seed)})
center = X_train.mean(axis=0)
scale = X_train.std(axis=0)
scale = np.where(scale > 0, scale, 1.0)
X_train, X_test = (X_train - center) / scale, (X_test - center) / scale
classes = len(CLASS_NAMES)
"""
    about = f"Your uploaded points: {len(points):,} points in {points.classes} classes."
    how_to_run = (
        f"Save the app's copy of the points ({POINTS_FILE}) next to this script and run:\n"
        f"    python {SCRIPT_FILE} {POINTS_FILE}"
    )
    return imports, code, about, how_to_run


def reproduce_script(config: RunConfig, points: Points | None = None) -> str:
    """A standalone script (NumPy and scratchnet only) that trains ``config``'s run again and prints
    its final training loss, training accuracy and held-out accuracy (of the weights after the last
    step, as the app shows them), and the history's last row.

    A run on uploaded data (``config.data_id`` set) needs its ``points`` (whose fingerprint must be
    ``config.data_id``); the script then reads them from a CSV path given on its command line.
    """
    if config.data_id:
        _check_points(config, points)
        imports, data_code, about, how_to_run = _uploaded_data(config, points)
    else:
        imports, data_code, about, how_to_run = _builtin_data(config)
    shape = "-".join(str(units) for units in config.sizes)
    activation, optimizer = sn.ACTIVATION_CHOICES[config.activation].short, sn.OPTIMIZER_CHOICES[config.optimizer].short
    network = (
        f"Network {shape} ({activation}, {config.init} init, {config.dtype}), optimizer {optimizer}, "
        f"{config.epochs:,} epochs, seed {config.seed}."
    )
    return f'''\
"""Train a scratchnet Playground run again, step for step.

{about}
{network}

{how_to_run}
"""

{imports}
{data_code}{_features_code(config)}
{_network_code(config)}
{_training_code(config)}
{FINAL_FIGURES}'''


def _check_points(config: RunConfig, points: Points | None) -> None:
    """Refuse to write a script for uploaded data without exactly the points the run trained on."""
    if points is None or points.fingerprint != config.data_id:
        raise ValueError(
            "A run on uploaded points needs those points to write its script; "
            f"got {'none' if points is None else 'points with fingerprint ' + points.fingerprint} "
            f"for data_id {config.data_id!r}"
        )
    if points.classes != config.classes:
        raise ValueError(f"config.classes is {config.classes} but the points have {points.classes} classes")


def _features_code(config: RunConfig) -> str:
    """The lines that expand the points into the run's features ("" for the plain coordinates)."""
    features = tuple(config.features)
    if features == sn.DEFAULT_FEATURES:
        return ""
    return f"""
# What the network sees of each point: {", ".join(features)}
FEATURES = ({", ".join(map(_str, features))},)
X_train, X_test = sn.expand_features(X_train, FEATURES), sn.expand_features(X_test, FEATURES)
"""


def _network_code(config: RunConfig) -> str:
    """The network and the optimizer, each written as its record says (``scratchnet.choices``)."""
    activation = sn.ACTIVATION_CHOICES[config.activation]
    optimizer = sn.OPTIMIZER_CHOICES[config.optimizer]
    note = f"# {activation.script_note}\n" if activation.script_note else ""
    inputs = "2" if tuple(config.features) == sn.DEFAULT_FEATURES else "len(FEATURES)"
    sizes = "".join(f"{int(units)}, " for units in config.hidden)
    return f"""\
# The network and the optimizer
{note}net = sn.mlp(
    [{inputs}, {sizes}classes],
    activation={activation.script()},
    init={_str(config.init)},
    seed={int(config.seed)},
    dtype={_str(config.dtype)},
)
optimizer = {optimizer.script(config.lr, config.decay, config.as_dict())}
"""


def _training_code(config: RunConfig) -> str:
    """The call of ``sn.train`` with the run's batches, seed, held-out points, L2 and early stopping."""
    batch = f"batch_size={int(config.batch_size)}," if config.batch_size else "batch_size=None,  # full batch"
    stop = (
        f"\n    early_stopping={int(config.patience)} if len(y_test) else None,  # stop when the held-out loss stalls"
        if config.patience and config.test_share > 0
        else ""
    )
    return f"""\
# Training: the same seeds give the same batches and the same result
history = sn.train(
    net,
    X_train,
    y_train,
    optimizer,
    epochs={int(config.epochs)},
    {batch}
    seed={int(config.seed)},
    validation=(X_test, y_test) if len(y_test) else None,
    l2={_float(config.l2)},{stop}
)
"""


#: The script's last lines: the figures it prints, each named as the app names it.
FINAL_FIGURES = """\
# Final figures: of the weights after the last step (the network the app shows). The history's
# rows were each measured during their epoch, before its step: the last row is one step earlier.
print(f"status: {history.status} after {history.epochs_run} epochs")
train_loss, train_accuracy = sn.evaluate(net, X_train, y_train)
print(f"final training loss: {float(train_loss)!r}")
print(f"training accuracy: {train_accuracy:.3f}")
if len(y_test):
    test_loss, test_accuracy = sn.evaluate(net, X_test, y_test)
    print(f"held-out accuracy: {test_accuracy:.3f}")
print(f"last history row loss: {float(history.loss[-1])!r}  (epoch {history.epochs_run}, before its step)")
print(f"last history row accuracy: {float(history.accuracy[-1]):.3f}")
"""
