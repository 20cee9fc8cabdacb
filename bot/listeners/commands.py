"""`/debrief`: help for everyone; the rest as `bot.policy` allows. Answers are ephemeral."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.domain.validation import DomainError, parse_interview_id, parse_user_mentions
from bot.flows import Flows
from bot.flows.pipeline import PAGE
from bot.ids import COMMAND, SUBCOMMANDS
from bot.listeners.deps import Deps, actor, tells_on_failure
from bot.policy import ABOUT_AN_INTERVIEW, Action, Actor
from bot.views.help import help_message
from bot.views.messages import notice
from bot.views.pipeline import (
    audit_message,
    list_message,
    panel_changed_message,
    reminded_message,
    status_message,
)
from bot.views.schedule import schedule_modal
from bot.views.sources import sources_message

NEEDS_ID = "Which interview? Give its number, e.g. `/debrief {sub} 12`."
PANEL_USAGE = "Say who: `/debrief panel 12 add @ana` or `/debrief panel 12 remove @bo`."
# Each subcommand is the policy action of the same name (a missing one fails at import).
ACTIONS: dict[str, Action] = {command.name: Action(command.name) for command in SUBCOMMANDS}
# Acked at once and done in the lazy listener: `schedule` and `reschedule` open a modal on the
# command's trigger, which dies 3 s after the request; a refusal is shown by `respond` (ephemeral).
# Everything else is done in the request, and what it owes Slack (the export's upload too) goes
# through the outbox.
SLOW = {command.name for command in SUBCOMMANDS if command.slow}


def split(text: str | None) -> tuple[str, list[str]]:
    """`/debrief status #12` -> ("status", ["#12"]); the subcommand is case-insensitive."""
    words = (text or "").split()
    return (words[0].lower(), words[1:]) if words else ("", [])


def interview_id(sub: str, args: list[str]) -> int:
    """The interview a subcommand is about; a clear error when it is missing or not a number."""
    if not args:
        raise DomainError(NEEDS_ID.format(sub=sub))
    return parse_interview_id(args[0], usage=f"/debrief {sub} {{id}}")


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise DomainError(f"`{text}` isn't a date: use YYYY-MM-DD, e.g. 2026-03-01.") from None


def export_range(args: list[str], now: datetime) -> tuple[datetime, datetime]:
    """`export` = the last 30 days; `export FROM` = from then until now; `export FROM TO` includes TO."""
    start = _day(args[0]) if args else now - timedelta(days=30)
    end = _day(args[1]) + timedelta(days=1) if len(args) > 1 else now + timedelta(seconds=1)
    if end <= start:
        raise DomainError("The end date is before the start date.")
    return start, end


def answer_now(
    flows: Flows, sub: str, args: list[str], *, who: Actor, now: datetime, request: str
) -> dict[str, Any]:
    """The fast part of a subcommand: ask the policy, then do what the database can; the ack body.
    `request` names the command (its trigger id), so it owes what it owes once."""
    action = ACTIONS[sub]
    if action not in ABOUT_AN_INTERVIEW:
        flows.gate.authorize(action, who, now=now)
        if sub == "list":
            page = int(args[0]) if args and args[0].isascii() and args[0].isdigit() else 1
            rows, total = flows.pipeline.list_open(page=page)
            return list_message(rows, total=total, page=page, per_page=PAGE).as_kwargs()
        if sub == "export":
            start, end = export_range(args, now)  # bad dates are refused now, in the ack
            flows.export.request(user_id=who.user_id, request=request, start=start, end=end, now=now)
            return notice("Preparing your export; it will arrive in your DM with me.").as_kwargs()
        raise AssertionError(sub)  # `schedule` opens its form after the ack; `sources` has its own
    number = interview_id(sub, args)
    flows.gate.authorized_interview(action, who, interview_id=number, now=now)
    answer = ABOUT_ONE_INTERVIEW.get(sub)
    if answer is None:
        raise AssertionError(sub)
    return answer(flows, number, args[1:], user=who.user_id, now=now)


class InterviewAnswer(Protocol):
    """A subcommand about one interview, already allowed: `args` are the words after its number."""

    def __call__(
        self, flows: Flows, number: int, args: list[str], *, user: str, now: datetime
    ) -> dict[str, Any]: ...


def _status(flows: Flows, number: int, args: list[str], *, user: str, now: datetime) -> dict[str, Any]:
    s = flows.pipeline.status(interview_id=number)
    return status_message(
        s.interview,
        submitted=s.submitted,
        missing=s.missing,
        undelivered=s.undelivered,
        pending=s.pending,
        origin=s.origin,
        edited_in_slack=s.edited_in_slack,
    ).as_kwargs()


def _remind(flows: Flows, number: int, args: list[str], *, user: str, now: datetime) -> dict[str, Any]:
    reminded, skipped = flows.pipeline.remind_now(interview_id=number, now=now)
    return reminded_message(
        flows.gate.interview(interview_id=number), reminded=reminded, skipped=skipped
    ).as_kwargs()


def _close(flows: Flows, number: int, args: list[str], *, user: str, now: datetime) -> dict[str, Any]:
    interview = flows.pipeline.close(interview_id=number, now=now)
    return notice(f"Posting the summary for {interview.short_id} now.").as_kwargs()


def _cancel(flows: Flows, number: int, args: list[str], *, user: str, now: datetime) -> dict[str, Any]:
    interview = flows.pipeline.cancel(interview_id=number, user_id=user, now=now)
    return notice(
        f"Cancelled {interview.short_id} ({interview.candidate}). No more prompts or reminders."
    ).as_kwargs()


def _follow_up(flows: Flows, number: int, args: list[str], *, user: str, now: datetime) -> dict[str, Any]:
    interview = flows.pipeline.follow_up(interview_id=number, now=now)
    return notice(
        f"Noted: {interview.candidate} sent a follow-up note. It counts as a sign of interest."
    ).as_kwargs()


def _forget(flows: Flows, number: int, args: list[str], *, user: str, now: datetime) -> dict[str, Any]:
    interview = flows.privacy.forget(interview_id=number, user_id=user, now=now)
    return notice(
        f"Erased the candidate's personal data and all debrief texts for {interview.short_id}; "
        "ratings stay, anonymously, for calibration. Posted messages, a per-candidate channel and "
        "exports that held it are being updated."
    ).as_kwargs()


def _audit(flows: Flows, number: int, args: list[str], *, user: str, now: datetime) -> dict[str, Any]:
    interview, entries = flows.privacy.audit_trail(interview_id=number)
    return audit_message(interview, entries).as_kwargs()


def _change_panel(flows: Flows, number: int, args: list[str], *, user: str, now: datetime) -> dict[str, Any]:
    if len(args) < 2 or args[0].lower() not in ("add", "remove"):
        raise DomainError(PANEL_USAGE)
    people = parse_user_mentions(args[1:])
    adding = args[0].lower() == "add"
    interview = flows.panels.change_panel(
        interview_id=number, add=people if adding else (), remove=() if adding else people, now=now, by=user
    )
    return panel_changed_message(interview).as_kwargs()


# What each subcommand about one interview answers in the ack, by name.
ABOUT_ONE_INTERVIEW: dict[str, InterviewAnswer] = {
    "status": _status,
    "remind": _remind,
    "close": _close,
    "cancel": _cancel,
    "followup": _follow_up,
    "forget": _forget,
    "audit": _audit,
    "panel": _change_panel,
}


def register(app: App, deps: Deps) -> None:
    def answer(ack: Ack, command: dict[str, Any]) -> None:
        sub, args = split(command.get("text"))
        user = command["user_id"]
        if sub in ("", "help") or sub not in ACTIONS:
            ack(**_help(deps, sub, command))
        elif sub in SLOW:
            ack()  # at once: the form opens on this trigger, checked first (`finish`), or says why not
        elif sub == "sources":
            ack(**_sources(deps, user))
        else:
            try:
                now = deps.clock()
                request = str(command.get("trigger_id") or f"{user}:{now.isoformat()}")
                ack(**answer_now(deps.flows, sub, args, who=actor(deps, user), now=now, request=request))
            except DomainError as exc:
                ack(**notice(str(exc)).as_kwargs())
            else:
                deps.dispatcher.kick()  # what it owed (reminders, a closed interview's summary) goes out now

    @tells_on_failure
    def finish(command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        sub, args = split(command.get("text"))
        if sub not in SLOW:
            return
        try:
            modal = _slow_modal(deps, sub, args, command)
        except DomainError as exc:  # refused (and recorded), or no such interview: only they see why
            respond(**notice(str(exc)).as_kwargs())
            return
        client.views_open(trigger_id=command["trigger_id"], view=modal)

    app.command(COMMAND)(ack=answer, lazy=[finish])


def _help(deps: Deps, sub: str, command: dict[str, Any]) -> dict[str, Any]:
    """`/debrief` or `/debrief help`: what it can do; an unknown subcommand is said so first."""
    is_recruiter = deps.access.is_recruiter(command["user_id"])
    if sub in ("", "help"):
        return help_message(is_recruiter=is_recruiter).as_kwargs()
    return help_message(unknown=command.get("text", ""), is_recruiter=is_recruiter).as_kwargs()


def _sources(deps: Deps, user: str) -> dict[str, Any]:
    """`/debrief sources`: each source's state, or why this person may not see it."""
    try:
        deps.flows.gate.authorize(Action.SOURCES, actor(deps, user), now=deps.clock())
    except DomainError as exc:
        return notice(str(exc)).as_kwargs()
    statuses = deps.sync.statuses() if deps.sync is not None else []
    return sources_message(statuses, now=deps.clock()).as_kwargs()


def _slow_modal(deps: Deps, sub: str, args: list[str], command: dict[str, Any]) -> View:
    """The form `schedule` or `reschedule` opens, once the policy allows it; DomainError says why not."""
    who, now = actor(deps, command["user_id"]), deps.clock()
    if sub == "schedule":
        deps.flows.gate.authorize(Action.SCHEDULE, who, now=now)
        return schedule_modal(
            default_channel_id=deps.default_channel, origin_channel_id=command.get("channel_id")
        )
    number = interview_id(sub, args)
    deps.flows.gate.authorized_interview(ACTIONS[sub], who, interview_id=number, now=now)
    interview = deps.flows.pipeline.check_reschedulable(interview_id=number)
    return schedule_modal(
        default_channel_id=interview.channel_id,
        origin_channel_id=command.get("channel_id"),
        interview=interview,
    )
