"""Draw your points: the drawing, its checks, its link code (hostile links too), the panel, and a
click on the canvas in a real browser."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from app_helpers import (
    DRAWN,
    IDLE,
    app,
    app_started,
    browser,
    chromium,
    click_canvas,
    page_kept_on_timeout,
    served_app,
    settle,
    steady_box,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet.app.playground import draw
from scratchnet.app.runs import upload
from scratchnet.app.runs.points import MIN_PER_CLASS, Points, points_csv, to_data
from scratchnet.app.ui import session


def two_clusters(per_class: int = 8) -> draw.Drawing:
    drawing = draw.Drawing()
    for i in range(per_class):
        drawing = drawing.add(-1 + 0.05 * i, -1, 0).add(1 - 0.05 * i, 1, 2)
    return drawing


# ---- the drawing ----------------------------------------------------------------------------------
def test_points_snap_to_the_grid_and_stay_on_the_canvas() -> None:
    drawing = draw.Drawing().add(0.1234, -0.5, 1).add(5.0, -9.0, 0)
    step = 2 * draw.BOUND / draw.STEPS
    np.testing.assert_allclose(drawing.X[0], (0.1234, -0.5), atol=step / 2 + 1e-12)
    np.testing.assert_allclose(drawing.X[1], (draw.BOUND, -draw.BOUND))  # clamped to the canvas
    assert drawing.y.tolist() == [1, 0] and len(drawing) == 2


def test_a_point_that_is_not_a_number_or_of_no_class_is_not_added() -> None:
    drawing = draw.Drawing().add(0, 0, 0)
    assert drawing.add(float("nan"), 0, 0) is drawing
    assert drawing.add(0, float("inf"), 0) is drawing
    assert drawing.add(0, 0, draw.MAX_CLASSES) is drawing and drawing.add(0, 0, -1) is drawing


def test_a_full_drawing_takes_no_more_points() -> None:
    drawing = draw.Drawing(tuple((i % 1000, i // 1000, 0) for i in range(draw.MAX_DRAWN)))
    assert drawing.full and drawing.add(0.5, 0.5, 1) is drawing
    with pytest.raises(ValueError, match=f"at most {draw.MAX_DRAWN}"):
        draw.Drawing((*drawing.cells, (0, 0, 0)))


def test_remove_takes_the_nearest_point_within_reach_only() -> None:
    drawing = draw.Drawing().add(0, 0, 0).add(1, 1, 1).add(-1, 1, 2)
    assert drawing.remove_near(0.9, 1.05).y.tolist() == [0, 2]
    assert drawing.remove_near(0.05, 0).y.tolist() == [1, 2]
    assert drawing.remove_near(0.5, -1.5) is drawing  # nothing near
    assert draw.Drawing().remove_near(0, 0) == draw.Drawing()


def test_drawn_points_are_points_like_an_uploaded_file() -> None:
    drawing = two_clusters()
    points = drawing.to_points()
    assert isinstance(points, Points)
    assert points.class_names == ("class 0", "class 2") and points.counts == (8, 8)
    assert upload.read_points(points_csv(points)) == points  # the CSV download reads back the same
    data = to_data(points, 0.25, seed=0)
    assert len(data.y_train) + len(data.y_test) == 16


@pytest.mark.parametrize(
    ("drawing", "words"),
    [
        (draw.Drawing(), ["at least 2 classes", "none yet"]),
        (draw.Drawing().add(0, 0, 1), ["class 1: 1"]),
        (two_clusters(MIN_PER_CLASS - 1), [f"{MIN_PER_CLASS} or more", f"class 0: {MIN_PER_CLASS - 1}"]),
        (draw.Drawing(tuple((i, i, 3) for i in range(20))), ["at least 2 classes", "class 3: 20"]),
    ],
    ids=["empty", "one-point", "too-few-each", "one-class"],
)
def test_a_drawing_that_cannot_train_says_why(drawing: draw.Drawing, words: list[str]) -> None:
    problem = drawing.problem()
    assert problem is not None
    for word in words:
        assert word in problem
    with pytest.raises(ValueError, match="at least 2 classes"):
        drawing.to_points()


def test_starting_from_a_dataset_takes_its_points_up_to_the_cap() -> None:
    drawing = draw.from_dataset("spiral", 3, 0.2, seed=0)
    assert len(drawing) == draw.MAX_DRAWN and drawing.counts() == {0: 100, 1: 100, 2: 100}
    assert draw.from_dataset("spiral", 3, 0.2, seed=0) == drawing  # seeded
    moons = draw.from_dataset("moons", 2, 0.2, seed=1)
    assert set(moons.counts()) == {0, 1} and len(moons) <= draw.MAX_DRAWN
    assert moons.problem() is None


def test_points_off_the_canvas_are_left_out_when_starting_from_points() -> None:
    X = np.array([[0.0, 0.0], [3.0, 0.0], [np.nan, 0.0], [0.5, -0.5]])
    drawing = draw.from_points(X, np.array([0, 1, 1, 1]))
    assert len(drawing) == 2 and sorted(drawing.y.tolist()) == [0, 1]


# ---- the link code ----------------------------------------------------------------------------------
def test_a_drawing_round_trips_through_its_link_code() -> None:
    drawing = draw.from_dataset("spiral", 3, 0.2, seed=0)
    code = drawing.encode()
    assert len(code) == draw.MAX_CODE_CHARS  # 300 points: the longest code
    assert code.startswith(draw.VERSION) and all(c.isalnum() or c in "-_" for c in code)
    again = draw.decode(code)
    assert again == drawing and again.to_points() == drawing.to_points()
    assert draw.decode(draw.Drawing().add(0, 0, 0).encode()) == draw.Drawing().add(0, 0, 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, draw.STEPS), st.integers(0, draw.STEPS), st.integers(0, 9)), max_size=300))
def test_any_drawing_round_trips(cells) -> None:
    drawing = draw.Drawing(tuple(cells))
    assert draw.decode(drawing.encode()) == drawing


def _code(*values: int) -> str:
    return draw.VERSION + base64.urlsafe_b64encode(b"".join(v.to_bytes(3, "big") for v in values)).decode().rstrip("=")


HOSTILE = {
    "empty": ("", "empty"),
    "nan": ("nan", "not in a form"),
    "junk": ("a!!!$$%%", "not in a form"),
    "other version": ("zAAAA", "not in a form"),
    "bad length": ("aAAAAA", "not in a form"),
    "cut short": ("aAAA", "cut short"),
    "too many points": (draw.VERSION + "A" * 4 * (draw.MAX_DRAWN + 1), f"at most {draw.MAX_DRAWN}"),
    "huge": ("a" + "A" * 200_000, f"at most {draw.MAX_DRAWN}"),
    "x off the canvas": (_code((draw.STEPS + 1) << 14), "off the canvas"),
    "y off the canvas": (_code(5 << 14 | 1023 << 4), "off the canvas"),
    "class 10": (_code(0, 5 << 14 | 10), "point 2"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_link_code_gets_its_message(case: str) -> None:
    code, words = HOSTILE[case]
    with pytest.raises(ValueError, match=words) as info:
        draw.decode(code)
    assert len(str(info.value)) < 200


def test_anything_but_text_is_refused() -> None:
    for code in (None, 5, b"aAAAA", ["aAAAA"]):
        with pytest.raises(ValueError):
            draw.decode(code)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_gives_a_drawing_or_a_value_error(text: str) -> None:
    try:
        drawing = draw.decode(text)
    except ValueError as error:
        assert str(error)
    else:
        assert isinstance(drawing, draw.Drawing) and len(drawing) <= draw.MAX_DRAWN


# ---- where a click landed -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("selection", "spot"),
    [
        ({draw.CLICK: [{"x": 0.5, "y": -1.0}]}, (0.5, -1.0)),
        ({draw.CLICK: [{"x": "0.5", "y": 1}]}, (0.5, 1.0)),
        ({draw.CLICK: []}, None),
        ({}, None),
        (None, None),
        ({draw.CLICK: [{"x": float("nan"), "y": 0}]}, None),
        ({draw.CLICK: [{"x": "left", "y": 0}]}, None),
        ({draw.CLICK: [{"y": 0}]}, None),
        ({draw.CLICK: "x"}, None),
    ],
)
def test_a_click_is_read_from_the_selection_or_ignored(selection, spot) -> None:
    assert draw.clicked(selection, draw.CLICK) == spot


def test_the_canvas_has_a_click_target_grid_and_the_points() -> None:
    spec = draw.canvas_chart(two_clusters()).to_dict()
    params = [*spec.get("params", []), *(param for layer in spec["layer"] for param in layer.get("params", []))]
    assert [param["name"] for param in params] == [draw.CLICK]
    assert params[0]["select"]["nearest"] is True and params[0]["select"]["fields"] == ["x", "y", draw.VERSION_FIELD]
    targets = draw.grid()
    assert targets.min() == -draw.BOUND and targets.max() == draw.BOUND and len(targets) == draw.GRID_TICKS**2


def test_every_click_a_selection_holds_is_read_in_order() -> None:
    """The canvas's selection keeps every click since its last redraw: two that reach the server
    together are both there; rows that are not a spot and a version are left out."""
    n = draw.VERSION_FIELD
    rows = [{"x": 0.5, "y": -1.0, n: 3}, {"x": "left", "y": 0, n: 3}, {"x": 1, "y": 1}, {"x": -1, "y": 0.25, n: 4}]
    assert draw.clicks({draw.CLICK: rows}, draw.CLICK) == [(0.5, -1.0, 3), (-1.0, 0.25, 4)]
    assert draw.clicks(None, draw.CLICK) == [] and draw.clicks({draw.CLICK: "x"}, draw.CLICK) == []


def test_the_canvas_names_its_axes_as_the_map_does() -> None:
    spec = draw.canvas_chart(two_clusters()).to_dict()
    titles = {layer["encoding"][axis]["title"] for layer in spec["layer"] for axis in ("x", "y")}
    assert titles == {"x₁", "x₂"}


def test_each_redraw_numbers_the_click_targets_anew() -> None:
    """A click on the spot of the last click must still be a new selection: the targets carry the version."""
    for version in (3, 4):
        datasets = draw.canvas_chart(two_clusters(), version=version).to_dict()["datasets"].values()
        targets = [row for rows in datasets for row in rows if draw.VERSION_FIELD in row]
        assert len(targets) == draw.GRID_TICKS**2 and {row[draw.VERSION_FIELD] for row in targets} == {version}


# ---- the panel on the Playground -------------------------------------------------------------------
pytestmark_app = pytest.mark.usefixtures("fresh_caches")


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


@pytestmark_app
def test_start_from_the_dataset_then_train_on_the_drawing() -> None:
    at = settle(app(query={"epochs": "100"}))
    assert not at.exception
    _button(at, "Start from Spiral").click()
    at.run()
    drawing = at.session_state[session.DRAWING]
    assert len(drawing) == draw.MAX_DRAWN
    assert any("300 points drawn" in m.value for m in at.markdown)
    _button(at, "Train on these points").click()
    settle(at)  # it trains at once: no Train to press after it
    points = at.session_state[session.POINTS]
    assert points == drawing.to_points() and at.session_state[session.USE_POINTS] is True
    assert not at.exception
    result = at.session_state[session.RUN].result
    assert result.config.data_id == points.fingerprint and result.config.classes == 3
    labels = [e.proto.label for e in at.get("download_button")]
    assert "The points (.csv)" in labels
    link = next(t for t in at.text_input if t.label == "Link to this drawing").value
    assert f"draw={drawing.encode()}" in link

    _button(at, "Clear").click()
    at.run()
    assert len(at.session_state[session.DRAWING]) == 0
    assert any("0 points drawn" in m.value for m in at.markdown)


@pytestmark_app
def test_a_drawing_link_opens_the_drawing_and_trains_on_it_under_one_banner() -> None:
    drawing = two_clusters(6)
    at = settle(app(query={"epochs": "100", "draw": drawing.encode()}))
    assert not at.exception
    assert at.session_state[session.DRAWING] == drawing
    assert at.session_state[session.POINTS] == drawing.to_points()
    result = at.session_state[session.RUN].result  # trained at once, on the drawing, not on the link's dataset
    assert result.config.data_id == drawing.to_points().fingerprint and result.history.epochs_run == 100
    banners = [*at.warning, *at.info, *at.success, *at.error]
    assert len(banners) == 1 and "Trained 100 epochs" in banners[0].value, [b.value for b in banners]
    assert at.query_params.get("draw") == drawing.encode()  # the address bar still opens the drawing
    assert any("drawn points travel" in m.value for m in at.markdown)  # the Share panel: drawn, not uploaded
    assert not any("points you uploaded" in m.value for m in at.markdown)


@pytestmark_app
@pytest.mark.parametrize("case", ["junk", "too many points", "x off the canvas"])
def test_a_hostile_drawing_link_gets_a_message_and_the_page_works(case: str) -> None:
    at = settle(app(query={"epochs": "100", "draw": HOSTILE[case][0]}))
    assert not at.exception
    shown = " ".join(w.value for w in at.warning)
    assert "Ignored the drawn points from the link" in shown and HOSTILE[case][1] in shown
    assert session.DRAWING not in at.session_state or len(at.session_state[session.DRAWING]) == 0
    result = at.session_state[session.RUN].result  # the link's run trained as usual, on the built-in data
    assert result.config.epochs == 100 and not result.config.data_id and result.history.epochs_run == 100


@pytestmark_app
def test_every_click_on_the_canvas_adds_a_point_even_on_the_same_spot() -> None:
    """Clicks as the browser sends them (the chart's selection), twelve in a row, two of them on the
    spot of the click before: each adds its point, and the canvas keeps one chart (one key)."""
    at = settle(app(query={"epochs": "100"}))
    spots = [(-1.5 + 0.25 * i, 1.2 - 0.2 * i) for i in range(10)]
    spots[4:4] = [spots[3]]
    spots.append(spots[-1])
    ids = set()
    for count, spot in enumerate(spots, start=1):
        click_canvas(at, *spot)
        assert not at.exception
        drawing = at.session_state[session.DRAWING]
        assert len(drawing) == count, f"click {count} at {spot} added no point"
        np.testing.assert_allclose(drawing.X[-1], spot, atol=2 * draw.BOUND / (draw.GRID_TICKS - 1))
        ids |= {c.proto.id for c in at.get("vega_lite_chart") if draw.CLICK in c.proto.spec}
    assert len(ids) == 1
    assert any(f"{len(spots)} points drawn" in m.value for m in at.markdown)


@pytestmark_app
def test_clicks_the_selection_still_holds_are_not_drawn_again() -> None:
    """The browser's selection keeps every click since the canvas was made: after a switch to
    "removes the nearest point", a click removes one point, not one for each click before it."""
    at = settle(app(query={"epochs": "100"}))
    sent = []
    for spot in [(-1.0, 1.0), (0.6, 0.0), (-0.4, -0.9)]:
        row = click_canvas(at, *spot, earlier=sent)
        sent.append({k: v for k, v in row.items() if k != "scope"})
    assert len(at.session_state[session.DRAWING]) == 3
    at.radio(key=session.DRAW_MODE).set_value("remove").run()
    click_canvas(at, 0.6, 0.0, earlier=sent)
    drawing = at.session_state[session.DRAWING]
    assert len(drawing) == 2 and not np.any(np.hypot(*(drawing.X - (0.6, 0.0)).T) < 0.1)


# ---- a click in a real browser -----------------------------------------------------------------------
@browser
def test_clicking_on_the_canvas_adds_and_removes_points() -> None:
    pytest.importorskip("playwright.sync_api")
    with served_app() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{url}/?epochs=50")
        app_started(page)
        panel = page.locator("[data-testid=stExpander]").filter(has_text="Draw your points")
        panel.wait_for(timeout=60_000)
        steady_box(page, panel)  # a click aimed at a summary that then moves lands on what moved under it
        panel.locator("summary").click()
        canvas = page.locator("[data-testid=stExpander] [data-testid=stVegaLiteChart]").last
        with page_kept_on_timeout(page, "draw-canvas", "the drawing canvas showing"):
            canvas.wait_for(timeout=30_000)
            page.get_by_text("0 points drawn").wait_for(timeout=30_000)

        def click(fx: float, fy: float) -> None:
            """A click at the fraction ``fx`` across and ``fy`` down the canvas, in view."""
            page.wait_for_selector(IDLE, timeout=30_000)
            page.evaluate(DRAWN)  # the canvas of the last click redrawn: a click lands on the chart now shown
            target = canvas.locator("canvas, svg.marks").first  # the chart itself, not its toolbar's icons
            target.scroll_into_view_if_needed()
            box = target.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])

        # fractions of the chart's box inside its plot (the axes and the legend take its edges and its foot)
        for count, (fx, fy) in enumerate([(0.35, 0.2), (0.7, 0.35), (0.5, 0.5)], start=1):
            click(fx, fy)
            with page_kept_on_timeout(page, f"draw-click-{count}", f"the drawing showing {count} points"):
                page.get_by_text(f"{count} point{'s' if count > 1 else ''} drawn").wait_for(timeout=30_000)
                page.wait_for_selector(IDLE, timeout=30_000)
        page.get_by_text("removes the nearest point").click()
        page.wait_for_selector(IDLE, timeout=30_000)
        click(0.7, 0.35)
        with page_kept_on_timeout(page, "draw-remove", "the drawing showing 2 points after a remove"):
            page.get_by_text("2 points drawn").wait_for(timeout=30_000)


@pytestmark_app
def test_a_drawing_given_twice_in_a_link_uses_the_last_and_says_so() -> None:
    first, last = two_clusters(5), two_clusters(7)
    at = app(query={"epochs": "100"})
    at.query_params["draw"] = [first.encode(), last.encode()]
    settle(at)
    assert not at.exception and at.session_state[session.DRAWING] == last
    assert any("draw was given 2 times" in w.value for w in at.warning)
