"""What the schedule modal turns into once submitted, and the same words in the channel."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.views import View

from bot.domain.models import Interview, InterviewStatus
from bot.ids import Callback
from bot.views.common import channel_link, interview_line, mention, mentions, section, slack_date


def scheduled_text(interview: Interview, *, rescheduled: bool = False, now: datetime | None = None) -> str:
    """What was scheduled, and when and where the debrief opens (mrkdwn).

    Without `now`, "already ended" is read from the status (the prompt went out).
    """
    ended = interview.status is not InterviewStatus.SCHEDULED or (
        now is not None and interview.ends_at <= now
    )
    verb = "Rescheduled" if rescheduled else "Scheduled"
    when = (
        "The interview is over: the debrief prompt goes out now"
        if ended
        else f"The debrief opens {slack_date(interview.ends_at)}"
    )
    return (
        f"🗓️ {verb} {interview.short_id}: {interview_line(interview)}\n"
        f"{slack_date(interview.starts_at)} · {interview.length_minutes} min · "
        f"panel {mentions(interview.interviewer_ids)} · "
        f"hiring manager {mention(interview.hiring_manager_id)}\n"
        f"{when} in {channel_link(interview.channel_id)}."
    )


def scheduled_view(interview: Interview, *, now: datetime | None = None, rescheduled: bool = False) -> View:
    """What the schedule modal turns into once submitted (`response_action="update"`)."""
    return View(
        type="modal",
        callback_id=Callback.SCHEDULE,
        title="Interview rescheduled" if rescheduled else "Interview scheduled",
        close="Done",
        blocks=[section(scheduled_text(interview, rescheduled=rescheduled, now=now))],
    )
