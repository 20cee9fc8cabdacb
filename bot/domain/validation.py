"""Input rules for scheduling and debriefs. Errors are keyed by field name (the modal's block id)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.models import Area, DebriefAnswers, ExploreTopic, InterviewDraft

MAX_PANEL = 12
MIN_LENGTH_MINUTES = 5
MAX_LENGTH_MINUTES = 480
MAX_PAST = timedelta(days=7)
MAX_AHEAD = timedelta(days=365)
MAX_NAME_CHARS = 150
MAX_TEXT_CHARS = 3000
MIN_EVIDENCE_CHARS = 10  # letters or digits of any script


class DomainError(Exception):
    """A request that breaks a rule; its message is safe to show the user as is."""


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class InvalidInput(DomainError):
    """Bad modal input: `errors` maps field names (= block ids) to messages shown inline."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def clean_text(text: str | None) -> str:
    """Strip surrounding space and characters no database or Slack surface accepts (NUL)."""
    return (text or "").replace("\x00", "").strip()


def validate_draft(draft: InterviewDraft, *, now: datetime, bot_user_id: str | None) -> dict[str, str]:
    """All problems with a scheduling request, keyed by field; empty when it may be stored."""
    errors: dict[str, str] = {}
    if not draft.candidate:
        errors["candidate"] = "Enter the candidate's name."
    elif len(draft.candidate) > MAX_NAME_CHARS:
        errors["candidate"] = f"Keep the name under {MAX_NAME_CHARS} characters."
    if not draft.role:
        errors["role"] = "Enter the role."
    elif len(draft.role) > MAX_NAME_CHARS:
        errors["role"] = f"Keep the role under {MAX_NAME_CHARS} characters."
    panel = draft.interviewer_ids
    if not panel:
        errors["interviewers"] = "Pick at least one interviewer."
    elif bot_user_id and bot_user_id in panel:
        errors["interviewers"] = "The bot can't interview anyone: remove it from the panel."
    elif len(set(panel)) != len(panel):
        errors["interviewers"] = "Someone is on the panel twice."
    elif len(panel) > MAX_PANEL:
        errors["interviewers"] = f"A panel has at most {MAX_PANEL} interviewers."
    if not draft.hiring_manager_id:
        errors["hiring_manager"] = "Pick the hiring manager."
    elif bot_user_id and draft.hiring_manager_id == bot_user_id:
        errors["hiring_manager"] = "The bot can't be the hiring manager."
    if not MIN_LENGTH_MINUTES <= draft.length_minutes <= MAX_LENGTH_MINUTES:
        errors["length_minutes"] = (
            f"An interview lasts between {MIN_LENGTH_MINUTES} and {MAX_LENGTH_MINUTES} minutes."
        )
    elif draft.ends_at < now - MAX_PAST:
        errors["starts_at"] = "That interview ended more than 7 days ago: too late for a fair debrief."
    if draft.starts_at > now + MAX_AHEAD:
        errors["starts_at"] = "That's more than a year ahead: check the date."
    if not draft.channel_id:
        errors["channel"] = "Pick the channel where the debrief happens."
    if len(draft.notes) > MAX_TEXT_CHARS:
        errors["notes"] = f"Keep notes under {MAX_TEXT_CHARS} characters."
    return errors


def _is_a_sentence(text: str) -> bool:
    """At least a short sentence, in any script: counted in letters and digits (Chinese, Japanese and
    Thai don't put spaces between words; "很好很好" is not evidence, "她解释了缓存失效的权衡" is)."""
    return sum(c.isalnum() for c in text) >= MIN_EVIDENCE_CHARS


def validate_answers(answers: DebriefAnswers) -> dict[str, str]:
    """All problems with a debrief, keyed by field; empty when it may be stored."""
    errors: dict[str, str] = {}
    for area in Area:
        evidence = answers.evidence(area)
        key = f"{area.value}_evidence"
        if not _is_a_sentence(evidence):
            errors[key] = f"Give at least a sentence of evidence for {area.label.lower()}: what did you see?"
        elif len(evidence) > MAX_TEXT_CHARS:
            errors[key] = f"Keep it under {MAX_TEXT_CHARS} characters."
    if ExploreTopic.WHO_TO_MEET in answers.explore and not answers.people_to_meet:
        errors["people_to_meet"] = "You ticked “Who else they should meet”: pick at least one person."
    for key, text in (
        ("questions", answers.questions),
        ("deal_breaker", answers.deal_breaker),
        ("private_note", answers.private_note),
    ):
        if len(text) > MAX_TEXT_CHARS:
            errors[key] = f"Keep it under {MAX_TEXT_CHARS} characters."
    if len(answers.people_to_meet) > 10:
        errors["people_to_meet"] = "Pick at most 10 people."
    return errors


MAX_INTERVIEW_ID = 2**31 - 1  # interview.id is an INTEGER column: 32 bits on PostgreSQL
_ASCII_DIGITS = frozenset("0123456789")


def parse_interview_id(text: str, *, usage: str) -> int:
    """`12` or `#12` -> 12. Only the ASCII digits 0-9 count ("²" and "١٢" are refused, saying why)."""
    raw = text.strip().removeprefix("#")
    if not raw or not set(raw) <= _ASCII_DIGITS:
        shown = text.replace("`", "'")[:40]
        raise DomainError(
            f"`{shown}` isn't an interview number: use the digits 0-9, e.g. `{usage.format(id=12)}`."
        )
    # Past the largest id by its length alone: int() of thousands of digits is refused (and slow).
    if len(raw.lstrip("0")) > len(str(MAX_INTERVIEW_ID)) or not 0 < int(raw) <= MAX_INTERVIEW_ID:
        raise NotFound(f"No interview #{raw[:20]}{'…' if len(raw) > 20 else ''}.")
    return int(raw)


def parse_user_mentions(words: list[str]) -> list[str]:
    """`<@U123|ana>`, `<@U123>` or `U123` -> user ids; anything else is refused, saying why."""
    users = []
    for word in words:
        inner = word[2:-1].split("|", 1)[0] if word.startswith("<@") and word.endswith(">") else word
        if not inner or inner[0] not in "UW" or not inner.isascii() or not inner.isalnum():
            shown = word.replace("`", "'")[:40]
            raise DomainError(f"`{shown}` isn't a person: mention them, e.g. `@ana`.")
        users.append(inner)
    return users
