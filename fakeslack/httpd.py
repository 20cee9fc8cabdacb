"""HTTP plumbing: a threaded server on 127.0.0.1 and the request handler that decodes bodies."""

from __future__ import annotations

import email.parser
import email.policy
import json
import logging
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from .server import FakeSlack

log = logging.getLogger("fakeslack")


@dataclass
class Reply:
    """What to answer; `status` 0 closes the connection without a response."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


class Server(ThreadingHTTPServer):
    """One thread per request, daemonic, with a deep backlog for concurrent benchmarks."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], fake: FakeSlack) -> None:
        self.fake = fake
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("fakeslack: connection error from %s", client_address, exc_info=True)


class Handler(BaseHTTPRequestHandler):
    """Routes /api/<method>, /upload/v1/<file>, /response/<n> and /_fake/<control>."""

    server: Server
    protocol_version = "HTTP/1.1"
    server_version = "fakeslack/1"

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header, off by the fake's `date_skew` (a clock-skew test's Slack)."""
        now = time.time() + self.server.fake.date_skew if timestamp is None else timestamp
        return super().date_time_string(now)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("fakeslack: " + format, *args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        fake = self.server.fake
        with fake.serving(parts.path.rsplit("/", 1)[-1]):
            if fake.latency > 0 and not parts.path.startswith("/_fake/"):
                time.sleep(fake.latency)
            try:
                headers = {name.lower(): value for name, value in self.headers.items()}
                reply = fake.route(parts.path, parts.query, headers, raw)
            except Exception as exc:  # a bug in the fake: say so loudly rather than hang the client
                log.exception("fakeslack crashed on %s", self.path)
                reply = Reply(500, {"ok": False, "error": "fakeslack_crashed", "detail": repr(exc)})
            self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.status == 0:
            self.close_connection = True  # drop: no status line, just a closed socket
            return
        if isinstance(reply.body, bytes | str):
            data = reply.body.encode() if isinstance(reply.body, str) else reply.body
        else:
            data = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def parse_body(content_type: str, raw: bytes, query: str = "") -> dict[str, Any]:
    """Decode what slack_sdk sends: form-urlencoded, JSON, or multipart; plus the query string."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if not raw:
        return params
    if kind == "application/json":
        body = json.loads(raw.decode("utf-8"))
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
    elif kind == "multipart/form-data":
        params.update(multipart_fields(content_type, raw))
    else:
        params.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    return params


def multipart_fields(content_type: str, raw: bytes) -> dict[str, Any]:
    """Form fields of a multipart body; file parts come back as bytes."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    fields: dict[str, Any] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        fields[str(name)] = data if part.get_filename() else data.decode("utf-8")
    return fields
