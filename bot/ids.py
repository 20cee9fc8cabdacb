"""Every callback_id, action_id and block_id the app uses, defined once."""

from enum import StrEnum

COMMAND = "/debrief"


class Callback(StrEnum):
    SCHEDULE = "schedule_interview"
    DEBRIEF = "debrief"
    WHO_SAID_WHAT = "who_said_what"
    SCHEDULE_SHORTCUT = "schedule_interview_shortcut"


class Action(StrEnum):
    WRITE_DEBRIEF = "write_debrief"
    EDIT_DEBRIEF = "edit_debrief"
    WHO_SAID_WHAT = "who_said_what"
    DECIDE_ADVANCE = "decide_advance"
    DECIDE_REJECT = "decide_reject"
    DECIDE_HOLD = "decide_hold"
    REMIND = "remind"
    EXTEND = "extend"
    SNOOZE = "snooze"
    SCHEDULE = "open_schedule"


class Block(StrEnum):
    """Input block ids; each input's action_id is the same string.

    The scheduling and debrief field names match the domain's field names, so a domain
    validation error keyed by field lands on the right block.
    """

    # scheduling modal
    CANDIDATE = "candidate"
    ROLE = "role"
    STAGE = "stage"
    INTERVIEWERS = "interviewers"
    HIRING_MANAGER = "hiring_manager"
    STARTS = "starts_at"
    LENGTH = "length_minutes"
    CHANNEL = "channel"
    NOTES = "notes"
    # debrief modal
    EXCITEMENT = "excitement"
    EXCITEMENT_EVIDENCE = "excitement_evidence"
    FIT = "fit"
    FIT_EVIDENCE = "fit_evidence"
    ABILITY = "ability"
    ABILITY_EVIDENCE = "ability_evidence"
    EXPLORE = "explore"
    PEOPLE_TO_MEET = "people_to_meet"
    QUESTIONS = "questions"
    DEAL_BREAKER = "deal_breaker"
    RECOMMENDATION = "recommendation"
    PRIVATE_NOTE = "private_note"
    # messages
    ACTIONS = "actions"
    DECISION = "decision"
