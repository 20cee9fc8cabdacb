"""Builds the Bolt app and everything it needs from settings; no globals."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.access import CLOSED_BY_DEFAULT, Access
from bot.channels import Channels, SharingUnknown
from bot.courier import Courier
from bot.directory import Directory
from bot.dispatch import Dispatcher
from bot.domain.models import Interview
from bot.domain.validation import DomainError
from bot.flows import Flows, Timing, Zones
from bot.flows.sync import SourceSync
from bot.ids import Block, Callback
from bot.listeners import Deps, register
from bot.listeners.home import refresh_home
from bot.people import People
from bot.settings import Settings, SettingsError
from bot.slack_client import make_client
from bot.sources.configured import configured_sources
from bot.views.messages import SORRY, notice
from bot.webhooks import Route, webhook_routes
from storage.database import open_database
from storage.repository import Repository

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_ERROR_BLOCK = {Callback.DEBRIEF: Block.RECOMMENDATION, Callback.SCHEDULE: Block.CANDIDATE}
AFTER_REQUEST_SENDERS = 4


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Bot:
    """Everything one bot process runs: the Bolt app and the use cases the scheduler ticks."""

    app: App
    flows: Flows
    repository: Repository
    client: WebClient
    clock: Clock
    executor: ThreadPoolExecutor  # runs Bolt's lazy listeners: modals opened on a trigger
    dispatcher: Dispatcher  # sends what requests owed, after their ack
    sync: SourceSync | None = None  # calendar feeds and ATSs, when any is configured
    routes: dict[str, Route] = field(default_factory=dict)  # webhooks for bot.http (Ashby's)

    def close(self) -> None:
        """Let lazy listeners (modals) and the dispatcher (everything else owed) finish, then release
        the database."""
        self.executor.shutdown(wait=True)
        self.dispatcher.stop()
        self.flows.courier.close()
        if self.sync is not None:
            self.sync.close()
        self.repository.engine.dispose()


def build(
    settings: Settings, *, clock: Clock = utc_now, client: WebClient | None = None, migrate: bool = True
) -> Bot:
    """Wire settings -> database, Slack client, flows, Bolt app (listeners registered)."""
    client = client or make_client(settings)
    channels = Channels(client, monotonic=lambda: clock().timestamp())  # its cache ages with our clock
    refuse_shared_channel(settings, channels)
    repository = Repository(open_database(settings.database_url, migrate=migrate))
    directory = Directory(client)
    flows = build_flows(
        settings, repository, client=client, clock=clock, channels=channels, zones=directory.zone
    )
    access = build_access(settings, client, directory)
    sync = build_sync(settings, flows, client)
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lazy")
    dispatcher = Dispatcher(
        # What requests owe (receipts, a summary) is a few calls at a time: a handful of senders keep
        # up, and leave the CPU to the requests that are waiting for their ack.
        deliver=lambda: flows.ticks.deliver(now=clock(), workers=AFTER_REQUEST_SENDERS),
        refresh_home=lambda user: refresh_home(deps, client, user),
    )
    deps = Deps(
        flows=flows,
        access=access,
        clock=clock,
        dispatcher=dispatcher,
        default_channel=settings.debrief_channel or None,
        sync=sync,
    )
    app = build_app(settings, client=client, executor=executor, deps=deps)

    flows.privacy.on_erased = homes_listing(dispatcher, access)
    dispatcher.start()
    return Bot(
        app=app,
        flows=flows,
        repository=repository,
        client=client,
        clock=clock,
        executor=executor,
        dispatcher=dispatcher,
        sync=sync,
        routes=webhook_routes(
            sync, ashby_secret=settings.ashby_webhook_secret.get_secret_value(), clock=clock
        ),
    )


def refuse_shared_channel(settings: Settings, channels: Channels) -> None:
    """DEBRIEF_CHANNEL must be ours alone: a Slack Connect channel would show HR data to another company."""
    if not settings.debrief_channel:
        return
    try:
        external = channels.is_external(settings.debrief_channel)
    except SharingUnknown:  # Slack is down or limiting us: every post asks again before it goes
        log.warning("could not check whether DEBRIEF_CHANNEL is shared with another organisation")
        return
    if external:
        raise SettingsError(
            f"DEBRIEF_CHANNEL: {settings.debrief_channel} is shared with another organisation (Slack "
            "Connect); debriefs are HR data, so pick a channel only your company is in"
        )


def build_access(settings: Settings, client: WebClient, directory: Directory) -> Access:
    """Who counts as a recruiter; with DEBRIEF_RECRUITERS empty, admins and owners do, and the log says so."""
    access = Access(client, settings.debrief_recruiters, directory=directory)
    if access.admins_are_recruiters:
        log.warning(CLOSED_BY_DEFAULT)
    return access


def build_flows(
    settings: Settings,
    repository: Repository,
    *,
    client: WebClient,
    clock: Clock,
    channels: Channels,
    zones: Zones,
) -> Flows:
    """The use cases with their settings: timing, working week, channel mode, policy."""
    return Flows.build(
        repository=repository,
        courier=Courier(client, clock=clock, channels=channels),
        zones=zones,
        working_week=settings.working_week,
        channels=channels,
        per_candidate=settings.debrief_channel_mode == "per_candidate",
        archive_after=timedelta(days=settings.debrief_archive_after_days),
        timing=Timing(
            remind_after=timedelta(minutes=settings.debrief_remind_after_minutes),
            deadline=timedelta(minutes=settings.debrief_deadline_minutes),
        ),
        policy=settings.policy,
    )


def homes_listing(dispatcher: Dispatcher, access: Access) -> Callable[[Interview], None]:
    """What erasure calls: an erased interview leaves every Home tab that may list it (its people's,
    named recruiters')."""

    def republish(interview: Interview) -> None:
        people = (
            *interview.interviewer_ids,
            interview.hiring_manager_id,
            interview.recruiter_id,
            *access.users,
        )
        for user in dict.fromkeys(people):
            dispatcher.kick(home_for=user)

    return republish


def build_sync(settings: Settings, flows: Flows, client: WebClient) -> SourceSync | None:
    """Interviews from calendar feeds and ATSs, into DEBRIEF_CHANNEL; None when no source is set."""
    sources = configured_sources(settings)
    if not sources:
        return None
    return SourceSync(
        flows=flows,
        people=People(client),
        sources=sources,
        channel_id=settings.debrief_channel,
        recruiters=settings.debrief_recruiters,
        interval=timedelta(seconds=settings.debrief_source_poll_seconds),
    )


def build_app(
    settings: Settings, *, client: WebClient, deps: Deps, executor: ThreadPoolExecutor | None = None
) -> App:
    app = App(
        client=client,
        listener_executor=executor,
        signing_secret=settings.slack_signing_secret or "socket-mode",
        # Listeners run in the request thread and ack at once. What they owe is in the outbox, sent by
        # the dispatcher; only a modal opened on a trigger (3 s) runs in a lazy listener.
        process_before_response=True,
        # bot.http verifies signatures before Bolt sees the body (see there for why).
        request_verification_enabled=False,
        logger=logging.getLogger("bot.bolt"),
    )
    register(app, deps)
    app.error(_error_handler)
    return app


def _error_handler(error: Exception, body: dict[str, Any], client: WebClient) -> BoltResponse:
    """Turn any error in a listener into a message for the person who acted; Slack still gets a 200."""
    known = isinstance(error, DomainError)
    if not known:
        log.exception("listener failed", exc_info=error)
    text = str(error) if known else SORRY
    message = notice(text)
    if body.get("command"):  # a slash command's response body is shown to the user
        return BoltResponse(
            status=200, body=json.dumps({"response_type": "ephemeral", **message.as_kwargs()})
        )
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if body.get("type") == "view_submission":  # an inline error keeps everything they typed
        block = _ERROR_BLOCK.get((body.get("view") or {}).get("callback_id", ""), Block.RECOMMENDATION)
        return BoltResponse(
            status=200,
            body=json.dumps({"response_action": "errors", "errors": {block: text}}),
            headers={"content-type": "application/json"},
        )
    if user:
        try:
            client.chat_postMessage(channel=user, **message.as_kwargs())
        except SlackApiError:
            log.warning("could not tell %s about an error", user)
    return BoltResponse(status=200, body="")
