"""The next-stage agenda: what the panel wants settled next time, ranked and time-boxed.

Ranking: disagreements, then deal-breakers to verify, then explore-further topics by votes (the
panel's own unattached questions last among them), then who else to meet, then skills-vs-spark
flags. Minutes follow WEIGHTS: settling a disagreement or a deal-breaker needs real time; a
topic grows with the interviewers who asked for it; an introduction is quick to arrange.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.domain.models import Debrief, ExploreTopic, level_label
from bot.domain.question_bank import (
    AREA_QUESTIONS,
    SKILLS_NOT_SPARK_QUESTIONS,
    SPARK_NOT_SKILLS_QUESTIONS,
    TOPIC_QUESTIONS,
    topic_for_question,
)
from bot.domain.summary_types import Agenda, AgendaItem, AgendaKind, AreaStats, Disagreement, Flag, FlagKind

DISAGREEMENT_WEIGHT = 3
DEAL_BREAKER_WEIGHT = 3
TOPIC_BASE_WEIGHT = 1  # plus one per interviewer who asked for the topic
MEET_WEIGHT = 1
FLAG_WEIGHT = 2

OWN_QUESTIONS_TITLE = "The panel's own questions"
OPEN_CONVERSATION_TITLE = "Open conversation: the candidate's questions"
DEAL_BREAKER_TITLE = "Verify a deal-breaker"
VERIFY_PREFIX = "Verify: "

_FLAG_QUESTIONS = {
    FlagKind.SKILLS_NOT_SPARK: SKILLS_NOT_SPARK_QUESTIONS,
    FlagKind.SPARK_NOT_SKILLS: SPARK_NOT_SKILLS_QUESTIONS,
}

# Leading list markers people type or paste: "-", "•", "*", "1.", "2)", "(3)", "a)".
# "1.5 years?" keeps its number: a numeral followed by a digit is not a list marker.
_BULLET = re.compile(r"^\s*(?:[-–—•*‣◦·>]+|\(?\d{1,3}[.)](?!\d)|\(?[a-zA-Z]\))\s*")
# Question marks of every script: ASCII, full-width (Chinese, Japanese), Arabic, Greek, Armenian,
# Ethiopic, small and inverted-less forms.
QUESTION_MARKS = "?\uff1f\u061f\u037e\u055e\u1367\u2e2e\ufe56"
_QUESTION = re.compile(f"[^{QUESTION_MARKS}]*[{QUESTION_MARKS}]+")


def disagreement_title(d: Disagreement) -> str:
    """Fixed wording for a disagreement item, e.g. "Settle Fit: Great fit vs Some concerns"."""
    return f"Settle {d.area.label}: {level_label(d.area, d.high_level)} vs {level_label(d.area, d.low_level)}"


def split_questions(text: str) -> tuple[str, ...]:
    """An interviewer's free text as separate questions, list markers stripped.

    A line holding question marks yields each "…?" sentence in it (any trailing remark without
    one is dropped); a line with none is kept whole, since "Probe their on-call experience" is a
    prompt worth keeping.
    """
    found: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        while True:
            stripped = _BULLET.sub("", line, count=1).strip()
            if stripped == line:
                break
            line = stripped
        if not line:
            continue
        if any(mark in line for mark in QUESTION_MARKS):
            found.extend(
                " ".join(q.split()) for q in _QUESTION.findall(line) if q.strip(" " + QUESTION_MARKS)
            )
        else:
            found.append(" ".join(line.split()))
    return tuple(found)


def _key(question: str) -> str:
    return " ".join(question.casefold().split())


def _fresh(questions: Sequence[str], seen: set[str]) -> tuple[str, ...]:
    """The questions not yet asked (case and spacing ignored), marking them asked."""
    fresh = []
    for question in questions:
        if _key(question) not in seen:
            seen.add(_key(question))
            fresh.append(question)
    return tuple(fresh)


def share_minutes(weights: Sequence[int], total: int) -> tuple[int, ...]:
    """Split `total` minutes in proportion to positive `weights`, largest remainder first.

    The result always sums to `total`; every item gets at least one minute (taken from the
    biggest share) when `total >= len(weights)`. Ties go to the higher-ranked (earlier) item.
    """
    if not weights:
        return ()
    if any(w <= 0 for w in weights):
        raise ValueError("weights must be positive")
    if total < 0:
        raise ValueError("total must not be negative")
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    if total >= len(weights):
        while 0 in shares:
            # Rounding starved a low-weight item: the biggest share (earliest on ties) pays.
            donor = max(range(len(shares)), key=lambda i: (shares[i], -i))
            shares[donor] -= 1
            shares[shares.index(0)] += 1
    return tuple(shares)


def _meet_item(panel: Sequence[str], debriefs: Sequence[Debrief]) -> AgendaItem | None:
    asked = tuple(
        d.interviewer_id
        for d in debriefs
        if ExploreTopic.WHO_TO_MEET in d.answers.explore or d.answers.people_to_meet
    )
    if not asked:
        return None
    on_panel = set(panel)
    votes: dict[str, int] = {}
    for d in debriefs:
        for person in dict.fromkeys(d.answers.people_to_meet):
            if person not in on_panel:
                votes[person] = votes.get(person, 0) + 1
    # Stable sort: equal votes keep the order in which they were first named.
    people = tuple(sorted(votes, key=lambda person: -votes[person]))
    return AgendaItem(
        kind=AgendaKind.MEET,
        title=ExploreTopic.WHO_TO_MEET.label,
        minutes=0,
        votes=len(asked),
        raised_by=asked,
        people=people,
        topic=ExploreTopic.WHO_TO_MEET,
    )


_Draft = tuple[AgendaItem, int]  # an item before its minutes, and its weight in the share


def _disagreement_drafts(areas: Sequence[AreaStats], seen: set[str]) -> list[_Draft]:
    """One item per area the panel split on, with that area's questions."""
    drafts: list[_Draft] = []
    for stats in areas:
        if stats.disagreement is not None:
            ends = stats.disagreement
            item = AgendaItem(
                kind=AgendaKind.DISAGREEMENT,
                title=disagreement_title(ends),
                minutes=0,
                raised_by=ends.high_ids + ends.low_ids,
                questions=_fresh(AREA_QUESTIONS[ends.area], seen),
            )
            drafts.append((item, DISAGREEMENT_WEIGHT))
    return drafts


