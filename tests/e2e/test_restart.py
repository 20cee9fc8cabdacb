"""Restarts neither skip nor repeat: every prompt and summary is decided from database state."""

from __future__ import annotations

from datetime import timedelta

from bot.ids import Action
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.harness import ANA, BO, CHANNEL, settings_for, start_bot
from tests.e2e.test_debrief_loop import message_with_button, schedule, text_of, write_debrief


def prompts(fake: FakeSlack) -> list[dict]:
    return [m for m in fake.messages(CHANNEL) if "Write debrief" in text_of(m)]


def test_a_prompt_due_while_down_posts_once_after_restart(
    fake: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    settings = settings_for(fake, database_url)
    first = start_bot(settings, fake, clock)
    schedule(first, fake, clock)
    first.stop()

    clock.advance(hours=2)  # the interview ended while the bot was down
    second = start_bot(settings, fake, clock)
    try:
        fake.wait_for("chat.postMessage", count=3, ok=True)
        assert len(prompts(fake)) == 1
        write_debrief(second, fake, ANA)
        write_debrief(second, fake, BO)
        fake.wait_for(
            "chat.postMessage",
            predicate=lambda c: c.params.get("channel") == CHANNEL and "Advance" in str(c.params),
        )
    finally:
        second.stop()

    clock.advance(days=3)
    third = start_bot(settings, fake, clock)
    try:
        third.bot.flows.ticks.tick(now=clock())
        assert len(prompts(fake)) == 1
        assert len([m for m in fake.messages(CHANNEL) if "Advance" in text_of(m)]) == 1
        assert message_with_button(fake, ANA, Action.WRITE_DEBRIEF)
    finally:
        third.stop()
    assert fake.errors == []


def test_two_bots_on_one_database_prompt_once(fake: FakeSlack, clock: FakeClock, database_url: str) -> None:
    settings = settings_for(fake, database_url)
    web = start_bot(settings, fake, clock, with_scheduler=False)
    schedule(web, fake, clock)
    schedulers = [start_bot(settings, fake, clock) for _ in range(2)]
    try:
        clock.advance(hours=2)
        for running in schedulers:  # and both tick by hand too, on top of their schedulers
            running.bot.flows.ticks.tick(now=clock())
        fake.wait_for("chat.postMessage", count=3, ok=True)
        for running in schedulers:
            running.bot.flows.ticks.tick(now=clock() + timedelta(seconds=1))
        assert len(prompts(fake)) == 1
        assert len(fake.messages(ANA)) == 1 and len(fake.messages(BO)) == 1
    finally:
        for running in [web, *schedulers]:
            running.stop()
