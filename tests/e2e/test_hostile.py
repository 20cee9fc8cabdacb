"""Hostile input at the real HTTP endpoint: unsigned or stale requests, malformed bodies, user text
full of Slack syntax, oversized pastes, tampered forms and buttons, and fuzzed interaction payloads.

Whatever comes in, the bot answers 4xx (or refuses inline / ephemerally), never 5xx, never shows a
traceback, never writes to the database, and never lets user text turn into a mention or a link.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from bot.domain.validation import clean_text
from bot.ids import Action, Block, Callback
from bot.views.debrief import debrief_modal
from bot.views.messages import SORRY
from bot.views.schedule import schedule_modal
from fakeslack import FakeSlack, build_state_values, slack_signature
from tests.conftest import FakeClock, _postgres_schema_url
from tests.e2e.conftest import StartBot
from tests.e2e.harness import (
    ANA,
    BO,
    CHANNEL,
    HIRING_MANAGER,
    OUTSIDER,
    RECRUITER,
    SIGNING_SECRET,
    RunningBot,
    settings_for,
    start_bot,
    workspace,
)
from tests.e2e.procs import delivered, quiet, shown, table_rows, wait_until
from tests.e2e.test_debrief_loop import (
    debrief_values,
    schedule,
    schedule_values,
    write_debrief,
)

INSIDERS = {ANA, BO, OUTSIDER, RECRUITER, HIRING_MANAGER}
# What must never reach Slack unescaped: each would ping people, link somewhere, or name a channel.
RAW_SYNTAX = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<#C123>",
    "<!subteam^S123>",
    "<https://evil",
)


def no_traceback(body: str) -> bool:
    return "Traceback" not in body and 'File "' not in body


# -- one bot under attack per database, shared by the tests that must leave no trace ---------------


@dataclass
class Arena:
    """A bot with two prompted interviews: #1 (panel: ana, bo) and #2 (panel: otto)."""

    running: RunningBot
    fake: FakeSlack
    clock: FakeClock
    engine: Engine
    backend: str

    def post(
        self, body: bytes, headers: dict[str, str] | None = None, *, chunked: bool = False
    ) -> tuple[int, str]:
        """POST raw bytes to /slack/events with exactly these headers (nothing added)."""
        url = urlsplit(self.running.url)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        try:
            if chunked:
                connection.putrequest("POST", "/slack/events")
                for name, value in (headers or {}).items():
                    connection.putheader(name, value)
                connection.putheader("Transfer-Encoding", "chunked")
                connection.endheaders()
                for start in range(0, len(body), 65536):
                    part = body[start : start + 65536]
                    connection.send(b"%x\r\n%s\r\n" % (len(part), part))
                connection.send(b"0\r\n\r\n")
            else:
                connection.request("POST", "/slack/events", body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()


def signed(
    body: bytes, content_type: str = "application/x-www-form-urlencoded", **override: str
) -> dict[str, str]:
    timestamp = override.pop("timestamp", str(int(time.time())))
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature(override.pop("secret", SIGNING_SECRET), timestamp, body),
    }
    headers.update(override)
    return headers


def form(payload: Any) -> bytes:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)}).encode()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def arena(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arena]:
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'debrief.db'}"
    else:
        schema = _postgres_schema_url()
        url = next(schema)
    fake = workspace().start()
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    # Only the recruiter may schedule: a stranger's valid-looking schedule form must not store anything.
    settings = settings_for(fake, url, debrief_recruiters=(RECRUITER,))
    running = start_bot(settings, fake, clock, with_scheduler=False)
    try:
        schedule(running, fake, clock, starts_at=clock() - timedelta(hours=1))
        over = clock() - timedelta(hours=1)
        schedule(running, fake, clock, candidate="Ada Lovelace", interviewers=[OUTSIDER], starts_at=over)
        wait_until(lambda: len(delivered(fake)) == 5, timeout=10, what="the two interviews' prompts")
        running.settle()  # every "sent" mark written
        quiet(fake)  # and whatever else scheduling set off (the recruiter's Home tab) is done
        yield Arena(running, fake, clock, running.bot.repository.engine, request.param)
    finally:
        running.stop()
        fake.stop()
        if schema is not None:
            schema.close()  # drops the schema


