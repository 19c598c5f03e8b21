"""Your own data: reading uploaded CSV files, refusing bad ones with clear words, and turning points into a run."""

from __future__ import annotations

import builtins
import contextlib
import csv
import io
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet.app.runs import upload
from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.result import make_network
from scratchnet.app.runs.upload import (
    MAX_BYTES,
    MAX_CLASSES,
    MAX_ROWS,
    MIN_PER_CLASS,
    Points,
    make_points,
    points_csv,
    read_points,
    sample_csv,
    to_data,
)

# 7 cats, 9 dogs, 5 birds, interleaved; coordinates chosen so every row is recognisable.
ANIMALS = [("cat", 7), ("dog", 9), ("bird", 5)]
ROWS = [(f"{i}.5", f"-{i}.25", name) for i, name in enumerate(name for name, n in ANIMALS for _ in range(n))]
ROWS = ROWS[::2] + ROWS[1::2]  # mix the classes up


def _csv(rows=ROWS, header: str | None = "x,y,label", separator: str = ",", newline: str = "\n") -> str:
    lines = ([header] if header is not None else []) + [separator.join(row) for row in rows]
    return newline.join(lines) + newline


GOOD = _csv().encode()


def _error(raw: bytes) -> str:
    with pytest.raises(ValueError) as info:
        read_points(raw)
    message = str(info.value)
    assert 20 < len(message) < 400, message  # a sentence or two, not a dump
    assert message.count(". ") <= 3, message
    return message


# ---- good files ---------------------------------------------------------------------------------
def test_a_csv_with_word_labels_gives_its_points_classes_and_counts() -> None:
    points = read_points(GOOD)
    assert points.class_names == ("bird", "cat", "dog")
    assert dict(zip(points.class_names, points.counts)) == {"cat": 7, "dog": 9, "bird": 5}
    assert len(points) == 21 and points.classes == 3
    assert points.X.dtype == np.float64 and points.X.shape == (21, 2)
    assert points.y.dtype == np.int64
    for (x, y, name), point, label in zip(ROWS, points.X, points.y):  # file order kept, every row exact
        assert tuple(point) == (float(x), float(y))
        assert points.class_names[label] == name
    assert "21 points in 3 classes" in points.describe()


def test_the_header_is_optional() -> None:
    assert read_points(_csv(header=None).encode()) == read_points(GOOD)


@pytest.mark.parametrize(
    "header",
    ["X,Y,Label", "x1,x2,class", "x_1,x_2,target", "x1,x2,y", " x , y , label ", '"x","y","label"'],
)
def test_header_names_are_recognised_in_any_case(header: str) -> None:
    assert read_points(_csv(header=header).encode()) == read_points(GOOD)


def test_columns_are_found_by_name_in_any_order() -> None:
    shuffled = [(name, y, "ignored", x) for x, y, name in ROWS]
    points = read_points(_csv(shuffled, header="Class,Y,notes,X").encode())
    assert points == read_points(GOOD)


def test_an_unknown_header_means_the_first_three_columns() -> None:
    assert read_points(_csv(header="first,second,kind").encode()) == read_points(GOOD)


@pytest.mark.parametrize(
    ("separator", "newline"),
    [(";", "\n"), ("\t", "\n"), ("|", "\n"), ("   ", "\n"), (" \t ", "\n"), (", ", "\r\n"), (",", "\r")],
    ids=["semicolon", "tab", "pipe", "spaces", "mixed-whitespace", "comma-space-crlf", "old-mac"],
)
def test_other_separators_and_line_ends_give_the_same_points(separator: str, newline: str) -> None:
    text = _csv(header="x y label" if separator.strip() == "" else separator.join("xyz"), separator=separator)
    assert read_points(text.replace("\n", newline).encode()) == read_points(GOOD)


