"""The HTTP face of the app (WSGI): /slack/events through Bolt, /healthz, and clean 4xx for bad requests.

We verify Slack's signature here, before Bolt parses anything, and hand Bolt the body as JSON:
Bolt's own form parsing empties a slash command whose text contains "payload", and raises on a
`payload=` that is not JSON (a 500). So Bolt's request verification is off and this is the gate.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY = 1_000_000
PAYLOAD = "payload="

StartResponse = Callable[..., Any]
# Another POST endpoint (an ATS's webhook): (raw body, lower-case headers) -> (status, text).
Route = Callable[[bytes, Mapping[str, str]], tuple[int, str]]


def _reply(
    start_response: StartResponse, status: str, body: str, content_type: str = "text/plain"
) -> list[bytes]:
    data = body.encode()
    start_response(
        status, [("Content-Type", f"{content_type}; charset=utf-8"), ("Content-Length", str(len(data)))]
    )
    return [data]


def normalise_body(raw: str, content_type: str) -> str | None:
    """The request as JSON text for Bolt to parse, or None when it holds none (an empty payload, a
    body that is not a form)."""
    if content_type.startswith("application/json") or raw.lstrip().startswith("{"):
        text = raw
    elif raw.startswith(PAYLOAD) and "&" not in raw:  # an interaction: the one field Slack sends
        text = unquote_plus(raw[len(PAYLOAD) :])
    else:
        try:
            form = dict(parse_qsl(raw, keep_blank_values=True, strict_parsing=bool(raw)))
        except ValueError:
            return None
        text = form["payload"] if "payload" in form else json.dumps(form)
    return text if text.strip() else None


def bolt_request(text: str, query: str | None, headers: dict[str, str]) -> BoltRequest | None:
    """Bolt's request for a JSON body, parsed once (by Bolt); None when it is not a JSON object."""
    try:
        request = BoltRequest(body=text, query=query, headers={**headers, "content-type": "application/json"})
    except Exception:  # not JSON, or JSON of a shape Bolt's reading of the envelope trips over
        log.warning("refused a signed request whose body Bolt could not read", exc_info=True)
        return None
    return request if isinstance(request.body, dict) else None


def _post_body(environ: dict[str, Any]) -> bytes | tuple[str, str]:
    """A POST request's body, or the (status, text) that refuses it: another method, a bad or too
    large Content-Length."""
    if environ.get("REQUEST_METHOD") != "POST":
        return "405 Method Not Allowed", "POST only"
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "400 Bad Request", "bad content length"
    if length > MAX_BODY:
        return "413 Payload Too Large", "too large"
    return bytes(environ["wsgi.input"].read(length)) if length else b""


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    return {
        key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
    }


class SlackWsgi:
    """WSGI application: POST /slack/events, GET /healthz, POST to each of `routes` (webhooks, which
    check their own signatures); everything else 404."""

    def __init__(self, app: App, signing_secret: str, routes: Mapping[str, Route] | None = None) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)
        self.routes = dict(routes or {})

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _reply(start_response, "200 OK", "ok")
        route = self.routes.get(path)
        if route is not None:
            return self._route(route, environ, start_response)
        if path != EVENTS_PATH:
            return _reply(start_response, "404 Not Found", "not found")
        raw_bytes = _post_body(environ)
        if isinstance(raw_bytes, tuple):
            return _reply(start_response, *raw_bytes)
        try:
            raw = raw_bytes.decode("utf-8")
        except UnicodeDecodeError:
            return _reply(start_response, "400 Bad Request", "body is not UTF-8")
        headers = _headers(environ)
        try:
            valid = self.verifier.is_valid_request(raw, headers)
        except ValueError:  # a timestamp that is not a number
            valid = False
        if not valid:
            return _reply(start_response, "401 Unauthorized", "invalid signature")
        body = normalise_body(raw, environ.get("CONTENT_TYPE") or "")
        request = None if body is None else bolt_request(body, environ.get("QUERY_STRING"), headers)
        if request is None:
            return _reply(start_response, "400 Bad Request", "malformed body")
        try:
            response = self.app.dispatch(request)
        except Exception:  # Bolt's middleware reading a signed payload of an unexpected shape
            log.warning("refused a signed request Bolt could not handle", exc_info=True)
            return _reply(start_response, "400 Bad Request", "malformed request")
        status = f"{response.status} {_REASONS.get(response.status, 'OK')}"
        out = response.body.encode() if isinstance(response.body, str) else bytes(response.body or b"")
        response_headers = [
            (k, v) for k, values in response.headers.items() for v in values if k != "content-length"
        ]
        response_headers.append(("Content-Length", str(len(out))))
        start_response(status, response_headers)
        return [out]

    def _route(self, route: Route, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = _post_body(environ)
        if isinstance(body, tuple):
            return _reply(start_response, *body)
        headers = _headers(environ)
        try:
            status, text = route(body, headers)
        except Exception:
            log.exception("webhook %s failed", environ.get("PATH_INFO"))
            status, text = 500, "internal error"
        return _reply(start_response, f"{status} {_REASONS.get(status, 'OK')}", text)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
