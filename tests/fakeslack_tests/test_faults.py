"""Latency, injected faults and rate limits; a faulted call never takes effect."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (  # ServerErrorRetryHandler is not re-exported
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from fakeslack import FakeSlack

from .conftest import FakeClock

QUICK = FixedValueRetryIntervalCalculator(0.01)


def retrying_client(fake: FakeSlack, retries: int = 1) -> WebClient:
    return WebClient(
        token="xoxb-test",
        base_url=fake.api_url,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries, interval_calculator=QUICK),
            ConnectionErrorRetryHandler(max_retry_count=retries, interval_calculator=QUICK),
        ],
    )


def test_429_carries_retry_after_and_slack_sdk_honours_it(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    retrying_client(fake).chat_postMessage(channel="C1", text="once")
    assert time.monotonic() - started >= 1.0  # the handler slept Retry-After (plus jitter)
    first, second = fake.calls("chat.postMessage")
    assert (first.status, first.fault, first.error, second.status) == (429, "429", "ratelimited", 200)
    assert [m["text"] for m in fake.messages("C1")] == ["once"]
    assert fake.errors == []


def test_500_is_retried_and_the_message_arrives_exactly_once(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=500)
    retrying_client(fake).chat_postMessage(channel="C1", text="once")
    assert [c.status for c in fake.calls("chat.postMessage")] == [500, 200]
    assert [m["text"] for m in fake.messages("C1")] == ["once"]


def test_a_dropped_connection_is_retried_by_the_connection_handler(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", drop=True)
    retrying_client(fake).chat_postMessage(channel="C1", text="once")
    assert [c.status for c in fake.calls("chat.postMessage")] == [0, 200]
    assert len(fake.messages("C1")) == 1


def test_without_retry_handlers_a_fault_surfaces_and_nothing_is_stored(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.fail_next("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="lost")
    assert raised.value.response.status_code == 503
    fake.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="C1", text="lost")
    assert fake.messages("C1") == []


def test_random_faults_are_seeded_and_never_lose_or_duplicate_a_message(fake: FakeSlack) -> None:
    fake.inject_faults(rate=0.3, kinds=("500", "drop"), seed=7, methods={"chat.postMessage"})
    client = retrying_client(fake, retries=10)
    for n in range(30):
        client.chat_postMessage(channel="C1", text=f"m{n}")
    client.auth_test()  # out of scope: never faulted
    faulted = [c for c in fake.calls("chat.postMessage") if c.fault]
    assert faulted and {c.fault for c in faulted} <= {"500", "drop"}
    assert [m["text"] for m in fake.messages("C1")] == [f"m{n}" for n in range(30)]
    assert all(c.ok for c in fake.calls("auth.test"))


def test_channel_rate_limit_answers_429_until_the_bucket_refills(fake: FakeSlack, clock: FakeClock) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    fake.channel_rate(per_second=1, burst=2)
    client.chat_postMessage(channel="C1", text="1")
    client.chat_postMessage(channel="C1", text="2")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="3")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    client.chat_postMessage(channel="U1", text="other channels have their own bucket")
    clock.advance(1.0)
    client.chat_postMessage(channel="C1", text="3")
    assert [m["text"] for m in fake.messages("C1")] == ["1", "2", "3"]


def test_latency_delays_every_response() -> None:
    with FakeSlack(latency=0.05) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        started = time.monotonic()
        client.auth_test()
        assert time.monotonic() - started >= 0.05
