"""Where the huddle happens: making sure the bot can post in a channel, and per-candidate channels."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

MAX_NAME = 80


def channel_name(candidate: str, interview_id: int) -> str:
    """A valid Slack channel name, `debrief-<candidate>-<id>`, at most 80 characters. Slack takes
    lowercase letters of any script, digits, `-` and `_`: "Łukasz" stays "łukasz", "王芳" stays "王芳";
    anything else becomes a hyphen, and a name with nothing left is `debrief-candidate-<id>`."""
    folded = unicodedata.normalize("NFKC", candidate).lower()
    kept = "".join(c if _slack_keeps(c) else "-" for c in folded)
    slug = re.sub(r"-+", "-", kept).strip("-") or "candidate"
    suffix = f"-{interview_id}"
    return f"debrief-{slug}"[: MAX_NAME - len(suffix)].rstrip("-") + suffix


def _slack_keeps(char: str) -> bool:
    """A letter or digit of any script, or a combining mark (Thai vowels, Arabic harakat)."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def archived_channel_name(interview_id: int) -> str:
    """A per-candidate channel's name when it is archived (no candidate name: it can't change later)."""
    return f"debrief-{interview_id}-archived"


def erased_channel_name(interview_id: int) -> str:
    """A per-candidate channel's name once the candidate's data is erased (no name in it)."""
    return f"debrief-erased-{interview_id}"


EXTERNAL = "That channel is shared with another organisation (Slack Connect): pick an internal channel."
SHARING_UNKNOWN = (
    "Slack couldn't say just now whether that channel is shared with another organisation: "
    "try again in a minute."
)


class SharingUnknown(Exception):
    """Slack could not say whether a channel is shared with another organisation (rate limited, down,
    unreachable): nothing about a candidate is posted there until it can."""


