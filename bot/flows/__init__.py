"""Use cases shared by the listeners and the scheduler. Every one takes `now`; none reads the clock.

Messages we owe people (prompts, reminders, receipts, summaries) are written to the outbox in the
same transaction as the state change that owes them, then delivered by `Ticks.deliver`: a crash or a
Slack outage between the two loses nothing, and a repeated claim sends nothing twice.

One class per area, each given what it uses; `Flows` only builds them and wires them to the courier:

    gate         who may do what (bot/policy.py), refusals audited; the interview lookup
    announcer    the prompt and the summary an interview is owed, once each
    debriefs     interviewers: open, write, edit, snooze; Home tabs; who said what
    pipeline     recruiters and hiring managers: schedule ... decide, status; channel set-up
    panels       panel changes (commands, synced calendars, deactivated people)
    privacy      audit trail, tracked exports, erasure (forget, retention), posts in doubt
    archive      a per-candidate channel emptied, then archived
    export       CSV exports, uploaded by the dispatcher
    ticks        the scheduler's pass and delivery
    dead_letters what Slack refused for good reaches a person
    told         what a person who clicked a button is told (a DM, exactly once)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.channels import Channels
from bot.courier import Courier
from bot.domain.summary_types import Policy
from bot.domain.worktime import WorkingWeek
from bot.flows.announce import Announcer
from bot.flows.archive import ARCHIVE_CHANNEL, Archive
from bot.flows.base import Timing, Zones
from bot.flows.dead_letters import DeadLetters
from bot.flows.debriefs import Debriefs
from bot.flows.export import EXPORT_CSV, Export
from bot.flows.gate import Gate
from bot.flows.panels import Panels
from bot.flows.pipeline import CHECK_CHANNEL, OWN_CHANNEL, Pipeline, Status
from bot.flows.privacy import LOOK_UP, Privacy
from bot.flows.render import Renderer
from bot.flows.ticks import TickReport, Ticks
from bot.flows.told import Told
from storage.repository import Repository

__all__ = ["Flows", "Status", "TickReport", "Timing", "Zones"]


@dataclass(frozen=True)
class Flows:
    """Every use case, by area (see the module docstring); built once by `Flows.build`."""

    repository: Repository
    courier: Courier
    gate: Gate
    announcer: Announcer
    debriefs: Debriefs
    pipeline: Pipeline
    panels: Panels
    privacy: Privacy
    archive: Archive
    export: Export
    ticks: Ticks
    dead_letters: DeadLetters
    told: Told

    @classmethod
    def build(
        cls,
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
    ) -> Flows:
        """The areas, each with its collaborators; then the courier is connected to them."""
        gate = Gate(repository)
        announcer = Announcer(
            repository, gate=gate, policy=policy, channels=channels, per_candidate=per_candidate
        )
        panels = Panels(repository, gate=gate, announcer=announcer, timing=timing)
        told = Told(repository)
        privacy = Privacy(repository, gate=gate, lookup=courier.lookup)
        flows = cls(
            repository=repository,
            courier=courier,
            gate=gate,
            announcer=announcer,
            debriefs=Debriefs(
                repository,
                gate=gate,
                announcer=announcer,
                channels=channels or courier.channels,
                timing=timing,
            ),
            pipeline=Pipeline(
                repository,
                gate=gate,
                announcer=announcer,
                timing=timing,
                channels=channels,
                per_candidate=per_candidate,
                archive_after=archive_after,
            ),
            panels=panels,
            privacy=privacy,
            archive=Archive(repository, gate=gate, client=courier.client),
            export=Export(repository, client=courier.client, record=privacy.record_export),
            ticks=_ticks(repository, announcer, courier, zones, working_week),
            dead_letters=DeadLetters(repository, panels=panels, told=told),
            told=told,
        )
        flows._connect_courier(Renderer(repository, summary=announcer.summary, deadline=timing.deadline))
        return flows

    def _connect_courier(self, renderer: Renderer) -> None:
        """The courier renders owed messages at send time, runs our own multi-call tasks, and tells
        the dead-letter handler what it gave up on."""
        courier = self.courier
        courier.render = renderer.render
        courier.prepare = renderer.prepare
        courier.on_failure = self.dead_letters.undeliverable
        courier.tasks[CHECK_CHANNEL] = self.pipeline.check_channel
        courier.tasks[OWN_CHANNEL] = self.pipeline.set_up_own_channel
        courier.tasks[LOOK_UP] = self.privacy.look_up_post
        courier.tasks[ARCHIVE_CHANNEL] = self.archive.empty_and_archive
        courier.tasks[EXPORT_CSV] = self.export.deliver


def _ticks(
    repository: Repository,
    announcer: Announcer,
    courier: Courier,
    zones: Zones | None,
    working_week: WorkingWeek | None,
) -> Ticks:
    """The scheduler's pass: with no zones every hour is a working hour; the default week is
    Monday to Friday."""
    return Ticks(
        repository,
        announcer=announcer,
        courier=courier,
        zones=zones or (lambda _user: None),
        working_week=working_week or WorkingWeek(),
    )
