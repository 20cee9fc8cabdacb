"""What an interview's panel and deciders are owed as it moves on: the prompt when it ends, the
summary when it is due (and its updates), the private notes and calibration hints beside it."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.channels import Channels, SharingUnknown
from bot.domain.models import Interview
from bot.domain.summary import summarise
from bot.domain.summary_types import Policy, Summary
from bot.flows.base import post
from bot.flows.connect import prompt_elsewhere, summary_in_private
from bot.flows.gate import Gate
from bot.flows.render import owed_message
from bot.views.common import mention
from storage.repository import Outgoing, Repository

log = logging.getLogger(__name__)


class Announcer:
    """Owes prompts and summaries, once each (claimed in the database), rendered when sent."""

    def __init__(
        self,
        repository: Repository,
        *,
        gate: Gate,
        policy: Policy,
        channels: Channels | None = None,
        per_candidate: bool = False,
    ) -> None:
        self.repository = repository
        self.gate = gate
        self.policy = policy
        self.channels = channels
        self.per_candidate = per_candidate

    def summary(self, interview: Interview, *, final: bool = True) -> Summary:
        debriefs = self.repository.debriefs.list_debriefs(interview_id=interview.id)
        history = self.repository.debriefs.past_panels(
            interviewer_ids=interview.interviewer_ids, before=interview.ends_at
        )
        return summarise(interview, debriefs, final=final, policy=self.policy, history=history)

    def summary_outgoing(
        self, interview: Interview, summary: Summary, *, now: datetime, note: str = ""
    ) -> list[Outgoing]:
        """Owe the summary: posted the first time, updated in place after that (with `note` in its thread).
        Rendered when sent, from the interview as it is then (bot/flows/render.py)."""
        first = f"summary:{interview.id}"
        if not self.repository.outbox.is_owed(key=first):
            if self.is_external(interview.channel_id):
                return summary_in_private(interview)
            return [owed_message(first, "summary", interview.id, interview.channel_id)]
        revision = self.repository.lifecycle.next_summary_revision(interview_id=interview.id, now=now)
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
        if note and self.surely_internal(interview.channel_id):  # no new post where another org reads
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
        interview = self.gate.interview(interview_id=interview_id)
        if self.repository.outbox.is_owed(key=f"summary:{interview.id}"):
            self.repository.outbox.enqueue(
                outgoing=self.summary_outgoing(interview, self.summary(interview), now=now, note=note),
                now=now,
            )

    def prompt(self, interview: Interview, *, now: datetime) -> bool:
        """Claim the prompt (once) and owe the channel post and a DM to each interviewer; in
        per-candidate mode, once the candidate's channel is made (or given up on)."""
        if (
            self.per_candidate
            and self.repository.outbox.outbox_status(key=f"channel:{interview.id}") == "pending"
        ):
            return False
        return self.owe_prompt(interview, now=now)

    def owe_prompt(self, interview: Interview, *, now: datetime) -> bool:
        """Claim the prompt (once) and owe its messages, wherever the interview's channel is now. In a
        channel shared with another organisation the panel still gets its DMs; the recruiter hears why.
        While Slack can't say whether it is, nothing is claimed: the next tick asks again."""
        try:
            external = self.is_external(interview.channel_id)
        except SharingUnknown:
            return _later(interview, "prompt")
        if external:
            owed = [prompt_elsewhere(interview)]
        else:
            owed = [owed_message(f"prompt:{interview.id}", "prompt", interview.id, interview.channel_id)]
        owed += [
            owed_message(f"prompt_dm:{interview.id}:{user}", "prompt_dm", interview.id, user)
            for user in interview.interviewer_ids
        ]
        return self.repository.claims.claim_prompt(interview_id=interview.id, now=now, outgoing=owed)

    def summarise_if_due(
        self, *, interview_id: int, now: datetime, interview: Interview | None = None
    ) -> bool:
        """Post this interview's summary now if everyone is in (or its deadline has passed). A caller
        that read `interview` after its status and deadline last changed passes it (one read fewer)."""
        if not self.repository.claims.summary_due(interview_id=interview_id, now=now, interview=interview):
            return False
        return self.summarise(interview or self.gate.interview(interview_id=interview_id), now=now)

    def summarise(self, interview: Interview, *, now: datetime) -> bool:
        """Claim the summary (once) and owe its message, and what is private (notes, calibration) to the
        hiring manager and the recruiter."""
        summary = self.summary(interview)
        try:
            owed = self.summary_outgoing(interview, summary, now=now)
        except SharingUnknown:
            return _later(interview, "summary")
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
        return self.repository.claims.claim_summary(
            interview_id=interview.id, now=now, final=True, verdict=summary.verdict.kind.value, outgoing=owed
        )

    def looked_up(self, interviews: list[Interview]) -> list[Interview]:
        """A page of due interviews, their channels' sharing asked about together (see `is_external`)."""
        if self.channels is not None:
            self.channels.look_up_sharing(i.channel_id for i in interviews)
        return interviews

    def is_external(self, channel_id: str) -> bool:
        """Whether a channel is shared with another organisation (Slack Connect): nothing is posted there.
        SharingUnknown while Slack can't say (bot/channels.py)."""
        return self.channels is not None and self.channels.is_external(channel_id)

    def surely_internal(self, channel_id: str) -> bool:
        """Known not to be shared with another organisation; False while Slack can't say."""
        try:
            return not self.is_external(channel_id)
        except SharingUnknown:
            return False


def _later(interview: Interview, what: str) -> bool:
    """Nothing claimed while Slack can't say whether the channel is shared: still due, so the next
    tick asks again."""
    log.warning(
        "%s: is %s shared? Slack can't say now; the %s waits", interview.short_id, interview.channel_id, what
    )
    return False
