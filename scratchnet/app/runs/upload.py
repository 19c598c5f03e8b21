"""Your own data from a file: a CSV of labelled 2-D points, read safely, as ``Points`` (``runs.points``).

Columns x, y and label, found by a header row (``x, y, label``; ``x1, x2, class`` / ``target``) or
taken as the first three; separators ``,`` ``;`` tab ``|`` or spaces (or Excel's ``sep=`` line);
UTF-8 (with or without a byte-order mark), UTF-16/32 or Windows-1252 / Latin-1 text; labels words
or numbers. Reading never executes, unpickles or writes anything: the bytes are decoded and split
by the ``csv`` module, in memory. Anything wrong raises ``ValueError`` with one or two plain
sentences saying what is wrong and what is allowed.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
from collections.abc import Iterable, Iterator

import numpy as np

from scratchnet.app.runs import points
from scratchnet.app.runs.points import LIMIT_TEXT, MAX_COORDINATE, MAX_LABEL_CHARS, MAX_ROWS, Points, quoted

# The reader's callers find the points' own names here too.
MAX_CLASSES, MIN_CLASSES, MIN_PER_CLASS = points.MAX_CLASSES, points.MIN_CLASSES, points.MIN_PER_CLASS
make_points, points_csv, sample_csv, to_data = points.make_points, points.points_csv, points.sample_csv, points.to_data


MAX_BYTES = 2_000_000
FORMAT_HINT = "one point per row: x, y, label"
LABEL_NAMES = ("label", "labels", "class", "classes", "classlabel", "target", "category")
#: Header names (lower case, letters and digits only) for x, y and the label, tried in order.
HEADER_NAMES = (("x", "y", LABEL_NAMES), ("x1", "x2", (*LABEL_NAMES, "y")))
SNIFF_LINES = 50
SEPARATORS = ",;\t|"  # and runs of spaces and tabs, when none of these separates the fields
SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or a zip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\x93NUMPY": "a NumPy array file",
}
#: Byte-order marks, UTF-32's first: its little-endian mark begins with UTF-16's.
MARKS = dict(
    zip(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8),
        ("utf-32", "utf-32", "utf-16", "utf-16", "utf-8-sig"),
    )
)
NOT_TEXT = (
    "This is not a text file (it holds bytes that are not text, such as {what}); it may be a binary file "
    "renamed .csv. Upload a plain-text CSV saved as UTF-8, UTF-16 or Latin-1."
)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+(?:[eE][+-]?\d+)?\Z")
_EXCEL_SEPARATOR = re.compile(r"[ \t]*sep=([,;\t|])[ \t]*(\r\n|\n|\r)", re.IGNORECASE)
_VISIBLE = re.compile(r"[^\s,;|]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


# ---- bytes -> text --------------------------------------------------------------------------------
def _utf16_without_mark(raw: bytes) -> str:
    """UTF-16 text saved without a byte-order mark: every other byte is zero."""
    if len(raw) % 2 == 0 and len(raw) >= 4:
        for encoding, zeros, chars in (("utf-16-le", raw[1::2], raw[0::2]), ("utf-16-be", raw[0::2], raw[1::2])):
            if not zeros.strip(b"\x00") and b"\x00" not in chars:
                return raw.decode(encoding)
    raise ValueError(NOT_TEXT.format(what="zero bytes"))


def _decode(raw: bytes) -> str:
    """The file's text; ``ValueError`` for binary or undecodable content."""
    for signature, what in SIGNATURES.items():
        if raw.startswith(signature):
            raise ValueError(f"This looks like {what}, not a CSV text file. Save or export your table as CSV first.")
    marked = next((encoding for mark, encoding in MARKS.items() if raw.startswith(mark)), "")
    if marked:
        name = marked.upper().removesuffix("-SIG")
        try:
            text = raw.decode(marked)
        except UnicodeDecodeError:
            raise ValueError(
                f"The file starts with a {name} marker, but the rest is not valid {name} text. "
                "Save it again as UTF-8 CSV."
            ) from None
    elif b"\x00" in raw:
        text = _utf16_without_mark(raw)
    else:
        try:  # Windows-1252 is Latin-1 plus printable characters where Latin-1 has control codes
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as error:
                what = f"byte 0x{raw[error.start]:02x} at position {error.start:,}"
                raise ValueError(NOT_TEXT.format(what=what)) from None
    text = text.removeprefix("\ufeff").rstrip("\x1a")  # a stray mark; an old DOS end-of-file mark
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise ValueError(NOT_TEXT.format(what=f"control character {control.group()!r} on line {line}"))
    return text


# ---- text -> rows ---------------------------------------------------------------------------------
def _number(field: str, decimal_comma: bool) -> float | None:
    """``field`` as a float (``nan``/``inf`` included), or ``None``; ``1,5`` reads as 1.5 when commas
    are not the separator."""
    try:
        return float(field)
    except ValueError:
        if decimal_comma and _DECIMAL_COMMA.match(field):
            return float(field.replace(",", "."))
        return None


