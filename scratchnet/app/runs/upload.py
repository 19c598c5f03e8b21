"""Your own data: a CSV of labelled 2-D points, read safely, and turned into a run's data.

The file is a table with an x column, a y column and a label column. A header row is optional
(``x, y, label``; also ``x1, x2, class`` / ``target``); without one the first three columns are
used. Separators ``,`` ``;`` tab ``|`` or spaces are recognised, and so are UTF-8 (with or without
a byte-order mark), UTF-16 and Windows-1252 / Latin-1 text. Labels may be words or numbers.

Reading never executes, unpickles or writes anything: the bytes are decoded to text and split
with the ``csv`` module, in memory. Anything wrong raises ``ValueError`` with one or two plain
sentences saying what is wrong and what is allowed.

Points keep the file's own units (``Points.X``); ``to_data`` standardises them for training
and records how to show them in the file's units again.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

import scratchnet as sn
from scratchnet.app.runs.result import DataSplit

MAX_BYTES = 2_000_000
MAX_ROWS = 20_000
MIN_PER_CLASS = 5
MAX_CLASSES = 10
MIN_CLASSES = 2
MAX_COORDINATE = 1e15  # bigger magnitudes are refused: squaring them for the spread would overflow
MAX_LABEL_CHARS = 40

_LIMIT = f"{MAX_COORDINATE:.0e}".replace("+", "")  # 1e15

FORMAT_HINT = "one point per row: x, y, label"
SEPARATORS = (",", ";", "\t", "|", " ")  # " " stands for any run of spaces and tabs
LABEL_NAMES = ("label", "labels", "class", "classes", "classlabel", "target", "category")
#: Header names (lower case, letters and digits only) for x, y and the label, tried in order.
HEADER_NAMES = (("x", "y", LABEL_NAMES), ("x1", "x2", (*LABEL_NAMES, "y")))
SNIFF_LINES = 50
_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x93NUMPY", "a NumPy array file"),
)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+(?:[eE][+-]?\d+)?\Z")
_EXCEL_SEPARATOR = re.compile(r"[ \t]*sep=([,;\t|])[ \t]*(\r\n|\n|\r)", re.IGNORECASE)
_VISIBLE = re.compile(r"[^\s,;|]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True, eq=False)
class Points:
    """Labelled 2-D points from a file.

    ``X`` (n, 2) float64 in the file's own units; ``y`` (n,) int64 class indices ``0..C-1`` into
    ``class_names`` (sorted naturally: numbers by value, then words alphabetically);
    ``fingerprint``: a short hash of exactly this content, equal for equal data. The arrays are
    read-only, so a ``Points`` can be shared. Two ``Points`` are equal when their fingerprints are.
    """

    X: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]
    fingerprint: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Points) and other.fingerprint == self.fingerprint

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __len__(self) -> int:
        return len(self.y)

    @property
    def classes(self) -> int:
        return len(self.class_names)

    @property
    def counts(self) -> tuple[int, ...]:
        """Points per class, in ``class_names`` order."""
        return tuple(int(count) for count in np.bincount(self.y, minlength=self.classes))

    def describe(self) -> str:
        """One sentence, e.g. ``300 points in 3 classes: a (100), b (100), c (100).``"""
        parts = ", ".join(f"{name} ({count:,})" for name, count in zip(self.class_names, self.counts))
        return f"{len(self):,} points in {self.classes} classes: {parts}."


# ---- building Points ------------------------------------------------------------------------------
def fingerprint(X: np.ndarray, y: np.ndarray, class_names: Sequence[str]) -> str:
    """16 hex digits of SHA-256 over the coordinates (float64), the labels (int64) and the names."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(X, dtype="<f8").tobytes())
    digest.update(np.ascontiguousarray(y, dtype="<i8").tobytes())
    digest.update("\n".join(class_names).encode("utf-8"))
    return digest.hexdigest()[:16]


def _quoted(text: str, limit: int = 30) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _check_classes(names: Sequence[str], counts: Sequence[int]) -> None:
    if len(names) < MIN_CLASSES:
        only = f" ({_quoted(names[0])})" if names else ""
        raise ValueError(
            f"Every point has the same label{only}, so there is nothing to tell apart. "
            f"The label column needs {MIN_CLASSES} to {MAX_CLASSES} different classes."
        )
    if len(names) > MAX_CLASSES:
        examples = ", ".join(_quoted(name, 12) for name in names[:4])
        raise ValueError(
            f"The label column holds {len(names):,} different labels (such as {examples}); at most {MAX_CLASSES} "
            "classes are allowed. Is the third column really the class of each point?"
        )
    small = [(name, count) for name, count in zip(names, counts) if count < MIN_PER_CLASS]
    if small:
        shown = "; ".join(f"class {_quoted(name)} has {count}" for name, count in small[:3])
        more = f" (and {len(small) - 3} more)" if len(small) > 3 else ""
        raise ValueError(
            f"Too few points: {shown}{more}. Each class needs at least {MIN_PER_CLASS} points, "
            "so that some can be held out for testing."
        )


