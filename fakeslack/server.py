"""FakeSlack: a local, strict fake of Slack's Web API for end-to-end tests and benchmarks."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from . import api_views as _api_views  # noqa: F401  (registers views.* and files.*)
from .api import METHODS
from .control import control
from .faults import Fault, Faults
from .grants import check_token
from .httpd import Reply, Server, multipart_fields, parse_body
from .models import ApiError, Call, Channel, Rejection, UploadedFile, User, decode_json_fields
from .store import Workspace

Clock = Callable[[], float]


class FakeSlack:
    """Serves POST /api/<method> on 127.0.0.1 like slack.com does, and records every call."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        strict: bool = True,
        clock: Clock = time.monotonic,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        team_id: str = "T0001",
        team: str = "Debrief Test",
        team_domain: str = "debrief-test",
        app_id: str = "A0001",
        users: Iterable[User | Mapping[str, Any]] = (),
        channels: Iterable[Mapping[str, Any]] = (),
        usergroups: Mapping[str, Iterable[str]] | None = None,
        tokens: Collection[str] | None = None,
        trigger_ttl: float = 3.0,
        host: str = "127.0.0.1",
        port: int = 0,
        scopes: Collection[str] | None = None,
        date_skew: float = 0.0,
    ) -> None:
        self.latency = latency
        self.clock = clock
        self.tokens = frozenset(tokens) if tokens is not None else None
        # Granted scopes: when given, methods need theirs (missing_scope) and every answer names them
        # in the x-oauth-scopes header. None: no scope is checked and the header is left out.
        self.scopes = frozenset(scopes) if scopes is not None else None
        self.revoked: set[str] = set()
        self.date_skew = date_skew  # seconds the Date header runs ahead of this machine's clock
        self._identity = dict(
            team_id=team_id, team=team, domain=team_domain, bot_user_id=bot_user_id,
            bot_id=bot_id, app_id=app_id, strict=strict, trigger_ttl=trigger_ttl,
        )  # fmt: skip
        self._users = [u if isinstance(u, User) else User(**u) for u in users]
        self._channels = [dict(c) for c in channels]
        self._groups = {k: list(v) for k, v in (usergroups or {}).items()}
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._errors: list[Rejection] = []
        self._faults = Faults(clock)
        self._slow: dict[str, list[float]] = {}  # method -> delays for its next calls
        self._in_flight: dict[str, int] = {}
        self.most_at_once: dict[str, int] = {}  # method -> most of its requests in flight together
        self._address = (host, port)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._ws = self._fresh_workspace()

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        """Bind (an ephemeral port unless given) and serve in a daemon thread."""
        if self._server is None:
            self._server = Server(self._address, self)
            self._ws.base_url = self.url
            self._thread = threading.Thread(
                target=self._server.serve_forever, args=(0.02,), name="fakeslack", daemon=True
            )  # a short poll interval makes stop() quick
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:PORT/."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def api_url(self) -> str:
        """What the app passes as WebClient(base_url=...)."""
        return self.url + "api/"

    # ---- configuration --------------------------------------------------------------------
    def _fresh_workspace(self) -> Workspace:
        ws = Workspace(clock=self.clock, **self._identity)  # type: ignore[arg-type]
        for user in self._users:
            ws.users[user.id] = copy.deepcopy(user)
        for channel in self._channels:
            self._add_channel(ws, channel)
        ws.usergroups = copy.deepcopy(self._groups)
        ws.base_url = self.url if self._server is not None else ""
        return ws

    def add_user(self, user_id: str, name: str | None = None, **fields: Any) -> None:
        """Add a person (fields of User: real_name, tz, tz_offset, is_bot, email)."""
        user = User(user_id, name or user_id.lower(), **fields)
        with self._lock:
            self._users.append(user)
            self._ws.users[user.id] = copy.deepcopy(user)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        is_private: bool = False,
        member: bool = True,
        *,
        archived: bool = False,
        ext_shared: bool = False,
    ) -> None:
        """Add a conversation; member=False makes chat.postMessage there fail with not_in_channel,
        archived=True with is_archived; ext_shared=True shares it with another organisation (Slack
        Connect)."""
        spec = {"id": channel_id, "name": name, "is_private": is_private, "member": member,
                "archived": archived, "ext_shared": ext_shared}  # fmt: skip
        with self._lock:
            self._channels.append(spec)
            self._add_channel(self._ws, spec)

    @staticmethod
    def _add_channel(ws: Workspace, spec: Mapping[str, Any]) -> None:
        channel = ws.add_channel(
            spec["id"],
            spec["name"],
            is_private=spec.get("is_private", False),
            member=spec.get("member", True),
        )
        channel.is_archived = bool(spec.get("archived"))
        channel.is_ext_shared = bool(spec.get("ext_shared"))

    def share_externally(self, channel_id: str) -> None:
        """The channel becomes a Slack Connect channel from now on (an admin invited another org)."""
        with self._lock:
            self._ws.channels[channel_id].is_ext_shared = True

    def revoke_token(self, token: str) -> None:
        """Every later call with this token fails with token_revoked (the app was uninstalled)."""
        with self._lock:
            self.revoked.add(token)

    def deactivate_user(self, user_id: str) -> None:
        """The person leaves: users.info says deleted, and messaging them fails with user_disabled."""
        with self._lock:
            for user in (*self._users, self._ws.users[user_id]):
                if user.id == user_id:
                    user.deleted = True

    def add_usergroup(self, group_id: str, users: Iterable[str]) -> None:
        with self._lock:
            self._groups[group_id] = list(users)
            self._ws.usergroups[group_id] = list(users)

    def add_message(self, channel: str, text: str, *, user: str, **fields: Any) -> str:
        """Seed a message someone else wrote; returns its ts."""
        with self._lock:
            channel_id = self._ws.channel(channel).id
            return str(self._ws.store_message(channel_id, {"text": text, **fields}, user=user)["ts"])

    def reset(self) -> None:
        """Back to the configured users/channels/groups; calls, errors, faults, messages cleared."""
        with self._lock:
            self._calls.clear()
            self._errors.clear()
            self._faults.clear()
            self._slow.clear()
            self._ws = self._fresh_workspace()

    # ---- triggers and response urls ------------------------------------------------------
    def issue_trigger(self, user_id: str | None = None, view_id: str | None = None) -> str:
        """A trigger_id valid for 3 s (trigger_ttl) and one views.open/push."""
        with self._lock:
            return self._ws.issue_trigger(user_id, view_id)

    def response_url(self) -> str:
        """A response_url served by the fake; POSTs to it are recorded as "response_url" calls."""
        with self._lock:
            return f"{self.url}response/{self._ws.new_id('R')}"

    # ---- faults ---------------------------------------------------------------------------
    def inject_faults(
        self,
        rate: float = 0.2,
        kinds: Iterable[str] = ("429", "500", "drop"),
        seed: int | None = 123,
        methods: Collection[str] | None = None,
        retry_after: int | str = 1,
    ) -> None:
        """Fail a random share of calls with 429 (Retry-After), 500/503, or a dropped connection."""
        with self._lock:
            self._faults.inject(rate, kinds, seed, methods, retry_after)

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int | None = None,
        drop: bool = False,
        retry_after: int | str = 1,
        times: int = 1,
        after: bool = False,
    ) -> None:
        """Fail the next `times` calls of a method: error="ratelimited" or status=429 -> HTTP 429;
        status=500/503 -> that status; drop=True -> connection closed; other errors -> ok=false.
        after=True (with a status or drop) does the work first, then loses the answer that way."""
        if after:
            if not drop and status is None:
                raise ValueError("after=True needs status= or drop=True: the answer lost after the work")
            fault = Fault.of(f"{'drop' if drop else status}-after", retry_after=retry_after, error=error)
        elif drop:
            fault = Fault.of("drop")
        elif status is not None:
            fault = Fault.of(str(status), retry_after=retry_after, error=error)
        elif error in (None, "ratelimited"):
            fault = Fault.of("429", retry_after=retry_after)
        else:
            fault = Fault.of("error", error=error)
        with self._lock:
            self._faults.fail_next(method, fault, times)

    def slow_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` calls of a method `seconds` late (the work too: it happens after the wait)."""
        with self._lock:
            self._slow.setdefault(method, []).extend([seconds] * times)

    def channel_rate(self, per_second: float | None = 1.0, burst: float | None = None) -> None:
        """Enforce chat.postMessage per channel (token bucket); None turns it off (the default)."""
        with self._lock:
            self._faults.channel_rate(per_second, burst)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # ---- reading what happened -------------------------------------------------------------
    @contextmanager
    def serving(self, method: str) -> Iterator[None]:
        """Count a request of `method` in flight while it is answered (see `most_at_once`)."""
        with self._lock:
            now = self._in_flight[method] = self._in_flight.get(method, 0) + 1
            self.most_at_once[method] = max(self.most_at_once.get(method, 0), now)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight[method] -= 1

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        """Recorded calls, oldest first; failed and faulted ones included unless ok=True."""
        with self._lock:
            return [
                c for c in self._calls
                if (method is None or c.method == method) and (ok is None or c.ok == ok)
            ]  # fmt: skip

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
        *,
        ok: bool | None = None,
    ) -> list[Call]:
        """Block until `count` matching calls were recorded; TimeoutError naming what was seen."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls(method, ok=ok) if predicate is None or predicate(c)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.error) for c in self._calls]
                    raise TimeoutError(f"{len(found)}/{count} {method} calls after {timeout}s; saw {seen}")
                self._changed.wait(remaining)

    @property
    def errors(self) -> list[Rejection]:
        """Calls refused because of what was sent (injected faults excluded)."""
        with self._lock:
            return list(self._errors)

    @property
    def warnings(self) -> list[str]:
        with self._lock:
            return list(self._ws.warnings)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages held for a channel (a user id means the bot's DM with them), oldest first."""
        with self._lock:
            channel_id = f"D{channel}" if channel in self._ws.users else channel
            return copy.deepcopy(self._ws.messages.get(channel_id, []))

    def all_messages(self) -> list[tuple[str, dict[str, Any]]]:
        """(channel, message) for every message held, in every conversation: what really arrived."""
        with self._lock:
            return [
                (channel, copy.deepcopy(message))
                for channel, messages in self._ws.messages.items()
                for message in messages
            ]

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                copy.deepcopy(e) for e in self._ws.ephemerals
                if (channel is None or e["channel"] == channel) and (user is None or e["user"] == user)
            ]  # fmt: skip

    def channel(self, channel_id: str) -> Channel:
        """A copy of a conversation's state (membership, topic, archived, members)."""
        with self._lock:
            return copy.deepcopy(self._ws.channels[channel_id])

    def view(self, view_id: str) -> dict[str, Any]:
        """The current version of a view the app opened, pushed, updated or published."""
        with self._lock:
            return copy.deepcopy(self._ws.views[view_id])

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            view = self._ws.home.get(user_id)
            return copy.deepcopy(view) if view else None

    def uploaded_files(self) -> list[UploadedFile]:
        with self._lock:
            return [copy.deepcopy(f) for f in self._ws.files.values()]

    def find_message(self, ts: str) -> tuple[str, dict[str, Any]] | None:
        """(channel, message) for a ts, wherever it was posted."""
        with self._lock:
            channel = self._ws.channel_of(ts)
            return None if channel is None else (channel, copy.deepcopy(self._ws.find_message(channel, ts)))

    # ---- request handling (called from server threads) -------------------------------------
    def route(self, path: str, query: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        """Serve one HTTP request; `headers` has lower-cased names."""
        content_type = headers.get("content-type") or "application/x-www-form-urlencoded"
        if path.startswith("/api/"):
            try:
                params = parse_body(content_type, raw, query)
            except (ValueError, UnicodeDecodeError):
                return Reply(200, {"ok": False, "error": "invalid_json"})
            method = path[len("/api/") :]
            with self._lock:
                delays = self._slow.get(method)
                delay = delays.pop(0) if delays else 0.0
            if delay:
                time.sleep(delay)
            return self._api(method, params, _token(headers.get("authorization"), params))
        if path.startswith("/upload/v1/"):
            return self._upload(path.rsplit("/", 1)[-1], content_type, raw)
        if path.startswith("/response/"):
            params = parse_body(content_type, raw, query)
            self._record(Call("response_url", {**params, "url": path}, None, self.clock(), 200, {"ok": True}))
            return Reply(200, {"ok": True})
        if path.startswith("/_fake/"):
            return Reply(200, control(self, path[len("/_fake/") :], parse_body(content_type, raw, query)))
        return Reply(404, {"ok": False, "error": "not_found"})

    def _api(self, method: str, params: dict[str, Any], token: str | None) -> Reply:
        params = decode_json_fields(params)
        with self._lock:
            fault = self._faults.pick(method)
            if fault is None and method == "chat.postMessage":
                fault = self._faults.take(self._rate_key(params.get("channel")))
            if fault is not None and not fault.after:
                body = None if fault.status == 0 else fault.body()
                self._record(Call(method, params, token, self.clock(), fault.status, body, fault.name))
                return Reply(fault.status, body, fault.headers())
            try:
                if not token:
                    raise ApiError("not_authed")
                if self.tokens is not None and token not in self.tokens:
                    raise ApiError("invalid_auth")
                handler = METHODS.get(method)
                if handler is None:
                    raise ApiError("unknown_method")
                check_token(self._ws, method, params, token, scopes=self.scopes, revoked=self.revoked)
                body = {"ok": True, **handler(self._ws, params)}
            except ApiError as exc:
                body = exc.body()
                self._errors.append(Rejection(method, exc.error, tuple(exc.messages), params))
            if fault is not None:  # the work is done (if it could be); the answer is lost
                lost = None if fault.status == 0 else fault.body()
                self._record(Call(method, params, token, self.clock(), fault.status, lost, fault.name))
                return Reply(fault.status, lost, fault.headers())
            self._record(Call(method, params, token, self.clock(), 200, body))
            headers = {}
            if self.scopes is not None and token and not token.startswith("xapp-"):
                headers["x-oauth-scopes"] = ",".join(sorted(self.scopes))
            return Reply(200, copy.deepcopy(body), headers)

    def _rate_key(self, channel: Any) -> str:
        try:
            return self._ws.channel(channel).id
        except ApiError:
            return str(channel)

    def _upload(self, file_id: str, content_type: str, raw: bytes) -> Reply:
        with self._lock:
            upload = self._ws.files.get(file_id)
            if upload is None or upload.completed:
                return Reply(404, "file not found", content_type="text/plain")
            if content_type.startswith("multipart/form-data"):
                parts = multipart_fields(content_type, raw)
                raw = next((v for v in parts.values() if isinstance(v, bytes)), raw)
            upload.content = raw
            if len(raw) != upload.length:
                self._ws.warnings.append(f"upload {file_id}: {len(raw)} bytes, announced {upload.length}")
        return Reply(200, f"OK - {len(raw)}", content_type="text/plain")

    def _record(self, call: Call) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()


def _token(authorization: str | None, params: dict[str, Any]) -> str | None:
    """Bearer token from the header; a `token` form field is still accepted, as by Slack."""
    token = params.pop("token", None)
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return str(token) if token else None
