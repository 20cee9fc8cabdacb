"""Slack failing under the bot: random 429s, 500s and dropped connections, a scripted run of 500s,
permanent errors, a Slack so slow a delivery outlives its lease, and retried event deliveries.

The bot runs in-process (tests/e2e/harness.py) without its scheduler: the tests tick by hand and
move the FakeClock past back-off times, only while no call is in flight.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.domain.models import InterviewDraft, Stage
from bot.ids import Action
from fakeslack import FakeSlack, last_view
from storage.rows import utc
from storage.tables import OutboxRow
from tests.conftest import FakeClock
from tests.e2e.conftest import StartBot
from tests.e2e.harness import ANA, BO, CHANNEL, HIRING_MANAGER, RECRUITER, RunningBot
from tests.e2e.procs import delivered, interview_of, kind_of, quiet, table_rows, wait_until
from tests.e2e.test_debrief_loop import debrief_values, message_with_button, schedule

Posts = Counter[tuple[str, str, int | None]]


@pytest.fixture
def running(make_bot: StartBot) -> RunningBot:
    """No background scheduler (ticks are driven by hand), and no reminder before the tests are done."""
    return make_bot(debrief_remind_after_minutes=600, debrief_deadline_minutes=1440)


# -- helpers ---------------------------------------------------------------------------------------


def outbox(running: RunningBot) -> list[dict[str, Any]]:
    """The outbox rows, oldest first: what is owed, its status, attempts and back-off."""
    with Session(running.bot.repository.engine) as session:
        rows = session.exec(select(OutboxRow).order_by(col(OutboxRow.id))).all()
        return [
            {
                "key": row.key,
                "status": row.status,
                "attempts": row.attempts,
                "next_attempt_at": utc(row.next_attempt_at),
                "claimed_until": row.claimed_until,
                "last_error": row.last_error,
            }
            for row in rows
        ]


def drive(
    running: RunningBot, clock: FakeClock, done: Callable[[], bool], *, timeout: float, what: str
) -> None:
    """Tick until `done`; when only backed-off calls remain, move the clock to the next one.

    The clock moves only while nothing is claimed: a lazy listener may be mid-send (a 429 costs
    real seconds), and jumping its lease would make the test itself send twice.
    """

    def step() -> bool:
        running.bot.flows.ticks.tick(now=clock())
        if done():
            return True
        rows = [r for r in outbox(running) if r["status"] == "pending"]
        if rows and all(r["claimed_until"] is None for r in rows):
            due = min(r["next_attempt_at"] for r in rows)
            if due > clock():
                clock.now = due
        return False

    wait_until(step, timeout=timeout, interval=0.02, what=lambda: f"{what}; outbox: {outbox(running)}")


def settle(running: RunningBot, clock: FakeClock) -> None:
    """Wait for lazy listeners to finish, then tick well past every back-off: nothing left owed."""
    wait_until(
        lambda: all(r["claimed_until"] is None for r in outbox(running)), timeout=15, what="calls in flight"
    )
    for _ in range(3):
        clock.advance(hours=1)
        running.bot.flows.ticks.tick(now=clock())
    assert [r for r in outbox(running) if r["status"] != "sent"] == []


def open_debrief(running: RunningBot, fake: FakeSlack, user: str) -> dict[str, Any]:
    """Click "Write debrief" in the DM until the modal opens: a faulted views.open, like a person would."""
    prompt = message_with_button(fake, user, Action.WRITE_DEBRIEF)
    for _ in range(6):
        opened = len(fake.calls("views.open", ok=True))
        assert running.slack.block_action(Action.WRITE_DEBRIEF, user_id=user, message=prompt).status == 200
        try:
            fake.wait_for("views.open", count=opened + 1, ok=True, timeout=6)
        except TimeoutError:
            continue  # Slack failed under the click (or the trigger expired meanwhile): click again
        return last_view(fake)
    raise AssertionError(f"the debrief modal never opened for {user}")


def attempted(fake: FakeSlack) -> Posts:
    """Every chat.postMessage the bot tried, whatever the outcome, by (kind, channel asked for, interview)."""
    return Counter(
        (kind_of(c.params) or "other", str(c.params.get("channel")), interview_of(c.params))
        for c in fake.calls("chat.postMessage")
    )


def rejections(fake: FakeSlack, *expected: str) -> list[Any]:
    """What the fake refused, apart from the errors the test provoked on purpose."""
    return [e for e in fake.errors if e.error not in expected]


# -- random faults --------------------------------------------------------------------------------


def test_under_random_429s_500s_and_dropped_connections_everything_arrives_exactly_once(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock)  # the modal step, before any fault (and Bolt's auth.test is cached)
    running.settle()  # and what its ack left to do (the channel check, the Home tab)
    interview_id = 1
    fake.inject_faults(rate=0.3, kinds=("429", "500", "drop"), seed=8, retry_after=1)

    clock.advance(hours=2)  # the interview is over
    expected: Posts = Counter(
        {
            ("prompt", CHANNEL, interview_id): 1,
            ("prompt_dm", f"D{ANA}", interview_id): 1,
            ("prompt_dm", f"D{BO}", interview_id): 1,
        }
    )
    drive(running, clock, lambda: set(expected) <= set(delivered(fake)), timeout=40, what="the prompts")

    modal = open_debrief(running, fake, ANA)
    assert running.slack.view_submission(modal, debrief_values(), user_id=ANA).status == 200
    modal = open_debrief(running, fake, BO)
    values = debrief_values(recommendation="-1", private_note="I know her former manager; ask me.")
    assert running.slack.view_submission(modal, values, user_id=BO).status == 200

    expected += Counter(
        {
            ("receipt", f"D{ANA}", interview_id): 1,
            ("receipt", f"D{BO}", interview_id): 1,
            ("summary", CHANNEL, interview_id): 1,
            ("private_notes", f"D{HIRING_MANAGER}", None): 1,
            ("private_notes", f"D{RECRUITER}", None): 1,  # private notes reach recruiters too
        }
    )
    drive(running, clock, lambda: set(expected) <= set(delivered(fake)), timeout=40, what="everything")
    settle(running, clock)

    assert delivered(fake) == expected  # every message exactly once, nothing else
    assert len(running.bot.repository.debriefs.list_debriefs(interview_id=interview_id)) == 2
    faults = Counter(c.fault for c in fake.calls() if c.fault)
    assert set(faults) == {"429", "500", "drop"}, f"the faults really happened: {faults}"
    assert any(c.fault for c in fake.calls("chat.postMessage"))
    # A views.open retried past its trigger's 3 s is Slack's expired_trigger_id: the person clicks again.
    assert rejections(fake, "expired_trigger_id") == []


# -- scripted faults ------------------------------------------------------------------------------


def test_ten_500s_in_a_row_are_retried_after_back_off_and_each_message_arrives_once(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock)
    fake.fail_next("chat.postMessage", status=500, times=10)
    clock.advance(hours=2)

    # Three messages owed (channel prompt, two DMs). A 500 may come after Slack stored the message,
    # so the client never re-sends a post on its own: each is tried once, then backed off, in doubt.
    report = running.bot.flows.ticks.tick(now=clock())
    assert (report.prompted, report.delivered) == (1, 0)
    assert [c.status for c in fake.calls("chat.postMessage")] == [500] * 3
    assert fake.messages(CHANNEL) == [] and fake.messages(ANA) == [] and fake.messages(BO) == []
    rows = [r for r in outbox(running) if r["key"].startswith("prompt")]
    assert len(rows) == 3
    for row in rows:
        assert row["status"] == "pending" and row["attempts"] == 1
        assert "internal_error" in (row["last_error"] or "")
        assert row["next_attempt_at"] > clock()  # backed off, not hammering Slack

    # Before the back-off ends nothing is tried again.
    running.bot.flows.ticks.tick(now=clock() + timedelta(seconds=1))
    assert len(fake.calls("chat.postMessage")) == 3

    expected: Posts = Counter(
        {("prompt", CHANNEL, 1): 1, ("prompt_dm", f"D{ANA}", 1): 1, ("prompt_dm", f"D{BO}", 1): 1}
    )
    drive(running, clock, lambda: set(expected) <= set(delivered(fake)), timeout=30, what="the prompts")
    settle(running, clock)
    assert delivered(fake) == expected
    assert len(fake.calls("chat.postMessage")) == 10 + 3  # every 500 took one try, then one success each
    # Each re-send looked first (the message might have been stored before the 500).
    assert len(fake.calls("conversations.history")) >= 10
    assert fake.errors == []


def test_a_permanent_error_is_given_up_at_once_and_blocks_nothing_else(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    # #1 was scheduled in a channel since deleted, with someone who has since left the workspace.
    draft = InterviewDraft(
        candidate="Grace Hopper",
        role="Compiler Engineer",
        stage=Stage.ONSITE,
        interviewer_ids=(ANA, "UGONE"),
        hiring_manager_id=HIRING_MANAGER,
        starts_at=clock() + timedelta(hours=1),
        length_minutes=45,
        channel_id="CGONE",
    )
    running.bot.repository.interviews.create_interview(
        draft=draft, recruiter_id=RECRUITER, deadline=timedelta(days=1), now=clock()
    )
    schedule(running, fake, clock, candidate="Edsger Dijkstra")  # #2: all fine
    clock.advance(hours=2)
    running.bot.flows.ticks.tick(now=clock())

    expected: Posts = Counter(
        {
            ("prompt_dm", f"D{ANA}", 1): 1,
            ("prompt", CHANNEL, 2): 1,
            ("prompt_dm", f"D{ANA}", 2): 1,
            ("prompt_dm", f"D{BO}", 2): 1,
        }
    )
    # The recruiter hears of both: the channel post, and the DM to someone who has left.
    expected[("undeliverable", f"D{RECRUITER}", 1)] = 2
    running.bot.flows.ticks.tick(now=clock())
    assert delivered(fake) == expected
    failed = {r["key"]: r for r in outbox(running) if r["status"] == "failed"}
    assert set(failed) == {"prompt:1", "prompt_dm:1:UGONE"}
    assert all(r["attempts"] == 1 and r["last_error"] == "channel_not_found" for r in failed.values())

    # Days later (reminders, the deadline's summary): everything was tried once, nothing retried.
    for _ in range(3):
        clock.advance(days=1)
        running.bot.flows.ticks.tick(now=clock())
    tried = attempted(fake)
    assert tried[("prompt", "CGONE", 1)] == 1 and tried[("prompt_dm", "UGONE", 1)] == 1
    assert tried[("summary", "CGONE", 1)] == 1  # the deadline's summary: owed, tried, given up
    assert tried.pop(("undeliverable", RECRUITER, 1)) == 3  # the prompt, the DM, then the summary
    notices = sorted(m["text"] for m in fake.messages(RECRUITER) if kind_of(m) == "undeliverable")
    assert len(notices) == 3
    assert sum("debrief prompt in <#CGONE>" in n for n in notices) == 1, notices
    assert sum("request to write a debrief to <@UGONE>" in n for n in notices) == 1, notices
    assert sum("summary in <#CGONE>" in n for n in notices) == 1, notices
    assert all(n == 1 for n in tried.values()), tried
    assert delivered(fake)[("summary", CHANNEL, 2)] == 1
    assert {e.error for e in fake.errors} == {"channel_not_found"}


def test_a_delivery_batch_that_outlives_its_lease_is_not_sent_twice(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    first, second = make_bot(), make_bot()  # two processes (or a web process and a scheduler)
    worker: threading.Thread | None = None
    try:
        for i in range(20):  # twenty interviews that ended together, one interviewer each
            draft = InterviewDraft(
                candidate=f"Candidate {i:02d}",
                role="Engineer",
                stage=Stage.ONSITE,
                interviewer_ids=(ANA,),
                hiring_manager_id=HIRING_MANAGER,
                starts_at=clock() - timedelta(hours=1),
                length_minutes=45,
                channel_id=CHANNEL,
            )
            first.bot.repository.interviews.create_interview(
                draft=draft, recruiter_id=RECRUITER, deadline=timedelta(days=1), now=clock()
            )
        fake.latency = 0.05  # a slow Slack: the first tick takes a while to send its 40 calls
        worker = threading.Thread(target=lambda: first.bot.flows.ticks.tick(now=clock()), daemon=True)
        worker.start()
        wait_until(lambda: len(fake.messages(CHANNEL)) >= 3, timeout=10, what="the first posts")

        # The batch is still going when its lease ends: as a rate-limited channel takes that long over
        # a few hundred posts. Time passes under the sender (no settling first: it is still sending).
        clock.now += first.bot.flows.courier.lease + timedelta(seconds=1)
        second.bot.flows.ticks.tick(now=clock())  # the other process's tick (or a lazy deliver) meanwhile
        worker.join(timeout=30)

        posts = delivered(fake)
        repeated = {key: n for key, n in posts.items() if n > 1}
        assert len(posts) == 40
        # A call already on the wire when its lease ran out may go twice (one per lane); nothing else.
        assert len(repeated) <= 2, f"{len(repeated)} messages posted twice: {sorted(repeated)[:6]}…"
    finally:
        fake.latency = 0
        if worker is not None:
            worker.join(timeout=30)


# -- retried event deliveries ---------------------------------------------------------------------


def test_a_retried_event_delivery_only_republishes_the_home_tab(
    running: RunningBot, fake: FakeSlack, clock: FakeClock
) -> None:
    schedule(running, fake, clock, starts_at=clock() - timedelta(hours=1))  # over: prompted at once
    drive(running, clock, lambda: len(delivered(fake)) == 3, timeout=10, what="the prompts")
    settle(running, clock)
    quiet(fake)  # whatever scheduling set off (e.g. refreshing the recruiter's Home tab) is done
    engine = running.bot.repository.engine
    before = table_rows(engine)

    def published_for_ana() -> list[Any]:
        return [c for c in fake.calls("views.publish", ok=True) if c.params.get("user_id") == ANA]

    event = {"type": "app_home_opened", "user": ANA, "tab": "home", "channel": f"D{ANA}"}
    assert running.slack.event(event, event_id="Ev0HOME01").status == 200
    wait_until(lambda: len(published_for_ana()) == 1, timeout=5, what="ana's Home tab")
    home = fake.home_view(ANA)
    assert home is not None and "Grace Hopper" in str(home["blocks"])
    quiet(fake)
    seen = len(fake.calls())

    # Slack did not see our ack in time (so it says) and delivers the same event again, twice.
    for retry in (1, 2):
        response = running.slack.event(
            event, event_id="Ev0HOME01", retry_num=retry, retry_reason="http_timeout"
        )
        assert response.status == 200
    wait_until(lambda: len(published_for_ana()) == 3, timeout=5, what="the Home tab republished")
    quiet(fake)
    running.bot.flows.ticks.tick(now=clock())

    again = [(c.method, c.params.get("user_id")) for c in fake.calls()[seen:]]
    assert again == [("views.publish", ANA)] * 2  # the same tab again, and nothing else
    republished = fake.home_view(ANA)
    assert republished is not None and republished["blocks"] == home["blocks"]
    assert table_rows(engine) == before  # nothing stored, nothing owed
    assert fake.errors == []
