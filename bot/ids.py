"""Every callback_id, action_id and block_id the app uses, and the /debrief subcommands, defined once."""

from dataclasses import dataclass
from enum import StrEnum

COMMAND = "/debrief"


@dataclass(frozen=True)
class Subcommand:
    """One `/debrief` subcommand: the listener dispatches on `name` (a `bot.policy.Action` of the
    same name decides who may), the help lists `usage` and `summary`, and the manifest's usage hint
    shows `example`."""

    name: str
    usage: str  # what follows the name, e.g. "<id>"
    summary: str
    example: str
    slow: bool = False  # finished after the ack: opens a modal on the command's trigger


# In the order the help and the manifest show them; `help` itself is everyone's and not listed here.
SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("schedule", "", "schedule an interview; the panel is prompted for debriefs when it ends", "schedule", slow=True),
    Subcommand("list", "[page]", "interviews waiting for debriefs or a decision", "list"),
    Subcommand("status", "<id>", "who has submitted a debrief for interview <id>", "status 12"),
    Subcommand("remind", "<id>", "nudge the interviewers who haven't submitted yet", "remind 12"),
    Subcommand("close", "<id>", "stop waiting and post the final summary", "close 12"),
    Subcommand("cancel", "<id>", "cancel an interview and its prompts", "cancel 12"),
    Subcommand("reschedule", "<id>", "change the time, panel or channel of an interview", "reschedule 12", slow=True),
    Subcommand("followup", "<id>", "record that the candidate sent a follow-up note", "followup 12"),
    Subcommand("panel", "<id> add|remove @person", "change a panel before its summary; the prompt follows", "panel 12 add @ana"),
    Subcommand("export", "[from] [to]", "download debriefs between two dates (YYYY-MM-DD)", "export"),
    Subcommand("forget", "<id>", "erase the candidate's personal data and the debrief texts (GDPR)", "forget 12"),
    Subcommand("audit", "<id>", "who opened, exported, erased, cancelled or decided what, and who was refused", "audit 12"),
    Subcommand("sources", "", "the calendar feeds and ATSs interviews are imported from, and how they are doing", "sources"),
)  # fmt: skip
HELP = Subcommand("help", "", "show this message", "help")


def usage_hint() -> str:
    """The slash command's usage hint in `manifest.yml` (a test holds the file to it)."""
    return " | ".join(command.example for command in (*SUBCOMMANDS, HELP))


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