def make_points(X: np.ndarray, y: np.ndarray, class_names: Sequence[str]) -> Points:
    """``Points`` from arrays, checked like a file: finite coordinates, 2-10 classes, enough per class.

    Names are written as a file's labels would be read (``1.0`` becomes ``1``) and put in natural
    order, the labels renumbered to match: equal data gives equal ``Points`` however it was built.
    """
    X = np.array(X, dtype=np.float64)  # a copy: the caller keeps its own
    y = np.array(y)
    names = tuple(_label(str(name)) for name in class_names)
    if not all(names) or max(map(len, names), default=0) > MAX_LABEL_CHARS:
        raise ValueError(f"class names must be 1 to {MAX_LABEL_CHARS} characters long; got {names!r}")
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, 2) and y (n,); got X {X.shape} and y {y.shape}")
    if len(y) > MAX_ROWS:
        raise ValueError(f"There are {len(y):,} points; at most {MAX_ROWS:,} are allowed.")
    if not np.isfinite(X).all() or (np.abs(X) > MAX_COORDINATE).any():
        raise ValueError(f"Coordinates must be finite numbers between -{_LIMIT} and {_LIMIT}.")
    if len(set(names)) != len(names):
        raise ValueError(f"class_names must be different from each other; got {names!r}")
    if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= len(names)):
        raise ValueError(f"y must hold class indices from 0 to {len(names) - 1}")
    order = sorted(range(len(names)), key=lambda i: _natural_key(names[i]))
    renumber = np.argsort(order)  # old index -> new index
    names = tuple(names[i] for i in order)
    y = renumber[y.astype(np.int64)].astype(np.int64) if y.size else y.astype(np.int64)
    _check_classes(names, np.bincount(y, minlength=len(names)).tolist())
    X += 0.0  # -0.0 -> 0.0: the same numbers, the same fingerprint
    X.flags.writeable = False
    y.flags.writeable = False
    return Points(X, y, names, fingerprint(X, y, names))


# ---- bytes -> text --------------------------------------------------------------------------------
def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{count / 1e3:.1f} kB"