def _rows(text: str, separator: str, limit: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line number, stripped fields) for every row with a field, by the ``csv`` module. Spaces as the
    separator mean any run of spaces and tabs."""
    lines = ((n, line) for n, line in enumerate(io.StringIO(text, newline=""), 1) if not line.isspace())
    lines = itertools.islice(lines, limit)
    current = 0

    def feed(numbered: Iterable[tuple[int, str]]) -> Iterator[str]:
        nonlocal current
        for current, line in numbered:  # noqa: B007 - the line number the reader has reached
            yield " ".join(line.split()) if separator == " " else line

    reader = csv.reader(feed(lines), delimiter=separator, skipinitialspace=separator != " ")
    while True:
        try:
            fields = [field.strip() for field in next(reader)]
        except StopIteration:
            return
        except csv.Error as error:
            raise ValueError(
                f"Line {current:,} could not be read as CSV ({error}). Each row should hold one point: x, y, label."
            ) from None
        if any(fields):
            yield current, fields


def _separator(text: str) -> str:
    """The separator ``csv.Sniffer`` finds in the first lines (runs of spaces when it finds none)."""
    sample = "".join(
        itertools.islice((line for line in io.StringIO(text, newline="") if not line.isspace()), SNIFF_LINES)
    )
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        return " "


def _columns(header: list[str] | None) -> tuple[int, int, int]:
    """Indices of the x, y and label columns: by header names where they are recognised, else 0, 1, 2."""
    names = [re.sub(r"[^0-9a-z]", "", field.lower()) for field in header or ()]
    for x_name, y_name, label_names in HEADER_NAMES:
        if x_name in names and y_name in names:
            ix, iy = names.index(x_name), names.index(y_name)
            labels = [names.index(name) for name in label_names if name in names]
            others = [i for i in range(len(names)) if i not in (ix, iy)]
            if labels or others:
                return ix, iy, (labels or others)[0]
    return 0, 1, 2


def _coordinate(field: str, axis: str, line: int, decimal_comma: bool) -> float:
    if not field:
        raise ValueError(
            f"Line {line:,} has no {axis} value. Each row is one point: x, y and a label, with numbers for x and y."
        )
    value = _number(field, decimal_comma)
    if value is None:
        raise ValueError(
            f"Line {line:,}: {axis} is {quoted(field)}, which is not a number. "
            "x and y must be numbers such as 1.5, -2 or 3e-4."
        )
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise ValueError(
            f"Line {line:,}: {axis} is {quoted(field)}, which is not a finite number or is too big. "
            f"x and y must be numbers between -{LIMIT_TEXT} and {LIMIT_TEXT} (not nan or inf)."
        )
    return value


def _columns_text(fields: list[str]) -> str:
    return f"{len(fields)} column{'s' if len(fields) != 1 else ''} ({quoted(', '.join(fields))})"


def _point(
    line: int, fields: list[str], columns: tuple[int, int, int], decimal_comma: bool
) -> tuple[tuple[float, float], str]:
    """One row's point and class label (``columns``: where x, y and the label are), or a ``ValueError``
    naming the line and what is wrong with it."""
    ix, iy, il = columns
    if len(fields) <= max(ix, iy, il):
        raise ValueError(f"Line {line:,} has {_columns_text(fields)}; every row needs x, y and a label.")
    point = (_coordinate(fields[ix], "x", line, decimal_comma), _coordinate(fields[iy], "y", line, decimal_comma))
    if not fields[il]:
        raise ValueError(f"Line {line:,} has no label. Every point needs a class label, a word or a number.")
    label = points.class_name(fields[il])
    if len(label) > MAX_LABEL_CHARS:
        raise ValueError(
            f"Line {line:,}: the label {quoted(label)} is {len(label):,} characters long; labels may be at "
            f"most {MAX_LABEL_CHARS}."
        )
    return point, label


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
        size = f"{len(raw) / 1e6:.1f} MB" if len(raw) >= 100_000 else f"{len(raw) / 1e3:.1f} kB"
        raise ValueError(
            f"The file is {size} ({len(raw):,} bytes); files may be at most {MAX_BYTES / 1e6:g} MB. "
            f"Upload a sample of at most {MAX_ROWS:,} points."
        )
    text = _decode(raw) if raw.strip() else ""
    if not _VISIBLE.search(text):  # nothing but spaces, line ends and separators
        raise ValueError(f"The file is empty. Upload a CSV with {FORMAT_HINT}.")
    declared = _EXCEL_SEPARATOR.match(text)
    if declared:  # Excel's "sep=;" first line names the separator; a blank line keeps the numbering
        text = declared.group(2) + text[declared.end() :]
    separator = declared.group(1) if declared else _separator(text)
    decimal_comma = separator != ","
    rows = _rows(text, separator)
    first_line, first = next(rows, (0, []))
    if not first:  # only empty quoted fields
        raise ValueError(f"The file holds only empty rows. Upload a CSV with {FORMAT_HINT}.")
    is_header = not any(_number(field, decimal_comma) is not None for field in first)
    ix, iy, il = _columns(first if is_header else None)
    if len(first) < 3:
        raise ValueError(
            f"Line {first_line:,} has {_columns_text(first)}. "
            "Each row needs three — x, y and label — separated by commas, semicolons, tabs, | or spaces."
        )
    body = rows if is_header else itertools.chain([(first_line, first)], rows)
    coordinates: list[tuple[float, float]] = []
    labels: list[str] = []
    for line, fields in body:
        if len(coordinates) >= MAX_ROWS:
            raise ValueError(
                f"The file has more than {MAX_ROWS:,} points; at most {MAX_ROWS:,} are allowed. Upload a sample."
            )
        point, label = _point(line, fields, (ix, iy, il), decimal_comma)
        coordinates.append(point)
        labels.append(label)
    if not coordinates:
        raise ValueError(
            f"The file has a header ({quoted(', '.join(first), 40)}) but no points below it. "
            f"Add the points, {FORMAT_HINT}."
        )
    names = sorted(set(labels), key=points.natural_key)
    index = {name: i for i, name in enumerate(names)}
    return make_points(np.array(coordinates), np.array([index[label] for label in labels], dtype=np.int64), names)
