from __future__ import annotations

from typing import Any

import pytest

from bot.domain.models import ExploreTopic, Recommendation
from bot.domain.validation import DomainError, InvalidInput, validate_answers
from bot.ids import Block, Callback
from bot.views.common import StaleForm
from bot.views.debrief import (
    debrief_modal,
    opened_from_home,
    read_debrief,
    read_debrief_meta,
)
from tests.views.builders import EVIL, EVIL_ESCAPED, answers, full_answers, interview
from tests.views.slack_checks import check_view, submitted_values, visible


def _block(payload: dict[str, Any], block_id: str) -> dict[str, Any]:
    (block,) = [b for b in payload["blocks"] if b.get("block_id") == block_id]
    return block


def _options(payload: dict[str, Any], block_id: str) -> list[tuple[str, str]]:
    return [(o["value"], o["text"]["text"]) for o in _block(payload, block_id)["element"]["options"]]


def test_form_reads_as_the_product_spec() -> None:
    payload = check_view(debrief_modal(interview()))
    assert payload["callback_id"] == Callback.DEBRIEF
    assert (payload["title"]["text"], payload["submit"]["text"]) == ("Debrief", "Submit")
    assert payload["private_metadata"] == '{"interview_id":12}'
    text = visible(payload)
    assert "*Ada Lovelace* · Staff Engineer · Technical" in text
    assert "Interview #12 · <!date^" in text
    assert "private until the summary posts" in text
    assert _options(payload, Block.EXCITEMENT) == [
        ("1", "Not evident"),
        ("2", "Some interest"),
        ("3", "Clearly interested"),
        ("4", "Genuinely excited"),
    ]
    assert [t for _, t in _options(payload, Block.FIT)] == [
        "Poor fit",
        "Some concerns",
        "Good fit",
        "Great fit",
    ]
    assert [t for _, t in _options(payload, Block.ABILITY)] == ["Not there", "Gaps", "Solid", "Exceptional"]
    assert _options(payload, Block.RECOMMENDATION) == [
        ("-2", "Strong no"),
        ("-1", "No"),
        ("1", "Yes"),
        ("2", "Strong yes"),
    ]
    assert [v for v, _ in _options(payload, Block.EXPLORE)] == [t.value for t in ExploreTopic]
    assert "questions about our work" in _block(payload, Block.EXCITEMENT)["hint"]["text"]
    assert "gel with the people" in _block(payload, Block.FIT)["hint"]["text"]
    assert "nobody is 100% perfect" in _block(payload, Block.DEAL_BREAKER)["hint"]["text"]
    assert "never shown in the channel" in _block(payload, Block.PRIVATE_NOTE)["hint"]["text"]

    required = {b["block_id"] for b in payload["blocks"] if b["type"] == "input" and not b.get("optional")}
    assert required == {
        Block.EXCITEMENT,
        Block.EXCITEMENT_EVIDENCE,
        Block.FIT,
        Block.FIT_EVIDENCE,
        Block.ABILITY,
        Block.ABILITY_EVIDENCE,
        Block.RECOMMENDATION,
    }
    for block_id in (Block.EXCITEMENT_EVIDENCE, Block.QUESTIONS, Block.DEAL_BREAKER, Block.PRIVATE_NOTE):
        element = _block(payload, block_id)["element"]
        assert element["multiline"] is True and element["max_length"] == 3000


def test_candidate_typed_as_markup_is_shown_escaped() -> None:
    payload = check_view(debrief_modal(interview(candidate=EVIL, role=EVIL)))
    assert EVIL_ESCAPED in visible(payload)


@pytest.mark.parametrize(
    "existing",
    [
        full_answers(),
        full_answers("x" * 2900),
        answers(),
        answers(recommendation=Recommendation.STRONG_YES, explore=frozenset({ExploreTopic.MOTIVATION})),
    ],
)
def test_an_edit_form_is_prefilled_and_reads_back_the_same_answers(existing: Any) -> None:
    view = debrief_modal(interview(), existing=existing)
    check_view(view)
    assert read_debrief(submitted_values(view)) == existing


def test_a_blank_form_names_every_missing_choice() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_debrief(submitted_values(debrief_modal(interview())))
    assert set(caught.value.errors) == {Block.EXCITEMENT, Block.FIT, Block.ABILITY, Block.RECOMMENDATION}


@pytest.mark.parametrize(
    ("block", "state"),
    [
        (Block.EXCITEMENT, {"selected_option": {"value": "7"}}),
        (Block.FIT, {"selected_option": {"value": "0"}}),
        (Block.ABILITY, {"selected_option": {"value": 3}}),
        (Block.RECOMMENDATION, {"selected_option": {"value": "0"}}),
        (Block.RECOMMENDATION, {"selected_option": {"value": "-3"}}),
        (Block.EXPLORE, {"selected_options": [{"value": "golf"}]}),
        (Block.EXPLORE, {"selected_options": [None]}),
    ],
)
def test_values_the_form_never_offered_are_rejected_on_their_block(block: str, state: dict[str, Any]) -> None:
    values = submitted_values(debrief_modal(interview(), existing=full_answers()))
    values[block][block].update(state)
    with pytest.raises(InvalidInput) as caught:
        read_debrief(values)
    assert list(caught.value.errors) == [block]


def test_texts_are_cleaned_and_left_to_domain_validation() -> None:
    values = submitted_values(debrief_modal(interview(), existing=answers()))
    values[Block.FIT_EVIDENCE][Block.FIT_EVIDENCE]["value"] = "  ok\x00  "
    values[Block.QUESTIONS][Block.QUESTIONS]["value"] = None
    values[Block.PEOPLE_TO_MEET][Block.PEOPLE_TO_MEET]["selected_users"] = ["UPAT", "UPAT"]
    values[Block.EXPLORE][Block.EXPLORE]["selected_options"] = [{"value": "who_to_meet"}]
    del values[Block.PRIVATE_NOTE]
    parsed = read_debrief(values)
    assert (parsed.fit_evidence, parsed.questions, parsed.private_note) == ("ok", "", "")
    assert parsed.people_to_meet == ("UPAT",)
    assert set(validate_answers(parsed)) == {Block.FIT_EVIDENCE}


def test_metadata_round_trips() -> None:
    view = debrief_modal(interview(id=345))
    assert read_debrief_meta(view.private_metadata or "") == 345
    assert not opened_from_home(view.private_metadata or "")


def test_metadata_remembers_a_modal_opened_from_the_home_tab() -> None:
    view = debrief_modal(interview(id=345), from_home=True)
    assert read_debrief_meta(view.private_metadata or "") == 345
    assert opened_from_home(view.private_metadata or "")


@pytest.mark.parametrize("metadata", ["", "nope", "[]", '{"home": true}', '{"home": "1"}'])
def test_odd_metadata_is_not_from_home(metadata: str) -> None:
    assert not opened_from_home(metadata)


@pytest.mark.parametrize(
    "metadata",
    ["", "12", "nope", "[]", "{}", '{"interview_id": "12"}', '{"interview_id": -1}', '{"interview_id": 1.5}'],
)
def test_tampered_metadata_is_an_input_error_without_a_field_not_a_crash(metadata: str) -> None:
    with pytest.raises(StaleForm) as caught:
        read_debrief_meta(metadata)
    assert isinstance(caught.value, InvalidInput) and isinstance(caught.value, DomainError)
    assert caught.value.errors == {}
    assert "out of date" in str(caught.value)
