"""Erasure's hard corners, through the real endpoint and the fake Slack: a post whose answer was lost
(Slack may hold it) when its interview is erased, and a per-candidate channel already archived
(Slack takes no edits there, and a bot token cannot unarchive it)."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient

from bot.ids import Action
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.conftest import StartBot
from tests.e2e.harness import ANA, BO, CHANNEL, HIRING_MANAGER, RECRUITER, RunningBot
from tests.e2e.test_debrief_loop import message_with_button, write_debrief
from tests.e2e.test_hr_data import ended, every_table, everything_in_slack, say

SECRETS = ("Grace Hopper", "grace-hopper", "compiler blog post")


def posted_under(fake: FakeSlack, prefix: str) -> list[dict]:
    """Every stored message whose outbox key starts with `prefix`, in any conversation."""
    with fake._lock:
        every = [m for messages in fake._ws.messages.values() for m in messages]
    return [
        m
        for m in every
        if str(((m.get("metadata") or {}).get("event_payload") or {}).get("outbox_key", "")).startswith(
            prefix
        )
    ]


def is_summary(call: object, channel: str = CHANNEL) -> bool:
    params = getattr(call, "params", {})
    return params.get("channel") == channel and "decide_hold" in str(params)


def summary_in_doubt(running: RunningBot, fake: FakeSlack, *, stored: bool = True) -> None:
    """Both debriefs in; the summary post (and the receipt DM) reach Slack, but their answers are lost."""
    write_debrief(running, fake, ANA)
    running.settle()
    fake.fail_next("chat.postMessage", status=503, after=stored, times=3)
    write_debrief(running, fake, BO)
    fake.wait_for("chat.postMessage", predicate=is_summary)
    running.settle()
    assert running.bot.repository.outbox.outbox_counts().pending > 0  # owed again, in doubt


def erase_and_deliver(running: RunningBot, clock: FakeClock, how: str, rounds: int = 6) -> None:
    if how == "forget":
        assert "Erased" in say(running, "forget 1")
    else:
        clock.advance(days=2)
        assert running.bot.flows.privacy.apply_retention(now=clock(), days=1) == 1
    for _ in range(rounds):
        running.settle()
        clock.advance(minutes=15)
        running.bot.flows.ticks.tick(now=clock())
    running.settle()


def nothing_of_her(running: RunningBot, fake: FakeSlack) -> None:
    slack, tables = everything_in_slack(fake), every_table(running)
    for secret in SECRETS:
        assert secret not in slack, secret
        assert secret not in tables, secret


# ---- gap 1: a post in doubt when its interview is erased ---------------------------------------
@pytest.mark.parametrize("how", ["forget", "retention"])
def test_a_summary_slack_stored_but_whose_answer_was_lost_is_found_and_erased(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock, how: str
) -> None:
    running = make_bot()
    ended(running, fake, clock)
    summary_in_doubt(running, fake)
    assert "Grace Hopper" in json_of(posted_under(fake, "summary:"))

    erase_and_deliver(running, clock, how)

    nothing_of_her(running, fake)
    [summary] = posted_under(fake, "summary:")  # found, not posted again
    assert "erased" in summary["text"]
    assert len(posted_under(fake, "receipt:")) == 2  # the receipt in doubt was found too, not re-sent
    assert fake.calls("conversations.history", ok=True)  # it was looked for, not guessed
    counts = running.bot.repository.outbox.outbox_counts()
    assert counts.pending == 0 and counts.failed == 0


def test_a_post_in_doubt_that_slack_never_stored_is_dropped_not_posted(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    ended(running, fake, clock)
    summary_in_doubt(running, fake, stored=False)
    assert posted_under(fake, "summary:") == []

    erase_and_deliver(running, clock, "forget")

    assert posted_under(fake, "summary:") == []  # never posted, even in its erased form
    nothing_of_her(running, fake)
    counts = running.bot.repository.outbox.outbox_counts()
    assert counts.pending == 0 and counts.failed == 0


def test_when_slack_cannot_say_the_erasure_waits_and_looks_again(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    ended(running, fake, clock)
    summary_in_doubt(running, fake)
    fake.fail_next("conversations.history", error="fatal_error", times=50)

    erase_and_deliver(running, clock, "forget", rounds=3)
    assert running.bot.repository.outbox.outbox_counts().pending > 0  # waiting, not guessing
    assert "Grace Hopper" in json_of(posted_under(fake, "summary:"))
    assert "Grace Hopper" not in every_table(running)  # what waits in the outbox holds ids only

    fake.clear_faults()
    for _ in range(4):
        clock.advance(minutes=15)
        running.bot.flows.ticks.tick(now=clock())
        running.settle()
    nothing_of_her(running, fake)
    assert len(posted_under(fake, "summary:")) == 1
    assert running.bot.repository.outbox.outbox_counts().failed == 0


# ---- gap 2: a per-candidate channel the bot archived -----------------------------------------
def decided_in_own_channel(make_bot: StartBot, fake: FakeSlack, clock: FakeClock) -> tuple[RunningBot, str]:
    running = make_bot(debrief_channel_mode="per_candidate", debrief_archive_after_days=3)
    ended(running, fake, clock)
    channel = fake.calls("conversations.create", ok=True)[0].response["channel"]["id"]
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO)
    fake.wait_for("chat.postMessage", predicate=lambda c: is_summary(c, channel))
    summary = message_with_button(fake, channel, Action.DECIDE_HOLD)
    running.slack.block_action(
        Action.DECIDE_HOLD, user_id=HIRING_MANAGER, channel_id=channel, message=summary
    )
    fake.wait_for("chat.update", ok=True)
    running.settle()
    return running, channel


def in_channel(fake: FakeSlack, channel: str) -> str:
    state = fake.channel(channel)
    return f"{state.name} {state.topic} {json_of(fake.messages(channel))}"


@pytest.mark.parametrize("how", ["forget", "retention"])
def test_the_bot_empties_a_channel_before_archiving_it_and_erasure_later_reaches_the_rest(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock, how: str
) -> None:
    running, channel = decided_in_own_channel(make_bot, fake, clock)
    assert "Grace Hopper" in in_channel(fake, channel)
    clock.advance(days=4)
    for _ in range(3):
        running.bot.flows.ticks.tick(now=clock())
        clock.advance(minutes=1)

    assert fake.channel(channel).is_archived
    emptied = in_channel(fake, channel)
    for secret in SECRETS:
        assert secret not in emptied, secret
    assert "/debrief status 1" in emptied  # where the record still lives
    assert "Grace Hopper" in say(running, "status 1")  # it does, until retention or forget
    assert "Grace Hopper" in everything_in_slack(fake)  # e.g. the DMs, until then

    erase_and_deliver(running, clock, how)

    nothing_of_her(running, fake)
    assert fake.uploaded_files() == []
    refused = [c for c in fake.calls() if c.response and c.response.get("error") == "is_archived"]
    assert refused == []  # nothing tried in the archived channel: it was emptied
    counts = running.bot.repository.outbox.outbox_counts()
    assert counts.pending == 0 and counts.failed == 0


def test_a_channel_someone_archived_first_is_reported_not_retried_forever(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running, channel = decided_in_own_channel(make_bot, fake, clock)
    person = WebClient(token="xoxp-person", base_url=fake.api_url)
    person.conversations_archive(channel=channel)  # before the bot could empty it

    erase_and_deliver(running, clock, "forget", rounds=4)
    clock.advance(days=4)
    for _ in range(4):
        running.bot.flows.ticks.tick(now=clock())
        running.settle()
        clock.advance(hours=1)

    counts = running.bot.repository.outbox.outbox_counts()
    assert counts.pending == 0 and counts.failed > 0  # bounded: given up on, not retried forever
    assert fake.calls("conversations.unarchive") == []  # out of a bot's reach: not even tried
    told = json_of(fake.messages(RECRUITER))
    assert "couldn't post" in told and "/debrief status 1" in told  # a person hears of it
    for secret in ("compiler blog post",):  # everywhere the bot can still reach is erased
        assert secret not in json_of([m for c, ms in all_but(fake, channel) for m in ms]), secret


def all_but(fake: FakeSlack, channel: str) -> list[tuple[str, list[dict]]]:
    with fake._lock:
        return [(c, list(ms)) for c, ms in fake._ws.messages.items() if c != channel]


def json_of(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def test_archiving_whose_answer_was_lost_is_not_mistaken_for_someone_elses(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running, channel = decided_in_own_channel(make_bot, fake, clock)
    fake.fail_next("conversations.archive", drop=True, after=True, times=3)  # past the client's retries
    clock.advance(days=3, minutes=1)
    for _ in range(4):
        running.bot.flows.ticks.tick(now=clock())
        running.settle()
        clock.advance(minutes=15)
    assert fake.channel(channel).is_archived and "Grace Hopper" not in in_channel(fake, channel)
    assert any(c.fault == "drop-after" for c in fake.calls("conversations.archive"))
    counts = running.bot.repository.outbox.outbox_counts()
    assert counts.pending == 0 and counts.failed == 0  # its own archiving, found done