def _deal_breaker_drafts(debriefs: Sequence[Debrief], seen: set[str]) -> list[_Draft]:
    """One item per deal-breaker; the same text written by two interviewers is one to verify."""
    breakers: dict[str, tuple[str, list[str]]] = {}
    for d in debriefs:
        if d.answers.has_deal_breaker:
            text = " ".join(d.answers.deal_breaker.split())
            breakers.setdefault(_key(text), (text, []))[1].append(d.interviewer_id)
    drafts: list[_Draft] = []
    for text, raised in breakers.values():
        item = AgendaItem(
            kind=AgendaKind.DEAL_BREAKER,
            title=DEAL_BREAKER_TITLE,
            minutes=0,
            raised_by=tuple(raised),
            questions=_fresh((VERIFY_PREFIX + text,), seen),
        )
        drafts.append((item, DEAL_BREAKER_WEIGHT))
    return drafts


def _file_own_questions(
    debriefs: Sequence[Debrief], ranked: Sequence[ExploreTopic]
) -> tuple[dict[ExploreTopic, list[str]], list[tuple[str, str]]]:
    """The panel's own questions, each attached to a ranked topic or left general (with who asked).

    An own question joins a topic on the agenda when its keywords point to that topic alone;
    anything else (no match, a tie, or a topic nobody ticked) goes to the general item, so no
    question is lost or filed under a topic the panel didn't ask for.
    """
    attached: dict[ExploreTopic, list[str]] = {t: [] for t in ranked}
    general: list[tuple[str, str]] = []
    for d in debriefs:
        for question in split_questions(d.answers.questions):
            topic = topic_for_question(question)
            if topic in attached:
                attached[topic].append(question)
            else:
                general.append((question, d.interviewer_id))
    return attached, general


