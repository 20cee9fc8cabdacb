"""The gate every use case passes: who may do what, asked of the one policy (bot/policy.py), every
refusal recorded in the audit trail; and the interview lookup every use case starts from."""

from __future__ import annotations

from datetime import datetime

from bot.domain.models import Interview
from bot.domain.validation import NotAllowed
from bot.flows.base import in_range, no_interview
from bot.policy import Action, Actor, may, refusal, roles
from storage.repository import Repository


class Gate:
    """The policy's answers for use cases and listeners; refusals are recorded with who and when."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository

    def actor(self, user_id: str, *, recruiter: bool, admin: bool = False) -> Actor:
        """Who this person is to the policy (whether they manage any interview comes from our records)."""
        return Actor(
            user_id=user_id,
            recruiter=recruiter,
            admin=admin,
            manages_any=self.repository.privacy.manages_any(user_id=user_id),
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
        self.repository.privacy.record_audit(
            actor=actor,
            action=str(action),
            outcome="refused" if refused else "done",
            now=now,
            interview_id=interview_id,
            detail=detail,
        )

    def interview(self, *, interview_id: int) -> Interview:
        found = (
            self.repository.interviews.get_interview(interview_id=interview_id)
            if in_range(interview_id)
            else None
        )
        if found is None:
            raise no_interview(interview_id)
        return found
