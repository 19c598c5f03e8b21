"""Every preset's caption tells the truth: each result it states is a ``Claim`` in the preset, and
the run — trained here as the app trains it — lands within it."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
from app_helpers import trained

from scratchnet.app.runs.config import RunConfig
from scratchnet.app.runs.cost import cost_verdict
from scratchnet.app.runs.presets import PRESETS, Claim, percent
from scratchnet.app.runs.result import RunResult


@functools.cache
def result_of(config: RunConfig) -> RunResult:
    return trained(config)


def holds(claim: Claim, result: RunResult) -> tuple[bool, str]:
    history = result.history
    if claim.blows_up:
        early = history.loss[: claim.within]
        growth = float(np.nanmax(np.where(np.isfinite(early), early, np.inf)) / history.loss[0])
        ok = result.status == "diverged" and history.diverged_at <= claim.within and growth >= claim.factor
        return ok, f"status {result.status}, diverged at {history.diverged_at}, grew {growth:.3g}-fold"
    accuracy = result.train_accuracy
    return claim.low <= accuracy <= claim.high, f"train accuracy {accuracy:.3f}, claimed {claim.words}"


@pytest.mark.parametrize("name", [name for name, preset in PRESETS.items() if preset.claim is not None])
def test_each_preset_reaches_what_its_caption_says(name: str) -> None:
    preset = PRESETS[name]
    ok, what = holds(preset.claim, result_of(preset.config()))
    assert ok, f"{name}: {what}"
    assert preset.claim.words in preset.description


@pytest.mark.parametrize("name", [name for name, preset in PRESETS.items() if preset.versus is not None])
def test_each_comparison_in_a_caption_holds(name: str) -> None:
    preset = PRESETS[name]
    versus = preset.versus
    mine, theirs = result_of(preset.config()), result_of(preset.versus_config())
    if versus.claim is not None:
        ok, what = holds(versus.claim, theirs)
        assert ok, f"{name}, compared with: {what}"
        assert versus.claim.words in preset.description
    if versus.better is not None:
        assert (mine.train_accuracy > theirs.train_accuracy) == versus.better, (
            f"{name}: {mine.train_accuracy:.3f} against {theirs.train_accuracy:.3f}"
        )


def test_the_circles_preset_separates_the_circles_without_a_hidden_layer() -> None:
    preset = PRESETS["circles_squares"]
    config = preset.config()
    assert config.hidden == () and config.features == ("x1^2", "x2^2") and config.dataset == "circles"
    assert result_of(config).train_accuracy >= 0.95


@pytest.mark.parametrize("name", list(PRESETS))
def test_no_caption_states_a_share_that_no_claim_backs(name: str) -> None:
    preset = PRESETS[name]
    text = preset.description
    backed = {percent(1 / preset.config().classes)}  # the chance level, from the preset's class count
    for claim in (preset.claim, preset.versus.claim if preset.versus else None):
        if claim is not None:
            backed |= set(re.findall(r"\d+", claim.words))
    stated = set(re.findall(r"(\d+)(?:–(\d+))? %", text))
    assert {number for pair in stated for number in pair if number} <= backed, text


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_settings_a_caption_names_are_the_presets(name: str) -> None:
    preset = PRESETS[name]
    config = preset.config()
    text = preset.description
    for setting, value in (("lr|Learning rate", config.lr), ("decay", config.decay), ("momentum", config.momentum)):
        named = re.search(rf"\b(?:{setting}) ([\d.]+)", text)
        if named:
            assert float(named.group(1)) == value, (setting, text)
    epochs = re.search(r"(?<!within )(?<!\d)(\d{1,3}(?:[,  ]\d{3})*) epochs", text)
    if epochs:
        assert int(re.sub(r"\D", "", epochs.group(1))) == config.epochs, text


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_and_what_it_is_compared_with_can_be_trained_in_the_app(name: str) -> None:
    preset = PRESETS[name]
    for config in filter(None, (preset.config(), preset.versus_config())):
        verdict = cost_verdict(config)
        assert not verdict.refused, f"{name}: {verdict.message}"