@pytest.fixture
def untouched(arena: Arena) -> Iterator[Arena]:
    """The test must leave every table exactly as it found it, but for the audit trail: a permission
    refusal is recorded there (with who and when), and nowhere else."""
    before = table_rows(arena.engine)
    yield arena
    after = table_rows(arena.engine)
    refusals = after.pop("audit", [])
    before.pop("audit", None)
    assert after == before, "a refused request changed the database"
    assert all("refused" in row for row in refusals), "only refusals are recorded"


def schedule_payload(arena: Arena, user: str = RECRUITER, **overrides: Any) -> dict[str, Any]:
    """A complete, valid "Schedule interview" submission: it would store an interview if accepted."""
    view = schedule_modal(default_channel_id=None, origin_channel_id=CHANNEL).to_dict()
    view |= {"id": "VSCHEDULE", "team_id": "T0001", "app_id": "A0001", "bot_id": "BBOT", "hash": "1.x"}
    state = build_state_values(view, schedule_values(arena.clock, **overrides))
    return submission(view, state, user)


def debrief_payload(arena: Arena, user: str = ANA, interview_id: int = 1, **overrides: Any) -> dict[str, Any]:
    """A complete, valid debrief submission for interview #1, as Slack would send it."""
    interview = arena.running.bot.repository.interviews.get_interview(interview_id=interview_id)
    assert interview is not None
    view = debrief_modal(interview).to_dict()
    view |= {"id": "VDEBRIEF", "team_id": "T0001", "app_id": "A0001", "bot_id": "BBOT", "hash": "1.x"}
    return submission(view, build_state_values(view, debrief_values(**overrides)), user)