def test_decimal_commas_with_semicolons() -> None:
    text = _csv([(x.replace(".", ","), y.replace(".", ","), name) for x, y, name in ROWS], "x;y;label", ";")
    assert read_points(text.encode()) == read_points(GOOD)


def test_excel_separator_line_is_obeyed() -> None:
    text = "sep=;\n" + _csv([(x.replace(".", ","), y, name) for x, y, name in ROWS], "x;y;label", ";")
    assert read_points(text.encode("utf-8-sig")) == read_points(GOOD)
    bad = "sep=;\nx;y;label\n" + _rows(10).replace(",", ";") + "1;oops;a\n"
    assert "Line 13" in _error(bad.encode())


def test_blank_lines_and_empty_rows_are_ignored() -> None:
    text = "\n\n" + _csv().replace("\n", "\n\n", 5) + ",,\n   \n"
    assert read_points(text.encode()) == read_points(GOOD)


def test_labels_may_be_quoted_and_hold_the_separator() -> None:
    rows = [(x, y, f'"{name}, the animal"') for x, y, name in ROWS]
    points = read_points(_csv(rows).encode())
    assert points.class_names == ("bird, the animal", "cat, the animal", "dog, the animal")


WORDS = [("café", 6), ("naïve", 5), ("über", 5)]
WORD_ROWS = [(str(i), str(-i), name) for i, name in enumerate(name for name, n in WORDS for _ in range(n))]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"])
def test_text_encodings(encoding: str) -> None:
    raw = _csv(WORD_ROWS).encode(encoding)
    points = read_points(raw)
    assert points.class_names == ("café", "naïve", "über")
    assert points.counts == (6, 5, 5)


def test_utf16_with_a_mark_and_other_separators() -> None:
    points = read_points(_csv(separator="\t", header="x\ty\tlabel").encode("utf-16"))
    assert points == read_points(GOOD)


def test_numeric_labels_sort_by_value_and_one_number_is_one_class() -> None:
    labels = ["10", "2", "1", "1.0", "+2", "10", "2.0", "1", "10.00"] * 2
    rows = [(str(i), "0", label) for i, label in enumerate(labels)]
    points = read_points(_csv(rows).encode())
    assert points.class_names == ("1", "2", "10")
    assert points.counts == (6, 6, 6)


def test_words_sort_alphabetically_with_numbers_inside_compared_as_numbers() -> None:
    labels = ["class 10", "class 2", "B", "a", "7"] * MIN_PER_CLASS
    points = read_points(_csv([(str(i), "1", label) for i, label in enumerate(labels)]).encode())
    assert points.class_names == ("7", "a", "B", "class 2", "class 10")


