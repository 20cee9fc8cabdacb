"""Use cases shared by the listeners and the scheduler. Every one takes `now`; none reads the clock.

Messages we owe people (prompts, reminders, receipts, summaries) are written to the outbox in the
same transaction as the state change that owes them, then delivered by `deliver`: a crash or a
Slack outage between the two loses nothing, and a repeated claim sends nothing twice.
"""

from bot.flows.archive import ArchiveFlows
from bot.flows.base import Timing, Zones
from bot.flows.debriefs import DebriefFlows
from bot.flows.pipeline import PipelineFlows, Status
from bot.flows.privacy import PrivacyFlows
from bot.flows.ticks import TickFlows, TickReport

__all__ = ["Flows", "Status", "TickReport", "Timing", "Zones"]


class Flows(TickFlows, DebriefFlows, PipelineFlows, PrivacyFlows, ArchiveFlows):
    """All use cases, one object: interviewers' (debriefs), recruiters' (pipeline), the scheduler's (ticks)."""
