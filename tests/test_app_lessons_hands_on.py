"""Be the network: the three hands-on lessons. Every number their text quotes is the engine's, their
goals are checked on the student's own slider and step state, and each is walked on the Lessons page."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from app_helpers import app

import scratchnet as sn
from scratchnet.app.lessons.hands_on import logic as hands_on
from scratchnet.app.lessons.hands_on.logic import HANDS_ON, Descent, Unit, Walk
from scratchnet.app.lessons.model import PLACEHOLDER
from scratchnet.app.lessons.view import PATH
from scratchnet.app.ui import session

PAGE = "pages/4_Lessons.py"
KEYS = [lesson.key for lesson in HANDS_ON]


@pytest.mark.parametrize(("key", "name"), [(lesson.key, name) for lesson in HANDS_ON for name in lesson.facts])
def test_the_numbers_the_text_quotes_hold(key, name):
    fact = hands_on.BY_KEY[key].facts[name]
    measured = fact.measure(None)
    assert fact.holds(measured), f"{key}.{name}: the text says {fact.text}, the engine gives {measured!r}"


@pytest.mark.parametrize("key", KEYS)
def test_every_placeholder_is_a_fact_and_the_start_misses_the_goal(key):
    lesson = hands_on.BY_KEY[key]
    assert set(PLACEHOLDER.findall(" ".join(lesson.paragraphs))) == set(lesson.facts)
    assert not PLACEHOLDER.search(" ".join(lesson.text()))
    assert not lesson.met(lesson.start())
    assert lesson.reading(lesson.start())


def test_the_unit_is_the_logistic_neuron_with_the_engines_loss_and_gradient():
    X, y = hands_on.unit_points()
    unit = Unit(-1.3, 0.7, 0.4)
    z = X @ np.array([unit.w1, unit.w2]) + unit.b
    p1 = 1 / (1 + np.exp(-z))
    loss = -np.mean(np.where(y == 1, np.log(p1), np.log(1 - p1)))
    assert unit.loss == pytest.approx(loss, rel=1e-12)
    gradient = np.array([X[:, 0] @ (p1 - y), X[:, 1] @ (p1 - y), np.sum(p1 - y)]) / len(y)
    np.testing.assert_allclose(unit.gradient, gradient, rtol=1e-10, atol=1e-14)
    numeric = [(Unit(*(unit.values + e)).loss - Unit(*(unit.values - e)).loss) / 2e-6 for e in np.eye(3) * 1e-6]
    np.testing.assert_allclose(unit.gradient, numeric, rtol=1e-5)
    assert unit.accuracy == pytest.approx(np.mean((z > 0) == (y == 1)))


def test_the_points_are_split_by_a_line_the_sliders_can_set():
    best = hands_on.best_unit()
    assert np.abs(best.values).max() < hands_on.UNIT_RANGE  # inside the sliders' reach
    by_hand = Unit(*np.round(best.values, 1))
    assert hands_on.NEURON_LESSON.met(by_hand) and by_hand.loss <= hands_on.NEURON_GOAL
    assert not hands_on.NEURON_LESSON.met(Unit(1.0, 1.0, 0.0))


def test_downhill_counts_only_the_students_own_steps_and_a_large_step_rises():
    lesson = hands_on.DOWNHILL_LESSON
    descent = Descent()
    for _ in range(5):
        descent = descent.step(3.0)
    assert all(after < before for before, after in zip(descent.losses, descent.losses[1:]))
    assert lesson.met(descent) and descent.now.loss <= hands_on.DOWNHILL_GOAL
    jumped = Descent().step(100.0)
    assert jumped.rose and jumped.now.loss > Descent().now.loss
    assert not lesson.met(Descent((hands_on.best_unit(),)))  # a good unit with no step of the student's
    with pytest.raises(ValueError, match="step size"):
        Descent().step(0.5)


def test_one_point_steps_are_the_step_through_of_under_the_hood():
    walk = Walk()
    trace = walk.trace
    X, _ = hands_on.WALK_POINT
    net = walk.network()
    np.testing.assert_allclose(trace.stage("p").values, sn.softmax(net.logits(X)))
    assert trace.loss_before == pytest.approx(-math.log(walk.p_true))
    assert (trace.stage("a1").values > 0).all()  # every hidden unit takes part
    after = walk.step()
    np.testing.assert_allclose(after.params["W1"], trace.params_before["W1"] - hands_on.WALK_LR * trace.grads["W1"])
    steps = [walk]
    while not hands_on.WALK_LESSON.met(steps[-1]):
        steps.append(steps[-1].step())
    assert 5 <= steps[-1].steps <= 20 and steps[-1].p_true >= hands_on.WALK_GOAL


def _texts(at) -> str:
    kinds = ("title", "markdown", "caption", "info", "success", "warning")
    return "\n".join(str(element.value) for kind in kinds for element in getattr(at, kind))


def test_a_neuron_by_hand_on_the_page(fresh_caches):
    at = app(PAGE, {"lesson": "neuron"}).run()
    assert not at.exception
    assert "loss 0.693, 50% of the points right" in _texts(at)
    best = np.round(hands_on.best_unit().values, 1)
    for name, value in zip(("w1", "w2", "b"), best, strict=True):
        at.slider(key=session.hand_widget_key("neuron", name)).set_value(float(value)).run()
    assert f"loss {Unit(*best).loss:.3f}" in _texts(at)
    assert "Goal met" in _texts(at) and "Why it worked" in _texts(at)
    assert f"1 of {len(PATH)} lessons done" in " ".join(bar.proto.text for bar in at.get("progress"))  # at once
    assert any(option.startswith("1.") and option.endswith("✓") for option in at.sidebar.radio[0].options)
    at.button(key=session.lesson_reset_key("neuron")).click().run()
    assert "Goal met" not in _texts(at) and "loss 0.693" in _texts(at)


def test_downhill_and_one_point_on_the_page(fresh_caches):
    at = app(PAGE, {"lesson": "downhill"}).run()
    at.select_slider(key=session.hand_widget_key("downhill", "lr")).set_value(100.0).run()
    at.button(key=session.hand_widget_key("downhill", "step")).click().run()
    assert any("took the loss **up**" in warning.value for warning in at.warning)
    at.button(key=session.hand_widget_key("downhill", "again")).click().run()
    at.select_slider(key=session.hand_widget_key("downhill", "lr")).set_value(3.0).run()
    for _ in range(5):
        at.button(key=session.hand_widget_key("downhill", "step")).click().run()
    assert not at.exception and "Goal met" in _texts(at)
    at.switch_page(PAGE)
    at.query_params["lesson"] = "one_point"
    at.run()
    at.sidebar.radio[0].set_value("one_point").run()
    for _ in range(3):
        at.button(key=session.hand_widget_key("one_point", "step")).click().run()
    assert not at.exception
    assert f"p(true class) {Walk().step().step().step().p_true:.3f} after 3 steps" in _texts(at)


# ---- words before formulas --------------------------------------------------------------------------------
def _without_asides(text: str) -> str:
    """``text`` with every parenthesised aside taken out (innermost first)."""
    while (shorter := re.sub(r"\([^()]*\)", "", text)) != text:
        text = shorter
    return text


def test_each_lessons_first_paragraph_reads_without_its_formulas():
    from scratchnet.app.lessons.view import PATH

    for lesson in PATH:
        first = _without_asides(lesson.text()[0])
        assert "$" not in first, f"{lesson.key}: a formula outside an aside in {first!r}"


def test_the_glossary_explains_the_words_in_plain_language_and_lessons_link_them(fresh_caches):
    from scratchnet.app import glossary

    wanted = {"epoch", "loss", "cross-entropy", "softmax", "held-out", "gradient", "learning rate", "batch"}
    assert wanted | {"overfitting"} <= set(glossary.GLOSSARY)
    assert not any("$" in text or "\\" in text for text in glossary.GLOSSARY.values())
    assert glossary.anchor("learning rate") == "glossary-learning-rate"
    assert glossary.used_in("Two epochs of Gradient descent") == ["epoch", "gradient"]
    at = app(PAGE, {"lesson": "downhill"}).run()
    assert not at.exception
    headers = [header.value for header in at.subheader]
    assert all(term.capitalize() in headers for term in glossary.GLOSSARY)
    links = " ".join(caption.value for caption in at.caption if caption.value.startswith("Words used here"))
    assert "[gradient](#glossary-gradient)" in links and "[learning rate](#glossary-learning-rate)" in links