class Channels:
    """Slack channel chores for flows; every method answers in words a recruiter can act on."""

    def __init__(
        self, client: WebClient, *, ttl_seconds: float = 60.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.client = client
        self.ttl = ttl_seconds  # how stale "is it shared with another organisation?" may be
        self.monotonic = monotonic
        self._external: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def ensure_member(self, channel_id: str) -> str | None:
        """Join a public channel if needed; None when the bot can post there, else Slack's reason
        (`channel_not_found`: a private channel it can't see; `not_in_channel`: one it isn't in)."""
        try:
            info = self.client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as exc:
            if (
                exc.response.get("error") == "channel_not_found"
            ):  # private channels we're not in look like this
                return "channel_not_found"
            raise
        self._remember_external(channel_id, bool(info.get("is_ext_shared")))
        if info.get("is_ext_shared"):
            return EXTERNAL
        if info.get("is_member") or info.get("is_im"):
            return None
        if info.get("is_private"):
            return "not_in_channel"
        try:
            self.client.conversations_join(channel=channel_id)
        except SlackApiError as exc:
            return str(exc.response.get("error") or "cant_join")
        return None

    def _mine(self, name: str) -> str | None:
        """The id of a private channel of this name that the bot is in, if any."""
        cursor = None
        while True:
            page = self.client.conversations_list(
                types="private_channel", exclude_archived=True, limit=200, cursor=cursor
            )
            for channel in page.get("channels") or []:
                if channel.get("name") == name:
                    return str(channel["id"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    def join(self, channel_id: str) -> bool:
        """Join a public channel the bot was not in (e.g. before posting there); False if it can't."""
        if not channel_id.startswith("C"):
            return False
        try:
            self.client.conversations_join(channel=channel_id)
        except SlackApiError as exc:
            log.warning("could not join %s: %s", channel_id, exc.response.get("error"))
            return False
        return True

    def permalink(self, channel_id: str, ts: str) -> str | None:
        """A link to a posted message, or None when Slack won't give one."""
        try:
            return str(self.client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"])
        except (SlackApiError, KeyError):
            return None

    def is_external(self, channel_id: str) -> bool:
        """Whether a channel is shared with another organisation now (Slack Connect). A channel we
        can't see is not assumed to be: the post itself fails then, and the recruiter is told. When
        Slack can't answer (429 or 5xx after the client's retries, no connection), SharingUnknown
        unless it was last seen shared: the caller waits rather than guesses."""
        if not channel_id.startswith(("C", "G")):
            return False
        at = self.monotonic()
        with self._lock:
            cached = self._external.get(channel_id)
        if cached is not None and self._fresh(cached, at):
            return cached[1]
        try:
            info = self.client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as exc:
            log.warning("conversations.info %s failed: %s", channel_id, exc.response.get("error"))
            if exc.response.status_code == 429 or exc.response.status_code >= 500:
                return _unsure(channel_id, cached, exc)
            return cached[1] if cached else False
        except OSError as exc:  # the connection failed or timed out (URLError is one)
            log.warning("conversations.info %s failed: %s", channel_id, exc)
            return _unsure(channel_id, cached, exc)
        external = bool(info.get("is_ext_shared"))
        self._remember_external(channel_id, external, at=at)
        return external

    def look_up_sharing(self, channel_ids: Iterable[str], *, at_once: int = 8) -> None:
        """Ask Slack about many channels together (a tick's page of due prompts and summaries), so
        the `is_external` checks that follow are answered from the cache instead of one round trip
        after another: 1,000 interviews ending at once are 1,000 channels to ask about."""
        at = self.monotonic()
        with self._lock:
            stale = [
                c
                for c in dict.fromkeys(channel_ids)
                if c.startswith(("C", "G")) and not self._fresh(self._external.get(c), at)
            ]
        if len(stale) > 1:
            with ThreadPoolExecutor(
                min(at_once, len(stale)), thread_name_prefix="conversations.info"
            ) as pool:
                list(pool.map(self._look_up, stale))

    def _fresh(self, cached: tuple[float, bool] | None, at: float) -> bool:
        """Whether what Slack last said about a channel's sharing is recent enough to answer with."""
        return cached is not None and at - cached[0] < self.ttl

    def _look_up(self, channel_id: str) -> None:
        with contextlib.suppress(SharingUnknown):  # asked again, one at a time, where it is needed
            self.is_external(channel_id)

    def _remember_external(self, channel_id: str, external: bool, *, at: float | None = None) -> None:
        """Keep what conversations.info said about sharing, so the next question needs no call."""
        with self._lock:
            self._external[channel_id] = (self.monotonic() if at is None else at, external)

    def create_private(self, *, name: str, members: list[str], topic: str) -> str:
        """Create a private channel, invite, set the topic; safe to repeat after a lost answer.

        A channel of that name the bot is already in is this one, made by an earlier attempt whose
        answer was lost (the name ends in the interview id): it is used, not made twice. A name taken
        by someone else's channel gets a numbered variant.
        """
        channel_id = ""
        for attempt in range(1, 6):
            candidate = name if attempt == 1 else f"{name[: MAX_NAME - 3]}-{attempt}"
            try:
                channel_id = self.client.conversations_create(name=candidate, is_private=True)["channel"][
                    "id"
                ]
                break
            except SlackApiError as exc:
                if exc.response.get("error") != "name_taken":
                    raise
                channel_id = self._mine(candidate) or ""
                if channel_id:
                    break
        if not channel_id:
            raise RuntimeError(f"every variant of channel name {name} is taken")
        invitees = sorted(set(members))
        if invitees:
            try:
                self.client.conversations_invite(channel=channel_id, users=",".join(invitees))
            except SlackApiError as exc:
                if exc.response.get("error") != "already_in_channel":  # invited by the earlier attempt
                    raise
        self.client.conversations_setTopic(channel=channel_id, topic=topic[:250])
        return channel_id


def _unsure(channel_id: str, cached: tuple[float, bool] | None, cause: Exception) -> bool:
    """Slack can't answer now: a channel last seen shared still counts as shared; one last seen
    internal may have been shared since, so that is not known either."""
    if cached and cached[1]:
        return True
    raise SharingUnknown(channel_id) from cause
