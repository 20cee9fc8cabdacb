"""What every use case shares: the repository, the courier, timing, policy, and the summary message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bot.channels import Channels
from bot.domain.models import Interview
from bot.domain.summary import summarise
from bot.domain.summary_types import Policy, Summary
from bot.domain.validation import MAX_INTERVIEW_ID, NotAllowed, NotFound
from bot.domain.worktime import WorkingWeek
from bot.flows.connect import prompt_elsewhere, summary_in_private
from bot.flows.render import TOLD, Renderer, owed_message
from bot.outbox import Courier
from bot.policy import Action, Actor, may, refusal, roles
from bot.views.common import mention
from bot.views.messages import undelivered_line, undelivered_notice
from storage.repository import OutboxItem, Outgoing, Repository


@dataclass(frozen=True)
class Timing:
    remind_after: timedelta = timedelta(minutes=120)
    deadline: timedelta = timedelta(minutes=1440)
    manual_remind_gap: timedelta = timedelta(hours=1)
    snooze: timedelta = timedelta(hours=1)
    extend: timedelta = timedelta(hours=24)


# A person's time zone, or None when unknown (then any hour is a working hour).
Zones = Callable[[str], tzinfo | None]


def post(key: str, kind: str, interview_id: int, channel: str, message: dict[str, object]) -> Outgoing:
    """An owed chat.postMessage of fixed words (a notice naming no one's data); `channel` may be a
    user id (the bot's DM with them). Messages about a candidate are owed with `owed_message`."""
    return Outgoing(
        key=key,
        kind=kind,
        method="chat.postMessage",
        payload={"channel": channel, **message},
        interview_id=interview_id,
    )


def in_range(interview_id: int) -> bool:
    """Whether an id can be looked up: past `MAX_INTERVIEW_ID` the database raises instead of finding none."""
    return 0 < interview_id <= MAX_INTERVIEW_ID


def no_interview(interview_id: int) -> NotFound:
    return NotFound(f"No interview #{interview_id}.")


class FlowsBase:
    """The product's use cases over a repository; Slack is reached only through the courier."""

    def __init__(
        self,
        *,
        repository: Repository,
        courier: Courier,
        timing: Timing,
        policy: Policy,
        zones: Zones | None = None,
        working_week: WorkingWeek | None = None,
        channels: Channels | None = None,
        per_candidate: bool = False,
        archive_after: timedelta = timedelta(days=7),
    ) -> None:
        self.channels = channels
        self.per_candidate = per_candidate
        self.archive_after = archive_after
        self.repository = repository
        self.courier = courier
        self.timing = timing
        self.policy = policy
        self.zones: Zones = zones or (lambda _user: None)
        self.working_week = working_week or WorkingWeek()
        # Told the people whose Home tab may show an interview that was just erased (set by the app).
        self.on_erased: Callable[[Interview], None] | None = None
        self.renderer = Renderer(repository, summary=self.summary, deadline=timing.deadline)
        courier.on_failure = self.undeliverable
        courier.render = self.renderer.render
        courier.before_pass = self.renderer.fresh

    def actor(self, user_id: str, *, recruiter: bool, admin: bool = False) -> Actor:
        """Who this person is to the policy (whether they manage any interview comes from our records)."""
        return Actor(
            user_id=user_id,
            recruiter=recruiter,
            admin=admin,
            manages_any=self.repository.manages_any(user_id=user_id),
        )

    def authorize(
        self, action: Action, actor: Actor, *, now: datetime, interview: Interview | None = None
    ) -> None:
        """Raise NotAllowed (saying why, and recording the refusal) unless the policy allows it."""
        if may(action, roles(actor, interview)):
            return
        self.audit(
            actor.user_id,
            action,
            now=now,
            interview_id=None if interview is None else interview.id,
            refused=True,
        )
        raise NotAllowed(refusal(action))

    def allowed(self, action: Action, actor: Actor, *, interview: Interview | None = None) -> bool:
        """Whether the policy allows it (asked again after an ack that already checked and said why)."""
        return may(action, roles(actor, interview))

    def authorized_interview(
        self, action: Action, actor: Actor, *, interview_id: int, now: datetime
    ) -> Interview:
        """The interview, once the policy allows `actor` to do `action` to it."""
        interview = self.interview(interview_id=interview_id)
        self.authorize(action, actor, now=now, interview=interview)
        return interview

    def audit(
        self,
        actor: str,
        action: Action | str,
        *,
        now: datetime,
        interview_id: int | None = None,
        refused: bool = False,
        detail: str = "",
    ) -> None:
        self.repository.record_audit(
            actor=actor,
            action=str(action),
            outcome="refused" if refused else "done",
            now=now,
            interview_id=interview_id,
            detail=detail,
        )

    def interview(self, *, interview_id: int) -> Interview:
        found = self.repository.get_interview(interview_id=interview_id) if in_range(interview_id) else None
        if found is None:
            raise no_interview(interview_id)
        return found

    def summary(self, interview: Interview, *, final: bool = True) -> Summary:
        debriefs = self.repository.list_debriefs(interview_id=interview.id)
        history = self.repository.past_panels(
            interviewer_ids=interview.interviewer_ids, before=interview.ends_at
        )
        return summarise(interview, debriefs, final=final, policy=self.policy, history=history)

    def summary_outgoing(
        self, interview: Interview, summary: Summary, *, now: datetime, note: str = ""
    ) -> list[Outgoing]:
        """Owe the summary: posted the first time, updated in place after that (with `note` in its thread).
        Rendered when sent, from the interview as it is then (bot/flows/render.py)."""
        first = f"summary:{interview.id}"
        if not self.repository.is_owed(key=first):
            if self.is_external(interview.channel_id):
                return summary_in_private(interview)
            return [owed_message(first, "summary", interview.id, interview.channel_id)]
        revision = self.repository.next_summary_revision(interview_id=interview.id, now=now)
        owed = [
            owed_message(
                f"summary_update:{interview.id}:{revision}",
                "summary_update",
                interview.id,
                "",
                method="chat.update",
                of=first,
            )
        ]
        if note and not self.is_external(interview.channel_id):  # no new post where another org reads
            owed.append(
                Outgoing(
                    key=f"summary_reply:{interview.id}:{revision}",
                    kind="summary_reply",
                    method="chat.postMessage",
                    payload={"thread_of": first, "text": note},
                    interview_id=interview.id,
                )
            )
        return owed

    def refresh_summary(self, interview_id: int, *, now: datetime, note: str = "") -> None:
        """Re-render a posted summary in place (a decision, a follow-up note, a late debrief)."""
        interview = self.interview(interview_id=interview_id)
        if self.repository.is_owed(key=f"summary:{interview.id}"):
            self.repository.enqueue(
                outgoing=self.summary_outgoing(interview, self.summary(interview), now=now, note=note),
                now=now,
            )

    def prompt(self, interview: Interview, *, now: datetime) -> bool:
        """Claim the prompt (once) and owe the channel post and a DM to each interviewer; in
        per-candidate mode, once the candidate's channel is made (or given up on)."""
        if self.per_candidate and self.repository.outbox_status(key=f"channel:{interview.id}") == "pending":
            return False
        return self.owe_prompt(interview, now=now)

    def owe_prompt(self, interview: Interview, *, now: datetime) -> bool:
        """Claim the prompt (once) and owe its messages, wherever the interview's channel is now. In a
        channel shared with another organisation the panel still gets its DMs; the recruiter hears why."""
        if self.is_external(interview.channel_id):
            owed = [prompt_elsewhere(interview)]
        else:
            owed = [owed_message(f"prompt:{interview.id}", "prompt", interview.id, interview.channel_id)]
        owed += [
            owed_message(f"prompt_dm:{interview.id}:{user}", "prompt_dm", interview.id, user)
            for user in interview.interviewer_ids
        ]
        return self.repository.claim_prompt(interview_id=interview.id, now=now, outgoing=owed)

    def summarise_if_due(self, *, interview_id: int, now: datetime) -> bool:
        """Post this interview's summary now if everyone is in (or its deadline has passed)."""
        if not self.repository.summary_due(interview_id=interview_id, now=now):
            return False
        return self.summarise(self.interview(interview_id=interview_id), now=now)

    def summarise(self, interview: Interview, *, now: datetime) -> bool:
        """Claim the summary (once) and owe its message, and what is private (notes, calibration) to the
        hiring manager and the recruiter."""
        summary = self.summary(interview)
        owed = self.summary_outgoing(interview, summary, now=now)
        notes = [
            (d.interviewer_id, d.answers.private_note)
            for d in summary.debriefs
            if d.answers.private_note.strip()
        ]
        # Private notes and calibration hints: to the hiring manager and the recruiter, never a channel.
        for user in dict.fromkeys((interview.hiring_manager_id, interview.recruiter_id)):
            if notes:
                owed.append(
                    owed_message(
                        f"private_notes:{interview.id}:{len(notes)}:{user}",
                        "private_notes",
                        interview.id,
                        user,
                    )
                )
            if summary.calibration:
                owed.append(
                    owed_message(f"calibration:{interview.id}:{user}", "calibration", interview.id, user)
                )
        if summary.missing:
            names = ", ".join(mention(u) for u in summary.missing)
            owed.append(
                post(
                    f"missing:{interview.id}:{len(summary.submitted)}",
                    "missing",
                    interview.id,
                    interview.recruiter_id,
                    {"text": f"Debriefs for {interview.short_id} closed without one from {names}."},
                )
            )
        return self.repository.claim_summary(
            interview_id=interview.id, now=now, final=True, verdict=summary.verdict.kind.value, outgoing=owed
        )

    def is_external(self, channel_id: str) -> bool:
        """Whether a channel is shared with another organisation (Slack Connect): nothing is posted there."""
        return self.channels is not None and self.channels.is_external(channel_id)

    def undeliverable(self, item: OutboxItem, error: str) -> None:
        """A call given up on for good: the recruiter who scheduled the interview hears of it, once per
        message (its Home tab and `/debrief status` list it too). Never silent."""
        if item.kind in ("notice", TOLD) or item.interview_id is None:
            return  # a notice about a notice would loop; with no interview, only the logs can tell
        interview = self.repository.get_interview(interview_id=item.interview_id)
        if interview is None:
            return
        recipient = str(item.payload.get("channel", ""))
        line = undelivered_line(item.kind, recipient, error)
        message = undelivered_notice(interview, line, private_channel_hint=recipient.startswith(("C", "G")))
        self.repository.enqueue(
            outgoing=[
                post(
                    f"undeliverable:{item.subject}",
                    "notice",
                    interview.id,
                    interview.recruiter_id,
                    message.as_kwargs(),
                )
            ],
            now=item.created_at,
        )

    def deliver(self, *, now: datetime, workers: int | None = None) -> int:
        """Send what is owed and due (to at most `workers` channels at once); how many calls went through."""
        return self.courier.deliver(self.repository, now=now, workers=workers)