def _utf16_without_mark(raw: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: every other byte is zero."""
    if len(raw) % 2 or len(raw) < 4:
        return None
    for encoding, zeros, chars in (("utf-16-le", raw[1::2], raw[0::2]), ("utf-16-be", raw[0::2], raw[1::2])):
        if not zeros.strip(b"\x00") and b"\x00" not in chars:
            return raw.decode(encoding)
    return None


def _decode(raw: bytes) -> str:
    """The file's text; ``ValueError`` for binary or undecodable content."""
    for signature, what in _SIGNATURES:
        if raw.startswith(signature):
            raise ValueError(f"This looks like {what}, not a CSV text file. Save or export your table as CSV first.")
    not_text = (
        "This is not a text file (it holds bytes that are not text, such as {what}); it may be a binary file "
        "renamed .csv. Upload a plain-text CSV saved as UTF-8, UTF-16 or Latin-1."
    )
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = ""
    if encoding:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ValueError(
                f"The file starts with a {encoding.upper().replace('-SIG', '')} marker, but the rest is not valid "
                f"{encoding.upper().replace('-SIG', '')} text. Save it again as UTF-8 CSV."
            ) from None
    elif b"\x00" in raw:
        text = _utf16_without_mark(raw)
        if text is None:
            raise ValueError(not_text.format(what="zero bytes"))
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:  # Windows-1252 is Latin-1 plus printable characters where Latin-1 has control codes
                text = raw.decode("cp1252")
            except UnicodeDecodeError as error:
                byte = raw[error.start]
                raise ValueError(not_text.format(what=f"byte 0x{byte:02x} at position {error.start:,}")) from None
    text = text.removeprefix("\ufeff").rstrip("\x1a")  # a stray mark; an old DOS end-of-file mark
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise ValueError(not_text.format(what=f"control character {control.group()!r} on line {line}"))
    return text


# ---- text -> rows ---------------------------------------------------------------------------------
def _number(field: str, decimal_comma: bool) -> float | None:
    """``field`` as a float (``nan``/``inf`` included), or ``None``; ``1,5`` reads as 1.5 when commas
    are not the separator."""
    try:
        return float(field)
    except ValueError:
        pass
    if decimal_comma and _DECIMAL_COMMA.match(field):
        return float(field.replace(",", "."))
    return None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line that is not blank (a quoted label loses nothing: its
    spaces are tidied anyway)."""
    for number, line in enumerate(io.StringIO(text, newline=""), 1):
        if not line.isspace():
            yield number, line


def _reader(lines: Iterable[tuple[int, str]], separator: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, stripped fields) for every non-blank row."""
    current = [0]

    def feed() -> Iterator[str]:
        for number, line in lines:
            current[0] = number
            yield " ".join(line.split()) if separator == " " else line

    if separator == " ":
        reader = csv.reader(feed(), delimiter=" ")
    else:
        reader = csv.reader(feed(), delimiter=separator, skipinitialspace=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValueError(
                f"Line {current[0]:,} could not be read as CSV ({error}). Each row should hold one point: x, y, label."
            ) from None
        fields = [field.strip() for field in row]
        if any(fields):
            yield current[0], fields


def _choose_separator(text: str) -> str:
    """The separator that splits the first lines most like a table of numbers with labels."""
    sample = list(itertools.islice(_lines(text), SNIFF_LINES))
    best_key, best = None, SEPARATORS[0]
    for order, separator in enumerate(SEPARATORS):
        try:
            rows = [fields for _, fields in _reader(sample, separator)]
        except ValueError:
            continue
        if not rows:
            continue
        widths = Counter(len(fields) for fields in rows)
        width, frequent = widths.most_common(1)[0]
        decimal_comma = separator != ","
        numeric = sum(sum(_number(f, decimal_comma) is not None for f in fields) >= 2 for fields in rows)
        key = (width >= 3, numeric / len(rows), frequent / len(rows), -order)
        if best_key is None or key > best_key:
            best_key, best = key, separator
    return best


def _normal(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _columns(header: list[str] | None) -> tuple[int, int, int]:
    """Indices of the x, y and label columns: by header names where they are recognised, else 0, 1, 2."""
    if header is None:
        return 0, 1, 2
    names = [_normal(field) for field in header]
    for x_name, y_name, label_names in HEADER_NAMES:
        if x_name in names and y_name in names:
            ix, iy = names.index(x_name), names.index(y_name)
            labels = [names.index(name) for name in label_names if name in names]
            others = [i for i in range(len(names)) if i not in (ix, iy)]
            if labels or others:
                return ix, iy, labels[0] if labels else others[0]
    return 0, 1, 2


def _label(field: str) -> str:
    """The class name for a label field: words as written (spaces tidied), numbers in one spelling
    (``1``, ``1.0`` and ``+1`` are one class, shown as ``1``)."""
    try:
        value = float(field)
    except ValueError:
        return " ".join(field.split())
    if not math.isfinite(value):
        return " ".join(field.split())
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _natural_key(name: str) -> tuple:
    """Numbers by value first, then words alphabetically with digit runs compared as numbers
    (``class 2`` before ``class 10``)."""
    try:
        value = float(name)
        if math.isfinite(value):
            return (0, value, ())
    except ValueError:
        pass
    pieces = re.split(r"(\d+)", name.casefold())  # odd positions hold the digit runs
    parts = tuple((0, int(piece), "") if i % 2 else (1, 0, piece) for i, piece in enumerate(pieces))
    return (1, 0.0, (parts, name))


def _coordinate(field: str, axis: str, line: int, decimal_comma: bool) -> float:
    if not field:
        raise ValueError(f"Line {line:,} has no {axis} value. Every row needs {FORMAT_HINT}, with numbers for x and y.")
    value = _number(field, decimal_comma)
    if value is None:
        raise ValueError(
            f"Line {line:,}: {axis} is {_quoted(field)}, which is not a number. "
            "x and y must be numbers such as 1.5, -2 or 3e-4."
        )
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise ValueError(
            f"Line {line:,}: {axis} is {_quoted(field)}, which is not a finite number or is too big. "
            f"x and y must be numbers between -{_LIMIT} and {_LIMIT} (not nan or inf)."
        )
    return value


def read_points(raw: bytes) -> Points:
    """Read labelled points from the bytes of an uploaded CSV file.

    Raises ``ValueError`` — and only ``ValueError`` — with a message saying what is wrong and
    what is allowed: too big, empty, not text, fewer than three columns, a bad number (with its
    line), a missing label, too few or too many classes, too few points in a class.
    """
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise ValueError(f"Expected the file's bytes; got {type(raw).__name__}.")
    raw = bytes(raw)
    if len(raw) > MAX_BYTES:
        raise ValueError(
            f"The file is {_size(len(raw))} ({len(raw):,} bytes); files may be at most {MAX_BYTES / 1e6:g} MB. "
            f"Upload a sample of at most {MAX_ROWS:,} points."
        )
    if not raw.strip():
        raise ValueError(f"The file is empty. Upload a CSV with {FORMAT_HINT}.")
    text = _decode(raw)
    if not _VISIBLE.search(text):  # nothing but spaces, line ends and separators
        raise ValueError(f"The file is empty. Upload a CSV with {FORMAT_HINT}.")

    declared = _EXCEL_SEPARATOR.match(text)
    if declared:  # Excel's "sep=;" first line names the separator; a blank line keeps the numbering
        text = declared.group(2) + text[declared.end() :]
    separator = declared.group(1) if declared else _choose_separator(text)
    decimal_comma = separator != ","
    rows = _reader(_lines(text), separator)
    first_line, first = next(rows, (0, []))
    if not first:  # only empty quoted fields
        raise ValueError(f"The file holds only empty rows. Upload a CSV with {FORMAT_HINT}.")
    is_header = not any(_number(field, decimal_comma) is not None for field in first)
    ix, iy, il = _columns(first if is_header else None)
    needed = max(ix, iy, il) + 1
    if len(first) < 3:
        raise ValueError(
            f"Line {first_line:,} has {len(first)} column{'s' if len(first) != 1 else ''} ({_quoted(', '.join(first))}). "
            f"Each row needs three — x, y and label — separated by commas, semicolons, tabs, | or spaces."
        )
    body = rows if is_header else _chain(first_line, first, rows)

    coordinates: list[tuple[float, float]] = []
    labels: list[str] = []
    for line, fields in body:
        if len(coordinates) >= MAX_ROWS:
            raise ValueError(
                f"The file has more than {MAX_ROWS:,} points; at most {MAX_ROWS:,} are allowed. Upload a sample."
            )
        if len(fields) < needed:
            raise ValueError(
                f"Line {line:,} has {len(fields)} column{'s' if len(fields) != 1 else ''} "
                f"({_quoted(', '.join(fields))}); every row needs x, y and a label."
            )
        x = _coordinate(fields[ix], "x", line, decimal_comma)
        y = _coordinate(fields[iy], "y", line, decimal_comma)
        if not fields[il]:
            raise ValueError(f"Line {line:,} has no label. Every point needs a class label, a word or a number.")
        label = _label(fields[il])
        if len(label) > MAX_LABEL_CHARS:
            raise ValueError(
                f"Line {line:,}: the label {_quoted(label)} is {len(label):,} characters long; labels may be at "
                f"most {MAX_LABEL_CHARS}."
            )
        coordinates.append((x, y))
        labels.append(label)
    if not coordinates:
        shown = ", ".join(first)
        raise ValueError(
            f"The file has a header ({_quoted(shown, 40)}) but no points below it. Add the points, {FORMAT_HINT}."
        )

    names = sorted(set(labels), key=_natural_key)
    counts = Counter(labels)
    _check_classes(names, [counts[name] for name in names])
    index = {name: i for i, name in enumerate(names)}
    return make_points(
        np.array(coordinates, dtype=np.float64), np.array([index[label] for label in labels], dtype=np.int64), names
    )


def _chain(line: int, fields: list[str], rest: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    yield line, fields
    yield from rest


# ---- Points -> a run's data, and back to a file -----------------------------------------------------
def to_data(points: Points, test_share: float, seed: int) -> DataSplit:
    """Split ``points`` (stratified, seeded like the built-in datasets) and standardise them.

    The network trains on unit-scale inputs: each axis minus the training points' mean, divided
    by their standard deviation (1 where it is 0). ``DataSplit.shown`` gives the file's units back.
    """
    X_train, X_test, y_train, y_test = sn.train_test_split(points.X, points.y, test_share, seed=seed)
    center = X_train.mean(axis=0)
    scale = X_train.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return DataSplit(
        (X_train - center) / scale, y_train, (X_test - center) / scale, y_test, points.class_names, center, scale
    )


def points_csv(points: Points) -> bytes:
    """``points`` as a plain UTF-8 CSV (header ``x,y,label``, exact coordinates): reading it back
    gives the same points (the same fingerprint)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("x", "y", "label"))
    names = points.class_names
    writer.writerows((repr(float(x)), repr(float(y)), names[label]) for (x, y), label in zip(points.X, points.y))
    return buffer.getvalue().encode("utf-8")


SAMPLE_NAMES = ("alpha", "beta", "gamma")
SAMPLE_PER_CLASS = 40


def sample_csv() -> bytes:
    """A small valid example to download: a 3-class spiral (40 points a class, seed 0) with word labels."""
    X, y = sn.spiral_data(samples=SAMPLE_PER_CLASS, classes=len(SAMPLE_NAMES), noise=0.2, seed=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("x", "y", "label"))
    writer.writerows((f"{a:.4f}", f"{b:.4f}", SAMPLE_NAMES[label]) for (a, b), label in zip(X, y))
    return buffer.getvalue().encode("utf-8")
