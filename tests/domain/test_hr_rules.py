"""Pure HR-data rules: who holds which role, working weeks, ids and names in every script."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.channels import archived_channel_name, channel_name, erased_channel_name
from bot.domain.agenda import split_questions
from bot.domain.models import DebriefAnswers, Interview, Recommendation, Stage
from bot.domain.validation import (
    DomainError,
    NotFound,
    parse_interview_id,
    parse_user_mentions,
    validate_answers,
)
from bot.domain.worktime import WorkingWeek, parse_days, parse_hours
from bot.policy import TABLE, Action, Actor, Role, may, refusal, roles
from fakeslack.api import valid_channel_name

INTERVIEW = Interview(
    id=7, candidate="Ada", role="Engineer", stage=Stage.ONSITE, interviewer_ids=("UANA", "UBO"),
    hiring_manager_id="UHM", recruiter_id="UREC", starts_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    length_minutes=45, channel_id="C1",
)  # fmt: skip


def test_roles_are_read_from_the_interview_and_the_actor() -> None:
    assert roles(Actor("UANA"), INTERVIEW) == {Role.PANELIST}
    assert roles(Actor("UHM"), INTERVIEW) == {Role.HIRING_MANAGER}
    assert roles(Actor("UHM2", manages_any=True), INTERVIEW) == {Role.OTHER_HIRING_MANAGER}
    assert roles(Actor("UX", recruiter=True, admin=True), INTERVIEW) == {Role.RECRUITER, Role.ADMIN}
    assert roles(Actor("UX"), INTERVIEW) == {Role.OTHER}
    assert roles(Actor("UX"), None) == {Role.OTHER}
    # A hiring manager who is also on the panel may do what either role may.
    both = Interview(**{**INTERVIEW.__dict__, "interviewer_ids": ("UHM",)})
    assert roles(Actor("UHM"), both) == {Role.PANELIST, Role.HIRING_MANAGER}
    assert may(Action.WRITE_DEBRIEF, roles(Actor("UHM"), both)) and may(
        Action.DECIDE, roles(Actor("UHM"), both)
    )


def test_every_action_has_a_refusal_that_names_who_may() -> None:
    for action in TABLE:
        text = refusal(action)
        assert text.startswith("Only ") and text.endswith(".")
    assert (
        refusal(Action.DECIDE)
        == "Only the hiring manager and recruiters can record a decision on this interview."
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [("mon-fri", {0, 1, 2, 3, 4}), ("sun-thu", {6, 0, 1, 2, 3}), ("mon,wed,fri", {0, 2, 4}), ("sat", {5})],
)
def test_working_days(text: str, days: set[int]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("bad", ["", "weekdays", "mon-funday", ","])
def test_bad_working_days_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="mon-fri"):
        parse_days(bad)


def test_working_hours() -> None:
    assert parse_hours("08:00-17:00") == (time(8), time(17))
    for bad in ("9-5", "18:00-09:00", "nine to five"):
        with pytest.raises(ValueError):
            parse_hours(bad)


def test_next_working_start_in_jerusalem_skips_friday_and_saturday() -> None:
    week = WorkingWeek(days=parse_days("sun-thu"), start=time(8), end=time(17))
    zone = ZoneInfo("Asia/Jerusalem")
    thursday_evening = datetime(2026, 3, 5, 18, 0, tzinfo=zone)
    assert not week.is_working(thursday_evening)
    assert week.next_start(thursday_evening) == datetime(2026, 3, 8, 8, 0, tzinfo=zone)  # Sunday
    sunday_noon = datetime(2026, 3, 8, 12, 0, tzinfo=zone)
    assert week.is_working(sunday_noon) and week.next_start(sunday_noon) == sunday_noon


@pytest.mark.parametrize(("text", "number"), [("12", 12), ("#12", 12), (" 7 ", 7)])
def test_interview_ids(text: str, number: int) -> None:
    assert parse_interview_id(text, usage="/debrief status {id}") == number


@pytest.mark.parametrize("text", ["²", "١٢", "１２", "12a", "#", "-1", "1.5"])
def test_only_ascii_digits_are_an_interview_id(text: str) -> None:
    with pytest.raises(
        DomainError, match=r"isn't an interview number: use the digits 0-9, e.g. `/debrief status 12`"
    ):
        parse_interview_id(text, usage="/debrief status {id}")


@pytest.mark.parametrize("text", ["0", "000", "2147483648", "9" * 5000])
def test_an_id_past_any_interview_is_not_found_in_a_short_answer(text: str) -> None:
    with pytest.raises(NotFound) as found:
        parse_interview_id(text, usage="/debrief status {id}")
    assert len(str(found.value)) < 60  # 5,000 digits are neither parsed nor echoed back


def test_mentions() -> None:
    assert parse_user_mentions(["<@U1|ana>", "<@W2>", "U3"]) == ["U1", "W2", "U3"]
    with pytest.raises(DomainError, match="isn't a person"):
        parse_user_mentions(["@ana"])


@pytest.mark.parametrize(
    ("candidate", "name"),
    [
        ("Grace Hopper", "debrief-grace-hopper-3"),
        ("王芳", "debrief-王芳-3"),
        ("Łukasz Nowak", "debrief-łukasz-nowak-3"),
        ("محمد علي", "debrief-محمد-علي-3"),
        ("สมชาย ใจดี", "debrief-สมชาย-ใจดี-3"),
        ("!!!", "debrief-candidate-3"),
        ("ＡＢＣ", "debrief-abc-3"),
    ],
)
def test_channel_names_keep_what_slack_allows(candidate: str, name: str) -> None:
    assert channel_name(candidate, 3) == name and valid_channel_name(name)


def test_channel_names_fit_80_characters_and_never_hold_an_erased_name() -> None:
    assert len(channel_name("名" * 200, 12345)) <= 80
    assert erased_channel_name(3) == "debrief-erased-3" and archived_channel_name(3) == "debrief-3-archived"


def _answers(evidence: str) -> DebriefAnswers:
    return DebriefAnswers(
        excitement=3, excitement_evidence=evidence, fit=3, fit_evidence=evidence, ability=3,
        ability_evidence=evidence, recommendation=Recommendation.YES,
    )  # fmt: skip


@pytest.mark.parametrize(
    "evidence",
    [
        "她在白板上清楚地解释了缓存",
        "設計の判断理由を丁寧に説明",
        "شرحت المقايضات بوضوح",
        "อธิบายการออกแบบได้ชัดเจน",
        "Explained the trade-offs.",
    ],
)
def test_evidence_is_counted_in_characters_of_any_script(evidence: str) -> None:
    assert validate_answers(_answers(evidence)) == {}


@pytest.mark.parametrize("evidence", ["很好", "良い", "جيد", "ดี", "good", "ok ok ok"])
def test_too_little_evidence_is_refused_in_any_script(evidence: str) -> None:
    assert "excitement_evidence" in validate_answers(_answers(evidence))


def test_questions_split_on_every_scripts_question_mark() -> None:
    assert split_questions("为什么？怎么做？") == ("为什么？", "怎么做？")
    assert split_questions("لماذا؟ متى؟") == ("لماذا؟", "متى؟")
    assert split_questions("Why? How?") == ("Why?", "How?")
    assert split_questions("Keep this; and this?") == (
        "Keep this; and this?",
    )  # a semicolon is not a question mark