def test_exactly_the_caps_are_allowed() -> None:
    rows = "".join(f"{i % 97},{i % 89},{'abcd'[i % 4]}\n" for i in range(MAX_ROWS))
    text = ("x,y,label\n" + rows).encode()
    assert len(text) < MAX_BYTES
    padded = text + b"\n" * (MAX_BYTES - len(text))
    assert len(padded) == MAX_BYTES
    points = read_points(padded)
    assert len(points) == MAX_ROWS and points.counts == (MAX_ROWS // 4,) * 4

    classes = "".join(f"{i},{i},c{i % MAX_CLASSES}\n" for i in range(MAX_CLASSES * MIN_PER_CLASS))
    points = read_points(classes.encode())
    assert points.classes == MAX_CLASSES and set(points.counts) == {MIN_PER_CLASS}


# ---- bad files: each with its own message ---------------------------------------------------------
def _rows(count: int, label=lambda i: "ab"[i % 2]) -> str:
    return "".join(f"{i},{i * 2},{label(i)}\n" for i in range(count))


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", ["empty"]),
        (b"\n  \r\n\t\n", ["empty"]),
        (b",,\n;;;\n\n", ["empty"]),
        (b'""\n "" \n', ["only empty rows"]),
        (b"x,y,label\n", ["header", "no points"]),
        (b"x,y,label\n,,\n\n", ["header", "no points"]),
        (b"x,y\n1,2\n3,4\n", ["Line 1", "2 columns", "three"]),
        (b"1;2\n3;4\n", ["Line 1", "2 columns", "x, y and label"]),
        (b"10\n20\n30\n", ["Line 1", "1 column", "three"]),
        (("x,y,label\n" + _rows(10) + "1,2\n").encode(), ["Line 12", "2 columns", "x, y and a label"]),
        (("x,y,label\n" + _rows(10) + "foo,3,b\n").encode(), ["Line 12", "x is 'foo'", "not a number"]),
        (("x,y,label\n" + _rows(10) + "3,12abc,b\n").encode(), ["Line 12", "y is '12abc'", "not a number"]),
        (("x,y,label\n" + _rows(3) + ",3,b\n" + _rows(8)).encode(), ["Line 5", "no x value"]),
        (("x,y,label\n" + _rows(10) + "nan,1,a\n").encode(), ["Line 12", "'nan'", "finite"]),
        (("x,y,label\n" + _rows(10) + "1,inf,a\n").encode(), ["Line 12", "'inf'", "finite"]),
        (("x,y,label\n" + _rows(10) + "1,-Infinity,a\n").encode(), ["Line 12", "'-Infinity'", "finite"]),
        (("x,y,label\n" + _rows(10) + "1e300,1,a\n").encode(), ["Line 12", "'1e300'", "between"]),
        (("x,y,label\n" + _rows(10) + "1,2,\n").encode(), ["Line 12", "no label"]),
        (("x,y,label\n" + _rows(10) + "1,2,  \n").encode(), ["Line 12", "no label"]),
        (("x,y,label\n" + _rows(12, lambda i: "cat")).encode(), ["same label", "'cat'", "2 to 10"]),
        (("x,y,label\n" + _rows(44, lambda i: f"k{i % 11}")).encode(), ["11 different labels", "at most 10"]),
        (("x,y,label\n" + _rows(500, lambda i: str(i * 0.37))).encode(), ["500 different labels", "at most 10"]),
        (("x,y,label\n" + _rows(12, lambda i: "a") + _rows(2, lambda i: "b")).encode(), ["'b' has 2", "at least 5"]),
        (("x,y,label\n" + _rows(8, lambda i: "abc"[i % 3])).encode(), ["'c' has 2", "at least 5"]),
        (("1,2," + "z" * 60 + "\n").encode(), ["Line 1", "60 characters", "at most 40"]),
    ],
    ids=[
        "empty",
        "blank",
        "separators-only",
        "empty-quotes",
        "header-only",
        "header-and-empty-rows",
        "two-columns",
        "two-columns-semicolon",
        "one-column",
        "short-row",
        "text-in-x",
        "text-in-y",
        "missing-x",
        "nan",
        "inf",
        "minus-infinity",
        "too-big",
        "missing-label",
        "blank-label",
        "one-class",
        "eleven-classes",
        "continuous-labels",
        "small-class",
        "small-class-2",
        "long-label",
    ],
)
def test_each_fault_has_its_own_message(raw: bytes, words: list[str]) -> None:
    message = _error(raw)
    for word in words:
        assert word in message, (word, message)


def test_a_long_bad_value_is_shortened_in_the_message() -> None:
    message = _error(("x,y,label\n" + _rows(10) + "y" * 5000 + ",1,a\n").encode())
    assert "Line 12" in message and "yyy..." in message and "y" * 100 not in message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), ["PNG image", "CSV"]),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(300), ["Excel", "CSV"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(300), ["Excel", "CSV"]),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", ["PDF", "CSV"]),
        (bytes(range(256)) * 4, ["not a text file", "zero bytes"]),
        (b"x,y,label\n1,2,a\x00\n", ["not a text file", "zero bytes"]),
        (b"x,y,label\n1,2,a\x07b\n", ["not a text file", "line 2"]),
        (b"1,2,a\n\x81\x8d\x90", ["not a text file", "0x81"]),
        (b"\xff\xfex\x00,\x00y", ["UTF-16", "not valid"]),
        (b"\xef\xbb\xbfx,y\xff,label\n", ["UTF-8", "not valid"]),
    ],
    ids=["png", "xlsx", "xls", "pdf", "all-bytes", "nul", "control", "undecodable", "broken-utf16", "broken-utf8-bom"],
)
def test_binary_files_renamed_csv_are_refused(raw: bytes, words: list[str]) -> None:
    message = _error(raw)
    for word in words:
        assert word in message, (word, message)