def submission(view: dict[str, Any], state: dict[str, Any], user: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "debrief-test"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "verification-token",
        "trigger_id": "1.T0001.forged",
        "view": {**view, "state": {"values": state}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


# -- the gate: signatures and timestamps -----------------------------------------------------------


def _forged(body: bytes) -> dict[str, str]:
    return signed(body, secret="not-the-secret")


def _other_body(body: bytes) -> dict[str, str]:
    return signed(body + b"&x=1")


def _stale(seconds: int):  # type: ignore[no-untyped-def]
    return lambda body: signed(body, timestamp=str(int(time.time()) + seconds))


def _without(*names: str):  # type: ignore[no-untyped-def]
    return lambda body: {k: v for k, v in signed(body).items() if k not in names}


UNAUTHENTIC = {
    "forged signature": _forged,
    "signature of another body": _other_body,
    "stale by 5 min 1 s": _stale(-301),
    "stale by a day": _stale(-86_400),
    "5 min 1 s in the future": _stale(301),
    "no signature": _without("X-Slack-Signature"),
    "no timestamp": _without("X-Slack-Request-Timestamp"),
    "no Slack headers": _without("X-Slack-Signature", "X-Slack-Request-Timestamp"),
    "timestamp not a number": lambda body: {**signed(body), "X-Slack-Request-Timestamp": "soon"},
    "empty signature": lambda body: {**signed(body), "X-Slack-Signature": "v0="},
    "another signature version": lambda body: {
        **signed(body),
        "X-Slack-Signature": signed(body)["X-Slack-Signature"].replace("v0=", "v1="),
    },
}


@pytest.mark.parametrize("attack", list(UNAUTHENTIC), ids=list(UNAUTHENTIC))
def test_an_unauthentic_request_is_401_and_leaves_no_trace(untouched: Arena, attack: str) -> None:
    body = form(schedule_payload(untouched))  # the recruiter's valid form: accepted, it would store
    calls = len(untouched.fake.calls())
    status, text = untouched.post(body, UNAUTHENTIC[attack](body))
    assert status == 401
    assert no_traceback(text)
    assert len(untouched.fake.calls()) == calls  # and nothing was sent to Slack


# -- malformed bodies ------------------------------------------------------------------------------

JSON_TYPE = "application/json"
MALFORMED = {
    "payload= that is not JSON": (b"payload=%7Bnot+json", None, 400),
    "payload= a JSON array": (form("[1, 2]"), None, 400),
    "payload= a JSON string": (form('"view_submission"'), None, 400),
    "payload= a JSON number": (form("5"), None, 400),
    "payload= null": (form("null"), None, 400),
    "payload= empty": (b"payload=", None, 400),
    "a form that is not a form": (b"just some words", None, 400),
    "JSON body, broken": (b'{"type": "event_callback",', JSON_TYPE, 400),
    "JSON body, an array": (b"[1]", JSON_TYPE, 400),
    "JSON body, null": (b"null", JSON_TYPE, 400),
    "non-UTF-8 form": (b"payload=\xff\xfe%7B%7D", None, 400),
    "non-UTF-8 JSON": (b'{"type": "\xff\xfe"}', JSON_TYPE, 400),
    "over 1 MB": (b"payload=" + b"a" * 1_000_001, None, 413),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_a_malformed_body_is_4xx_without_a_traceback_and_leaves_no_trace(untouched: Arena, case: str) -> None:
    body, content_type, expected = MALFORMED[case]
    status, text = untouched.post(body, signed(body, content_type or "application/x-www-form-urlencoded"))
    assert status == expected
    assert no_traceback(text)


def test_an_oversized_chunked_body_is_413(untouched: Arena) -> None:
    """No Content-Length to check up front: the size limit must hold for a chunked upload too."""
    body = form(schedule_payload(untouched, notes="x" * 2000)) + b"&pad=" + b"p" * 1_100_000
    status, text = untouched.post(body, signed(body), chunked=True)
    assert status == 413
    assert no_traceback(text)


# -- user text: stored as typed, always shown escaped, within Block Kit's limits -------------------

NAME = "Zoë <!channel> <@U123> *Bo* _ld_ > q & Co 🎉👩🏽‍💻 שלום עליכם \u202eRTL\u202c \x00end"
ROLE = "<!here> <#C123> <https://evil.example|Click me> &amp; \x00Engineer"
# 2952 characters, far longer once escaped: the prompt must cut it to fit a section
NOTES = "<!everyone> & <@U123> > <!subteam^S123> ☃ " * 70 + "\x00 <!channel>"
EVIDENCE = "Saw <!channel> & <@U123> *bold* > quoted 🎉 שלום \x00 and then some."
QUESTIONS = "Ask <!here> about <https://evil.example|this> & that > " * 54
DEAL_BREAKER = "<!channel> refuses code review & says <@U123> > all \x00"
PRIVATE = "<!everyone> \x00 my private <#C123> note & more"


def test_user_text_is_stored_as_typed_and_always_shown_escaped(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    assert len(NAME) <= 150 and len(NOTES) <= 3000 and len(QUESTIONS) <= 3000
    fake.add_user("UCTO", "cto")
    running = make_bot()
    over = clock() - timedelta(hours=1)
    schedule(running, fake, clock, candidate=NAME, role=ROLE, notes=NOTES, starts_at=over)
    wait_until(lambda: len(delivered(fake)) == 3, timeout=10, what="the prompts")
    running.slack.event({"type": "app_home_opened", "user": ANA, "tab": "home"})
    fake.wait_for("views.publish", ok=True, predicate=lambda call: call.params.get("user_id") == ANA)

    write_debrief(
        running,
        fake,
        ANA,
        excitement_evidence=EVIDENCE,
        fit_evidence=EVIDENCE,
        ability_evidence=EVIDENCE,
        questions=QUESTIONS,
        deal_breaker=DEAL_BREAKER,
    )
    write_debrief(
        running,
        fake,
        BO,
        excitement_evidence=EVIDENCE,
        questions=QUESTIONS,
        explore=["who_to_meet"],
        people_to_meet=["UCTO", "<!channel>"],  # a forged "user id" too
        private_note=PRIVATE,
    )

    def everything_arrived() -> bool:
        running.bot.flows.ticks.tick(now=clock())
        kinds = {kind for kind, _, _ in delivered(fake)}
        return {"receipt", "summary", "private_notes"} <= kinds

    wait_until(everything_arrived, timeout=10, what=lambda: str(delivered(fake)))

    # Stored as typed (NUL is the one character no database takes: it is dropped).
    interview = running.bot.repository.interviews.get_interview(interview_id=1)
    assert interview is not None
    assert interview.candidate == clean_text(NAME) == NAME.replace("\x00", "")
    assert (interview.role, interview.notes) == (clean_text(ROLE), clean_text(NOTES))
    ana = running.bot.repository.debriefs.get_debrief(interview_id=1, interviewer_id=ANA)
    bo = running.bot.repository.debriefs.get_debrief(interview_id=1, interviewer_id=BO)
    assert ana is not None and bo is not None
    assert ana.answers.excitement_evidence == clean_text(EVIDENCE)
    assert ana.answers.questions == clean_text(QUESTIONS)
    assert ana.answers.deal_breaker == clean_text(DEAL_BREAKER)
    assert bo.answers.private_note == clean_text(PRIVATE)
    assert bo.answers.people_to_meet == ("UCTO", "<!channel>")

    # Shown escaped everywhere: messages, DMs, modals, the Home tab.
    texts = shown(fake)
    assert len(texts) > 20
    for method, text in texts:
        for raw in RAW_SYNTAX:
            assert raw not in text, f"{method} shows {raw!r} unescaped: {text[:300]!r}"
        assert "\x00" not in text
    [prompt] = [m for m in fake.messages(CHANNEL) if m["text"].startswith("Time to debrief")]
    prompt_text = json.dumps(prompt, ensure_ascii=False)
    assert "&lt;!channel&gt;" in prompt_text and "&lt;@U123&gt;" in prompt_text
    assert "🎉👩🏽‍💻" in prompt_text and "שלום עליכם" in prompt_text and "&amp; Co" in prompt_text
    summary = json.dumps(fake.messages(CHANNEL)[-1], ensure_ascii=False)
    assert "<@UCTO>" in summary  # a real id is still a mention
    assert "&lt;!channel&gt; refuses code review" in summary  # the deal-breaker, escaped
    # ...and cut to Block Kit's limits: the fake refuses any block over them.
    assert fake.errors == []


# -- an oversized paste, from a tampered client ----------------------------------------------------

PASTE = ("Pasted the whole transcript. " * 3600)[:100_000]


@pytest.mark.parametrize(
    "field",
    [
        Block.EXCITEMENT_EVIDENCE,
        Block.FIT_EVIDENCE,
        Block.ABILITY_EVIDENCE,
        Block.QUESTIONS,
        Block.DEAL_BREAKER,
        Block.PRIVATE_NOTE,
    ],
)
def test_a_100kb_paste_into_a_debrief_is_refused_inline(untouched: Arena, field: str) -> None:
    payload = debrief_payload(untouched)  # valid, from ana, who is on #1's panel
    payload["view"]["state"]["values"][field][field]["value"] = PASTE  # the modal stops at 3000
    started = time.monotonic()
    response = untouched.running.slack.interaction(payload)
    assert time.monotonic() - started < 3  # Slack's ack deadline
    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors" and field in body["errors"]
    assert "3000" in body["errors"][field]


@pytest.mark.parametrize("field", [Block.CANDIDATE, Block.ROLE, Block.NOTES])
def test_a_100kb_paste_into_the_schedule_form_is_refused_inline(untouched: Arena, field: str) -> None:
    payload = schedule_payload(untouched)
    payload["view"]["state"]["values"][field][field]["value"] = PASTE
    response = untouched.running.slack.interaction(payload)
    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors" and field in body["errors"]


# -- tampered buttons and forms --------------------------------------------------------------------

LAZY_FAILED = "Failed to run an internal function"


BUTTON_VALUES = {
    "another interview's id": ("2", "Only the interviewers on the panel"),
    "garbage": ("garbage", "out of date"),
    "digits of another script": ("١٢", "out of date"),
    "a superscript digit": ("²", "out of date"),
    "a negative number": ("-1", "out of date"),
    "zero": ("0", "out of date"),
    "a decimal": ("1.5", "out of date"),
    "a JSON array": ("[1]", "out of date"),
    "a JSON object": ('{"interview_id": 1}', "out of date"),
    "empty": ("", "out of date"),
    "5000 digits": ("9" * 5000, "out of date"),
    "past int4": (str(2**31), "out of date"),
    "past int8": (str(2**63), "out of date"),
    "a huge number": ("9" * 30, "out of date"),
}


@pytest.mark.parametrize("case", list(BUTTON_VALUES), ids=list(BUTTON_VALUES))
def test_a_tampered_button_is_refused_with_a_notice_and_opens_nothing(
    untouched: Arena, case: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    value, told = BUTTON_VALUES[case]
    fake, running = untouched.fake, untouched.running
    prompt = next(m for m in fake.messages(CHANNEL) if m["text"].startswith("Time to debrief Grace"))
    notices = len(fake.ephemerals(user=ANA))
    opened = len(fake.calls("views.open"))
    caplog.set_level(logging.ERROR, logger="bot.bolt")

    response = running.slack.block_action(Action.WRITE_DEBRIEF, value, user_id=ANA, message=prompt)
    assert response.status == 200 and no_traceback(response.body)
    wait_until(  # ana is told why, or the lazy listener failed (and she is told nothing)
        lambda: len(fake.ephemerals(user=ANA)) > notices or LAZY_FAILED in caplog.text,
        timeout=5,
        what="an answer to the click",
    )
    assert len(fake.ephemerals(user=ANA)) == notices + 1, f"no notice for ana: {caplog.text}"
    assert told.lower() in fake.ephemerals(user=ANA)[-1]["text"].lower()
    assert len(fake.calls("views.open")) == opened


METADATA = {
    "another interview's id": ('{"interview_id":2}', "Only the interviewers on the panel"),
    "garbage": ("garbage", "out of date"),
    "a negative number": ('{"interview_id":-1}', "out of date"),
    "zero": ('{"interview_id":0}', "out of date"),
    "a string id": ('{"interview_id":"1"}', "out of date"),
    "a boolean id": ('{"interview_id":true}', "out of date"),
    "a float id": ('{"interview_id":1.0}', "out of date"),
    "a JSON array": ("[1]", "out of date"),
    "null": ("null", "out of date"),
    "empty": ("", "out of date"),
    "past int4": ('{"interview_id":2147483648}', "no interview"),
    "a huge number": ('{"interview_id":' + "9" * 30 + "}", "no interview"),
}


@pytest.mark.parametrize("case", list(METADATA), ids=list(METADATA))
def test_a_tampered_debrief_form_is_refused_inline_and_stores_nothing(
    untouched: Arena, case: str, request: pytest.FixtureRequest
) -> None:
    metadata, told = METADATA[case]
    payload = debrief_payload(untouched)  # ana's valid answers...
    payload["view"]["private_metadata"] = metadata  # ...for a form that was not what we sent
    posts = len(untouched.fake.calls("chat.postMessage"))
    response = untouched.running.slack.interaction(payload)
    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors"
    [error] = body["errors"].values()
    assert error != SORRY, "a tampered form is the client's fault, not 'something went wrong on our side'"
    assert told.lower() in error.lower()
    untouched.running.bot.flows.ticks.deliver(now=untouched.clock())
    assert len(untouched.fake.calls("chat.postMessage")) == posts  # no receipt


def _set(payload: dict[str, Any], block: str, entry: dict[str, Any] | None) -> dict[str, Any]:
    values = payload["view"]["state"]["values"]
    if entry is None:
        values.pop(block)
    else:
        values[block] = {block: entry}
    return payload


TAMPERED_ANSWERS = {
    "a rating never offered": (
        Block.EXCITEMENT, {"type": "radio_buttons", "selected_option": {"value": "5"}},
    ),
    "a rating of another type": (Block.FIT, {"type": "radio_buttons", "selected_option": {"value": 3}}),
    "a missing rating": (Block.ABILITY, None),
    "a recommendation never offered": (
        Block.RECOMMENDATION, {"type": "radio_buttons", "selected_option": {"value": "0"}},
    ),
    "a topic never offered": (
        Block.EXPLORE, {"type": "checkboxes", "selected_options": [{"value": "salary_history"}]},
    ),
    "eleven people to meet": (
        Block.PEOPLE_TO_MEET,
        {"type": "multi_users_select", "selected_users": [f"U{i:03d}" for i in range(11)]},
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(TAMPERED_ANSWERS), ids=list(TAMPERED_ANSWERS))
def test_tampered_answers_are_refused_inline_and_store_nothing(untouched: Arena, case: str) -> None:
    block, entry = TAMPERED_ANSWERS[case]
    payload = _set(debrief_payload(untouched), block, entry)
    response = untouched.running.slack.interaction(payload)
    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors" and block in body["errors"]


def test_a_schedule_form_from_someone_who_is_not_a_recruiter_stores_nothing(untouched: Arena) -> None:
    response = untouched.running.slack.interaction(schedule_payload(untouched, user=OUTSIDER))
    body = response.json()
    assert body["response_action"] == "errors" and "Only recruiters" in body["errors"][Block.CANDIDATE]


# -- fuzzing ---------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
STRANGERS = st.sampled_from(["UEVE", "UNOBODY", "W0", "U"]) | st.text(min_size=1, max_size=24).filter(
    lambda user: user not in INSIDERS
)
IDS = st.sampled_from(["1", "2", "0", "-1", "2147483647", "x", ""]) | st.integers(-3, 3).map(str)
TEAM = st.just({"id": "T0001", "domain": "debrief-test"})
USERS = st.builds(lambda uid: {"id": uid, "username": "eve", "name": "eve", "team_id": "T0001"}, STRANGERS)
OPTION = st.fixed_dictionaries({"value": IDS | st.sampled_from(["3", "4", "-2", "approach", "who_to_meet"])})
ELEMENT = st.one_of(
    st.builds(lambda v: {"type": "plain_text_input", "value": v}, st.none() | st.text(max_size=60)),
    st.builds(lambda o: {"type": "radio_buttons", "selected_option": o}, st.none() | OPTION),
    st.builds(lambda o: {"type": "static_select", "selected_option": o}, st.none() | OPTION),
    st.builds(lambda o: {"type": "checkboxes", "selected_options": o}, st.lists(OPTION, max_size=3)),
    st.builds(lambda u: {"type": "multi_users_select", "selected_users": u}, st.lists(STRANGERS, max_size=3)),
    st.builds(lambda u: {"type": "users_select", "selected_user": u}, STRANGERS),
    st.builds(lambda c: {"type": "conversations_select", "selected_conversation": c}, st.text(max_size=12)),
    st.builds(
        lambda t: {"type": "datetimepicker", "selected_date_time": t},
        st.integers(-(2**40), 2**40) | st.text(max_size=12),
    ),
    st.builds(lambda v: {"type": "number_input", "value": v}, st.text(max_size=8)),
)
BLOCK_IDS = st.sampled_from([str(b) for b in Block]) | st.text(max_size=10)
STATE = st.dictionaries(BLOCK_IDS, st.builds(lambda a, e: {a: e}, BLOCK_IDS, ELEMENT), max_size=14)
METAS = (
    st.sampled_from(['{"interview_id":1}', '{"interview_id":2}', '{"origin_channel_id":"CHIRING"}', "", "x"])
    | st.builds(lambda v: json.dumps({"interview_id": v}), JSON_VALUES)
    | st.text(max_size=20)
)
KNOWN_CALLBACKS = [str(Callback.DEBRIEF), str(Callback.SCHEDULE)] * 3 + [str(c) for c in Callback]
CALLBACKS = st.sampled_from(KNOWN_CALLBACKS) | st.text(max_size=15)
ACTION = st.fixed_dictionaries(
    {
        "action_id": st.sampled_from([str(a) for a in Action]) | st.text(max_size=20),
        "block_id": st.sampled_from(["actions", "decision"]) | st.text(max_size=10),
        "type": st.sampled_from(["button", "static_select", "overflow"]),
        "action_ts": st.just("1700000000.000100"),
    },
    optional={"value": IDS | st.text(max_size=30)},
)
VIEW = st.fixed_dictionaries(
    {
        "id": st.just("VFUZZ"),
        "type": st.just("modal"),
        "callback_id": CALLBACKS,
        "private_metadata": METAS,
        "state": st.builds(lambda values: {"values": values}, STATE),
        "hash": st.just("1.x"),
        "blocks": st.just([]),
    }
)


SHAPES = [
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "valid debrief",
    "valid schedule",
    "unknown",
]


@st.composite
def slack_shaped(draw: st.DrawFn, arena: Arena) -> dict[str, Any]:
    """An interaction shaped as Slack sends it, from a stranger, with random values in known fields."""
    base = {
        "team": draw(TEAM),
        "user": draw(USERS),
        "api_app_id": "A0001",
        "token": "verification-token",
        "trigger_id": draw(st.text(max_size=30)),
        "is_enterprise_install": False,
        "enterprise": None,
    }
    kind = draw(st.sampled_from(SHAPES))
    if kind == "block_actions":
        payload = {**base, "type": kind, "actions": draw(st.lists(ACTION, min_size=1, max_size=2))}
        if draw(st.booleans()):
            payload["channel"] = {
                "id": draw(st.sampled_from([CHANNEL, "C0", "DUEVE"]) | st.text(max_size=10))
            }
            payload["container"] = {"type": "message", "message_ts": "1700000000.000100"}
            payload["message"] = {"ts": "1700000000.000100", "text": draw(st.text(max_size=20))}
        if draw(st.booleans()):
            payload["view"] = draw(VIEW)
        return payload
    if kind in ("view_submission", "view_closed"):
        return {**base, "type": kind, "view": draw(VIEW), "response_urls": []}
    if kind in ("shortcut", "message_action"):
        return {**base, "type": kind, "callback_id": draw(CALLBACKS), "action_ts": "1700000000.000100"}
    if kind == "valid debrief":  # everything right, but the user is not on the panel
        payload = debrief_payload(arena, user=base["user"]["id"], interview_id=draw(st.sampled_from([1, 2])))
        return payload
    if kind == "valid schedule":  # everything right, but the user is not a recruiter
        return schedule_payload(arena, user=base["user"]["id"])
    return {**base, "type": draw(st.text(max_size=15)), "extra": draw(JSON_VALUES)}


FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure reproduces
    database=None,
    phases=(Phase.explicit, Phase.generate),  # report the first failure; shrinking costs minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def but_refusals(engine: Any) -> dict[str, Any]:
    """Every table but the audit trail, where permission refusals are (and should be) recorded, and
    the answers to clicks that were refused (owed through the outbox)."""
    rows = table_rows(engine)
    refusals = rows.pop("audit", [])
    assert all("refused" in row for row in refusals), "only refusals are recorded"
    told = [row for row in rows.get("outbox", []) if "told" in row]
    assert all(any(isinstance(v, dict) and v.get("say") == "refused" for v in row) for row in told)
    rows["outbox"] = [row for row in rows.get("outbox", []) if "told" not in row]
    return rows


def _fuzz_one(arena: Arena, payload: dict[str, Any], before: dict[str, Any]) -> None:
    status, text = arena.post(form(payload), signed(form(payload)))
    assert status < 500, f"{status} for {json.dumps(payload)[:600]}"
    assert no_traceback(text)
    assert but_refusals(arena.engine) == before, f"stored something for {json.dumps(payload)[:600]}"


def test_fuzzed_slack_shaped_interactions_never_5xx_and_change_nothing(arena: Arena) -> None:
    before = but_refusals(arena.engine)

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        _fuzz_one(arena, data.draw(slack_shaped(arena)), before)

    run()
    arena.running.bot.flows.ticks.deliver(now=arena.clock())  # anything a lazy listener might have owed
    assert but_refusals(arena.engine) == before


ANY_SHAPE = st.fixed_dictionaries(
    {"type": st.sampled_from(["block_actions", "view_submission", "view_closed", "shortcut"]) | JSON_VALUES},
    optional={
        key: JSON_VALUES
        for key in ("user", "team", "view", "actions", "channel", "container", "enterprise", "authorizations")
    },
)


def test_fuzzed_interactions_of_any_shape_never_5xx_and_change_nothing(arena: Arena) -> None:
    before = but_refusals(arena.engine)

    @FUZZ
    @given(payload=ANY_SHAPE)
    def run(payload: dict[str, Any]) -> None:
        _fuzz_one(arena, payload, before)

    run()
