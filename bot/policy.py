"""Who may do what, in one table: actions × roles. Every listener and use case asks `may` / `refusal`
here (through `Flows.authorize`, which also records a refusal in the audit trail); nothing else
decides a permission.

Roles are about one interview: the same person can be on its panel and its hiring manager. A person
may do an action when any role they hold allows it. Workspace admins and owners are recruiters only
when `DEBRIEF_RECRUITERS` is empty (closed by default: never "everyone"); otherwise being an admin
grants nothing over debriefs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.models import Interview


class Role(StrEnum):
    PANELIST = "an interviewer on this panel"
    HIRING_MANAGER = "the hiring manager of this interview"
    OTHER_HIRING_MANAGER = "a hiring manager of other interviews"
    RECRUITER = "a recruiter"
    ADMIN = "a workspace admin or owner"
    OTHER = "anyone else"


class Action(StrEnum):
    """Everything that needs permission; the values are the `/debrief` subcommands where there is one."""

    SCHEDULE = "schedule"
    LIST = "list"
    EXPORT = "export"
    STATUS = "status"
    REMIND = "remind"
    CLOSE = "close"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    FOLLOWUP = "followup"
    FORGET = "forget"
    AUDIT = "audit"
    PANEL = "panel"
    SOURCES = "sources"
    EXTEND = "extend"
    DECIDE = "decide"
    WHO_SAID_WHAT = "who_said_what"
    WRITE_DEBRIEF = "write_debrief"
    SNOOZE = "snooze"
    SEE_ALL = "see_all"  # the Home tab lists every interview, not only one's own


R, HM, P = Role.RECRUITER, Role.HIRING_MANAGER, Role.PANELIST

# The whole policy. A role not named for an action is refused it.
TABLE: Mapping[Action, frozenset[Role]] = {
    Action.SCHEDULE: frozenset({R}),
    Action.LIST: frozenset({R}),
    Action.EXPORT: frozenset({R}),
    Action.STATUS: frozenset({R, HM}),
    Action.REMIND: frozenset({R, HM}),
    Action.CLOSE: frozenset({R}),
    Action.CANCEL: frozenset({R}),
    Action.RESCHEDULE: frozenset({R}),
    Action.FOLLOWUP: frozenset({R}),
    Action.FORGET: frozenset({R}),
    Action.AUDIT: frozenset({R}),
    Action.PANEL: frozenset({R}),
    Action.SOURCES: frozenset({R}),
    Action.EXTEND: frozenset({R, HM}),
    Action.DECIDE: frozenset({R, HM}),
    Action.WHO_SAID_WHAT: frozenset({R, HM}),
    Action.WRITE_DEBRIEF: frozenset({P}),
    Action.SNOOZE: frozenset({P}),
    Action.SEE_ALL: frozenset({R}),
}

# Actions about one interview (the others are about the whole pipeline).
ABOUT_AN_INTERVIEW = frozenset(TABLE) - {
    Action.SCHEDULE,
    Action.LIST,
    Action.EXPORT,
    Action.SOURCES,
    Action.SEE_ALL,
}

# What each action is, for a refusal ("Only … can <what>.").
_WHAT = {
    Action.SCHEDULE: "schedule interviews",
    Action.LIST: "list interviews",
    Action.EXPORT: "export debriefs",
    Action.STATUS: "see this interview's status",
    Action.REMIND: "remind this panel",
    Action.CLOSE: "close this interview's debriefs",
    Action.CANCEL: "cancel this interview",
    Action.RESCHEDULE: "reschedule this interview",
    Action.FOLLOWUP: "record a follow-up note",
    Action.FORGET: "erase an interview",
    Action.AUDIT: "read an interview's audit trail",
    Action.PANEL: "change this panel",
    Action.SOURCES: "see the calendars and ATSs interviews come from",
    Action.EXTEND: "extend this panel's deadline",
    Action.DECIDE: "record a decision on this interview",
    Action.WHO_SAID_WHAT: "see who said what",
    Action.WRITE_DEBRIEF: "write a debrief for this interview",
    Action.SNOOZE: "snooze this reminder",
    Action.SEE_ALL: "see every interview",
}
_WHO = {P: "the interviewers on the panel", HM: "the hiring manager", R: "recruiters"}


@dataclass(frozen=True)
class Actor:
    """The person acting, as far as the workspace says: a recruiter (by settings), an admin (by Slack),
    a hiring manager of any interview (by our records)."""

    user_id: str
    recruiter: bool = False
    admin: bool = False
    manages_any: bool = False


def roles(actor: Actor, interview: Interview | None) -> frozenset[Role]:
    """Every role `actor` holds for `interview` (None: an action about the whole pipeline)."""
    held = set()
    if actor.recruiter:
        held.add(Role.RECRUITER)
    if actor.admin:
        held.add(Role.ADMIN)
    if interview is not None and interview.on_panel(actor.user_id):
        held.add(Role.PANELIST)
    if interview is not None and interview.hiring_manager_id == actor.user_id:
        held.add(Role.HIRING_MANAGER)
    elif actor.manages_any:
        held.add(Role.OTHER_HIRING_MANAGER)
    return frozenset(held or {Role.OTHER})


def may(action: Action, held: frozenset[Role]) -> bool:
    return bool(TABLE[action] & held)


def refusal(action: Action) -> str:
    """Why a refused person was refused, in words they can act on (no candidate data)."""
    allowed = [_WHO[role] for role in (P, HM, R) if role in TABLE[action]]
    who = " and ".join(allowed) if len(allowed) < 3 else ", ".join(allowed)
    text = f"Only {who} can {_WHAT[action]}."
    if TABLE[action] == {R}:
        text += " Ask your recruiting team to add you to DEBRIEF_RECRUITERS."
    return text