def _topic_drafts(debriefs: Sequence[Debrief], seen: set[str]) -> list[_Draft]:
    """Explore-further topics by votes, then the panel's own unattached questions."""
    topics = [t for t in ExploreTopic if t is not ExploreTopic.WHO_TO_MEET]
    ticked = {t: tuple(d.interviewer_id for d in debriefs if t in d.answers.explore) for t in topics}
    # sorted() is stable, so equal votes keep the enum order.
    ranked = sorted((t for t in topics if ticked[t]), key=lambda t: -len(ticked[t]))
    attached, general = _file_own_questions(debriefs, ranked)
    drafts: list[_Draft] = []
    for topic in ranked:
        item = AgendaItem(
            kind=AgendaKind.TOPIC,
            title=topic.label,
            minutes=0,
            votes=len(ticked[topic]),
            raised_by=ticked[topic],
            questions=_fresh(TOPIC_QUESTIONS[topic] + tuple(attached[topic]), seen),
            topic=topic,
        )
        drafts.append((item, TOPIC_BASE_WEIGHT + len(ticked[topic])))
    own = _own_questions_draft(general, seen)
    if own is not None:
        drafts.append(own)
    return drafts


def _own_questions_draft(general: Sequence[tuple[str, str]], seen: set[str]) -> _Draft | None:
    """The general item for own questions no topic took, voted by the interviewers who asked them."""
    general_questions = []
    askers = []
    for question, asker in general:
        if _fresh((question,), seen):
            general_questions.append(question)
            askers.append(asker)
    if not general_questions:
        return None
    askers = list(dict.fromkeys(askers))
    item = AgendaItem(
        kind=AgendaKind.TOPIC,
        title=OWN_QUESTIONS_TITLE,
        minutes=0,
        votes=len(askers),
        raised_by=tuple(askers),
        questions=tuple(general_questions),
    )
    return item, TOPIC_BASE_WEIGHT + len(askers)


def _flag_drafts(flags: Sequence[Flag], seen: set[str]) -> list[_Draft]:
    """One item per skills-vs-spark flag, with the questions that probe it."""
    drafts: list[_Draft] = []
    for flag in flags:
        questions = _fresh(_FLAG_QUESTIONS[flag.kind], seen)
        item = AgendaItem(
            kind=AgendaKind.FLAG, title=flag.text, minutes=0, raised_by=flag.user_ids, questions=questions
        )
        drafts.append((item, FLAG_WEIGHT))
    return drafts


def build_agenda(
    panel: Sequence[str],
    debriefs: Sequence[Debrief],
    *,
    areas: Sequence[AreaStats],
    flags: Sequence[Flag],
    total_minutes: int,
) -> Agenda:
    """A ranked plan whose minutes sum exactly to `total_minutes` (at least 1).

    Items that can't get a minute each are dropped from the bottom of the ranking; with nothing
    to raise, one open-conversation item takes all the time.
    """
    total = max(1, total_minutes)
    # Drafts are built in rank order, so each question is kept by the first item that asks it.
    seen: set[str] = set()
    drafts = _disagreement_drafts(areas, seen)
    drafts += _deal_breaker_drafts(debriefs, seen)
    drafts += _topic_drafts(debriefs, seen)
    meet = _meet_item(panel, debriefs)
    if meet is not None:
        drafts.append((meet, MEET_WEIGHT))
    drafts += _flag_drafts(flags, seen)
    if not drafts:
        drafts.append((AgendaItem(kind=AgendaKind.TOPIC, title=OPEN_CONVERSATION_TITLE, minutes=0), 1))
    drafts = drafts[:total]
    minutes = share_minutes([weight for _, weight in drafts], total)
    items = tuple(replace(item, minutes=share) for (item, _), share in zip(drafts, minutes, strict=True))
    return Agenda(total_minutes=total, items=items)