def test_random_binary_content_is_refused() -> None:
    raw = np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes()
    assert "not a text file" in _error(raw)


def test_over_the_size_cap_says_the_size_and_the_cap() -> None:
    raw = GOOD + b"\n" * (MAX_BYTES + 500_000 - len(GOOD))
    message = _error(raw)
    assert "2.5 MB" in message and f"{MAX_BYTES / 1e6:g} MB" in message


def test_one_byte_over_the_size_cap_is_refused() -> None:
    raw = GOOD + b"\n" * (MAX_BYTES + 1 - len(GOOD))
    assert f"{MAX_BYTES + 1:,} bytes" in _error(raw)


def test_over_the_row_cap_is_refused() -> None:
    raw = ("x,y,label\n" + _rows(MAX_ROWS + 1)).encode()
    assert len(raw) < MAX_BYTES
    message = _error(raw)
    assert f"more than {MAX_ROWS:,} points" in message


def test_a_huge_number_of_tiny_rows_is_refused_by_one_cap_or_the_other() -> None:
    message = _error(b"1,2,a\n1,2,b\n" * 200_000)
    assert "MB" in message


def test_a_field_too_long_for_csv_is_refused() -> None:
    raw = b'1,2,"' + b"a" * 300_000 + b'"\n'
    message = _error(raw)
    assert "Line 1" in message and "could not be read" in message


def test_anything_but_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="bytes"):
        read_points(GOOD.decode())  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_give_points_or_a_value_error(raw: bytes) -> None:
    try:
        points = read_points(raw)
    except ValueError as error:
        assert str(error)
    else:
        assert isinstance(points, Points)


CSV_ALPHABET = "0123456789.,;\t| \n\r-+eEinfaxylbc\"'#é\x00"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=CSV_ALPHABET, max_size=400), st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_arbitrary_csv_like_text_gives_points_or_a_value_error(text: str, encoding: str) -> None:
    try:
        points = read_points(text.encode(encoding, errors="replace"))
    except ValueError as error:
        assert str(error)
    else:
        assert 2 <= points.classes <= MAX_CLASSES and min(points.counts) >= MIN_PER_CLASS
        assert np.isfinite(points.X).all()


