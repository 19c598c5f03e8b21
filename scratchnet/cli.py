"""``python -m scratchnet``: train from the command line and print a table, one row per run.

python -m scratchnet --optimizer adam --lr 0.05 --epochs 10000
python -m scratchnet --optimizer sgd adam --lr 0.1 1.0       # one row per combination
python -m scratchnet --features x1 x2 "x1^2" "x2^2"          # what the network sees of each point
python -m scratchnet notebook                                 # the notebook, as written and corrected
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence

from . import notebook
from .activations import ACTIVATIONS
from .checks import check_int
from .datasets import DATASETS, make_dataset, spiral_data, train_test_split
from .features import DEFAULT_FEATURES, FEATURES, expand_features
from .layers import INITS
from .network import DTYPES, mlp
from .optimizers import OPTIMIZERS, SGD, Optimizer
from .persistence import save
from .training import evaluate, train

COLUMNS = ("run", "epochs", "final loss", "train acc", "test acc", "seconds", "status")


def _optimizer(name: str, lr: float, decay: float, momentum: float) -> Optimizer:
    if name == "sgd":
        return SGD(lr=lr, decay=decay, momentum=momentum)
    return OPTIMIZERS[name](lr=lr, decay=decay)


def _hidden(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"hidden must be unit counts separated by commas, like 64 or 32,32; got {text!r}"
        ) from None


def print_table(rows: Sequence[dict[str, object]], out=None) -> None:
    """A plain Markdown table; numbers to 3 decimals. ``out`` defaults to the current ``sys.stdout``."""
    out = sys.stdout if out is None else out

    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    cells = [[cell(row.get(column, "")) for column in COLUMNS] for row in rows]
    widths = [max(len(column), *(len(r[i]) for r in cells)) for i, column in enumerate(COLUMNS)]
    print("| " + " | ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)) + " |", file=out)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)
    for r in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |", file=out)


def run_training(args: argparse.Namespace) -> list[dict[str, object]]:
    X, y = make_dataset(args.dataset, samples=args.samples, classes=args.classes, noise=args.noise, seed=args.data_seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_share=args.test_share, seed=args.data_seed)
    X_train, X_test = expand_features(X_train, args.features), expand_features(X_test, args.features)
    classes = int(y.max()) + 1
    rows = []
    for name, lr in itertools.product(args.optimizer, args.lr):
        net = mlp(
            [len(args.features), *args.hidden, classes],
            activation=args.activation,
            init=args.init,
            seed=args.seed,
            dtype=args.dtype,
        )
        optimizer = _optimizer(name, lr, args.decay, args.momentum)
        started = time.perf_counter()
        history = train(
            net, X_train, y_train, optimizer, args.epochs, batch_size=args.batch_size, seed=args.seed, l2=args.l2
        )
        seconds = time.perf_counter() - started
        rows.append(
            {
                "run": repr(optimizer),
                "epochs": history.epochs_run,
                "final loss": float(history.loss[-1]),
                "train acc": evaluate(net, X_train, y_train)[1],
                "test acc": evaluate(net, X_test, y_test)[1] if len(y_test) else "",
                "seconds": seconds,
                "status": history.status
                if history.status != "diverged"
                else f"diverged at epoch {history.diverged_at}",
            }
        )
        if args.save:
            save(net, args.save)
    return rows


def run_notebook(args: argparse.Namespace) -> list[dict[str, object]]:
    """The notebook's three runs in each variant, and its held-out test on 3 000 fresh points."""
    X, y = spiral_data(samples=100, classes=3, seed=args.data_seed)
    X_new, y_new = spiral_data(samples=notebook.HELD_OUT_SAMPLES, classes=3, seed=args.data_seed + 1)
    shrink = check_int("shrink", args.shrink, low=1, high=max(e.epochs for e in notebook.EXPERIMENTS))
    rows = []
    for experiment in notebook.EXPERIMENTS:
        epochs = max(1, experiment.epochs // shrink)
        recorded = experiment.recorded_accuracy
        rows.append(
            {
                "run": f"notebook's record: lr {experiment.lr:g}, decay {experiment.decay:g}",
                "epochs": experiment.epochs,
                "final loss": experiment.recorded_final_loss
                if experiment.recorded_final_loss is not None
                else experiment.recorded_note,
                "train acc": recorded if recorded is not None else "",
                "test acc": notebook.HELD_OUT_RECORDED_ACCURACY if experiment is notebook.EXPERIMENTS[-1] else "",
            }
        )
        for variant in notebook.VARIANTS:
            net = notebook.notebook_network(variant, seed=args.seed)
            started = time.perf_counter()
            history = train(net, X, y, notebook.notebook_optimizer(experiment.lr, experiment.decay, variant), epochs)
            rows.append(
                {
                    "run": f"  {variant}",
                    "epochs": history.epochs_run,
                    "final loss": float(history.loss[-1]),
                    "train acc": evaluate(net, X, y)[1],
                    "test acc": evaluate(net, X_new, y_new)[1],
                    "seconds": time.perf_counter() - started,
                    "status": history.status,
                }
            )
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scratchnet", description="Train scratchnet networks and print a table.")
    p.add_argument(
        "mode",
        nargs="?",
        choices=("train", "notebook"),
        default="train",
        help="train (default) from the flags, or replay the notebook's experiments",
    )
    data = p.add_argument_group("data")
    data.add_argument("--dataset", choices=sorted(DATASETS), default="spiral")
    data.add_argument("--samples", type=int, default=100, help="points per class (default 100)")
    data.add_argument("--classes", type=int, default=None, help="classes (default: the dataset's)")
    data.add_argument("--noise", type=float, default=None, help="noise (default: the dataset's)")
    data.add_argument("--data-seed", type=int, default=0)
    data.add_argument("--test-share", type=float, default=0.2, help="share held out for testing (default 0.2)")
    data.add_argument(
        "--features",
        nargs="+",
        default=list(DEFAULT_FEATURES),
        metavar="NAME",
        help=f"what the network sees of each point, from {' '.join(FEATURES)} (default: x1 x2)",
    )
    net = p.add_argument_group("network")
    net.add_argument("--hidden", type=_hidden, default=[64], help="units per hidden layer, e.g. 64 or 32,32")
    net.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu")
    net.add_argument("--init", choices=sorted(INITS), default="he")
    net.add_argument("--dtype", choices=sorted(DTYPES), default="float64")
    fit = p.add_argument_group("training")
    fit.add_argument("--optimizer", nargs="+", choices=sorted(OPTIMIZERS), default=["adam"])
    fit.add_argument("--lr", nargs="+", type=float, default=[0.05])
    fit.add_argument("--decay", type=float, default=0.0)
    fit.add_argument("--momentum", type=float, default=0.0, help="for sgd")
    fit.add_argument("--l2", type=float, default=0.0)
    fit.add_argument("--epochs", type=int, default=2000)
    fit.add_argument("--batch-size", type=int, default=None, help="default: full batch")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--save", default=None, help="write the (last) trained network to this .npz file")
    fit.add_argument("--shrink", type=int, default=1, help="notebook mode: divide its epoch counts by this")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        rows = run_notebook(args) if args.mode == "notebook" else run_training(args)
    except (ValueError, OSError) as error:  # bad values, or a --save path that cannot be written
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_table(rows)
    return 0