LABELS = ["a", "B", "café", "class 2", "class 10", "7", "-3.5", "x y", 'say "hi"', "semi;colon"]
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from(LABELS), min_size=2, max_size=4, unique=True),
    st.data(),
    st.sampled_from([",", ";", "\t", "|", " "]),
    st.booleans(),
)
def test_written_points_read_back_exactly(names, data, separator: str, header: bool) -> None:
    labels = [name for name in names for _ in range(data.draw(st.integers(MIN_PER_CLASS, 8)))]
    labels = data.draw(st.permutations(labels))
    coordinates = data.draw(st.lists(st.tuples(finite, finite), min_size=len(labels), max_size=len(labels)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
    if header:
        writer.writerow(["x", "y", "label"])
    writer.writerows((repr(x), repr(y), label) for (x, y), label in zip(coordinates, labels))
    points = read_points(buffer.getvalue().encode())
    np.testing.assert_array_equal(points.X, np.array(coordinates).reshape(-1, 2) + 0.0)
    assert [points.class_names[i] for i in points.y] == labels
    assert sorted(points.class_names) == sorted(names)


def test_reading_writes_nothing_anywhere(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(os.listdir(tmp_path))

    def refuse(*args, **kwargs):
        raise AssertionError(f"read_points opened a file: {args!r}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    monkeypatch.setattr(os, "open", refuse)
    samples = [GOOD, _csv(WORD_ROWS).encode("utf-16"), b"", b"x,y,label\n", b"\x89PNG\r\n\x00", bytes(range(256))]
    samples += [b"1,2,a\n" * 400_000, ("x,y,label\n" + _rows(10) + "nan,1,a\n").encode(), sample_csv()]
    for raw in samples:
        with contextlib.suppress(ValueError):
            read_points(raw)
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == before


# ---- Points -----------------------------------------------------------------------------------------
def test_points_are_read_only() -> None:
    points = read_points(GOOD)
    with pytest.raises(ValueError):
        points.X[0, 0] = 99.0
    with pytest.raises(ValueError):
        points.y[0] = 2
    with pytest.raises(AttributeError):
        points.class_names = ("a",)  # type: ignore[misc]


def test_fingerprint_follows_the_content_not_the_formatting() -> None:
    base = read_points(GOOD)
    same = [
        _csv(separator=";", header="x;y;label").encode("utf-16"),
        _csv([(x + "000", y, name) for x, y, name in ROWS]).encode(),  # 0.5000 is 0.5
        _csv([(x, y, f"  {name} ") for x, y, name in ROWS]).encode(),
    ]
    for raw in same:
        assert read_points(raw).fingerprint == base.fingerprint
    moved = [(ROWS[0][0], "7.125", ROWS[0][2]), *ROWS[1:]]
    relabelled = [(*ROWS[0][:2], "dog"), *ROWS[1:]]
    reordered = [ROWS[1], ROWS[0], *ROWS[2:]]
    prints = {read_points(_csv(rows).encode()).fingerprint for rows in (moved, relabelled, reordered)}
    assert base.fingerprint not in prints and len(prints) == 3
    assert hash(base) == hash(read_points(_csv(header=None).encode()))
    assert len(base.fingerprint) == 16


def test_the_app_copy_of_the_points_reads_back_identically() -> None:
    rng = np.random.default_rng(3)
    names = ("a,b", 'q"uote', "ünï", "12", "-0.5")
    y = rng.permutation(np.repeat(np.arange(5), 7))
    X = rng.normal(0, 1e6, (35, 2)) * rng.uniform(1e-9, 1, (35, 2))
    X[0] = (-0.0, 1e-300)
    points = make_points(X, y, names)
    again = read_points(points_csv(points))
    assert again == points
    np.testing.assert_array_equal(again.X, points.X)


def test_make_points_orders_and_spells_names_like_a_file() -> None:
    X = np.arange(30.0).reshape(15, 2)
    points = make_points(X, np.repeat([0, 1, 2], 5), ("zebra", "10.0", "2"))
    assert points.class_names == ("2", "10", "zebra")
    assert [points.class_names[i] for i in points.y] == ["zebra"] * 5 + ["10"] * 5 + ["2"] * 5
    assert points == read_points(points_csv(points))


def test_make_points_checks_like_a_file() -> None:
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="same label"):
        make_points(X, np.zeros(10, dtype=int), ("a",))
    with pytest.raises(ValueError, match="at least 5"):
        make_points(X, np.r_[np.zeros(8), np.ones(2)].astype(int), ("a", "b"))
    with pytest.raises(ValueError, match="finite"):
        make_points(np.full((10, 2), np.nan), np.repeat([0, 1], 5), ("a", "b"))


def test_the_sample_file_is_a_valid_three_class_spiral_with_word_labels() -> None:
    raw = sample_csv()
    assert raw.startswith(b"x,y,label\n")
    points = read_points(raw)
    assert points.classes == 3 and all(not name.isdigit() for name in points.class_names)
    assert min(points.counts) >= 20
    X, y = sn.spiral_data(samples=len(points) // 3, classes=3, seed=0)
    np.testing.assert_allclose(points.X, X, atol=5e-5)  # written with 4 decimals
    np.testing.assert_array_equal(points.y, y)  # arm c is class c: names sort in the spiral's order
    assert sample_csv() == raw


# ---- to_data ----------------------------------------------------------------------------------------
def _far_blobs() -> Points:
    """Two classes far from the origin, axes on very different scales (thousands vs thousandths)."""
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1, 2], 40)
    X = np.c_[5000 + 300 * (y - 1) + rng.normal(0, 60, 120), 0.002 * (y == 1) + rng.normal(0.01, 5e-4, 120)]
    return make_points(X, y, ("low", "mid", "high"))


def test_training_points_are_standardised_and_shown_in_their_own_units() -> None:
    points = _far_blobs()
    data = to_data(points, test_share=0.25, seed=4)
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(data.X_train.std(axis=0), 1.0, rtol=1e-12)
    assert np.abs(data.X_test).max() < 10  # the held-out points are on the same unit scale
    X_train, X_test, y_train, y_test = sn.train_test_split(points.X, points.y, 0.25, seed=4)
    np.testing.assert_allclose(data.shown(data.X_train), X_train, rtol=1e-13)
    np.testing.assert_allclose(data.shown(data.X_test), X_test, rtol=1e-13)
    np.testing.assert_array_equal(data.y_train, y_train)
    np.testing.assert_array_equal(data.y_test, y_test)
    everything = np.vstack([data.shown(data.X_train), data.shown(data.X_test)])
    np.testing.assert_allclose(everything[np.lexsort(everything.T)], points.X[np.lexsort(points.X.T)], rtol=1e-13)
    assert data.class_names == ("high", "low", "mid") and data.classes == 3


def test_the_split_is_stratified_and_seeded() -> None:
    points = read_points(GOOD)  # 5 birds, 7 cats, 9 dogs
    data = to_data(points, test_share=0.4, seed=0)
    held = np.bincount(data.y_test, minlength=3)
    assert held.tolist() == [round(0.4 * n) for n in points.counts]
    assert len(data.y_train) + len(data.y_test) == len(points)
    again = to_data(points, test_share=0.4, seed=0)
    np.testing.assert_array_equal(again.X_test, data.X_test)
    other = to_data(points, test_share=0.4, seed=1)
    assert not np.array_equal(other.X_test, data.X_test)


def test_nothing_held_out_and_a_constant_axis() -> None:
    y = np.repeat([0, 1], 6)
    points = make_points(np.c_[np.arange(12.0), np.full(12, 3.0)], y, ("a", "b"))
    data = to_data(points, test_share=0.0, seed=0)
    assert len(data.y_test) == 0
    assert data.scale[1] == 1.0 and np.isfinite(data.X_train).all()
    np.testing.assert_allclose(data.shown(data.X_train), points.X)


def test_a_network_learns_uploaded_points_in_odd_units() -> None:
    points = _far_blobs()
    data = to_data(points, test_share=0.2, seed=0)
    config = RunConfig(classes=3, hidden=(16,), data_id="x", data_points=len(points))
    net = make_network(config, data.classes)
    sn.train(net, data.X_train, data.y_train, sn.Adam(lr=0.05), epochs=150)
    assert sn.evaluate(net, data.X_test, data.y_test)[1] >= 0.9


def test_module_never_imports_streamlit() -> None:
    assert "streamlit" not in Path(upload.__file__).read_text(encoding="utf-8")


def test_a_missing_value_says_plainly_what_a_row_holds() -> None:
    message = _error(("x,y,label\n" + _rows(3) + ",3,b\n" + _rows(8)).encode())
    assert "Each row is one point: x, y and a label" in message
    assert "per row" not in message  # not "every row needs one point per row"
