"""The permission table, every cell, through real signed requests: allowed does the thing; refused
says why, and the refusal is in the audit trail."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.access import CLOSED_BY_DEFAULT
from bot.domain.models import InterviewDraft, Stage
from bot.ids import Action as Button
from bot.policy import TABLE, Action, Role, refusal
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.conftest import StartBot
from tests.e2e.harness import ANA, BO, CHANNEL, HIRING_MANAGER, OUTSIDER, RECRUITER, RunningBot
from tests.e2e.test_debrief_loop import text_of

ADMIN, OTHER_HM, NEWCOMER = "UADMIN", "UHM2", "UNEW"
R, HM, P = Role.RECRUITER, Role.HIRING_MANAGER, Role.PANELIST

# The policy as a people team would write it down; bot.policy.TABLE must say exactly this.
EXPECTED = {
    Action.SCHEDULE: {R}, Action.LIST: {R}, Action.EXPORT: {R}, Action.STATUS: {R, HM},
    Action.REMIND: {R, HM}, Action.CLOSE: {R}, Action.CANCEL: {R}, Action.RESCHEDULE: {R},
    Action.FOLLOWUP: {R}, Action.FORGET: {R}, Action.AUDIT: {R}, Action.PANEL: {R}, Action.SOURCES: {R},
    Action.EXTEND: {R, HM}, Action.DECIDE: {R, HM}, Action.WHO_SAID_WHAT: {R, HM},
    Action.WRITE_DEBRIEF: {P}, Action.SNOOZE: {P}, Action.SEE_ALL: {R},
}  # fmt: skip
PERSON = {
    Role.PANELIST: ANA,
    Role.HIRING_MANAGER: HIRING_MANAGER,
    Role.OTHER_HIRING_MANAGER: OTHER_HM,
    Role.RECRUITER: RECRUITER,
    Role.ADMIN: ADMIN,
    Role.OTHER: OUTSIDER,
}


def test_the_policy_is_the_table_people_agreed() -> None:
    assert {action: set(roles) for action, roles in TABLE.items()} == EXPECTED
    assert set(TABLE) == set(Action)


class Walk:
    """One bot, one person; each attempt on a fresh interview in the state the action needs."""

    def __init__(self, running: RunningBot, fake: FakeSlack, clock: FakeClock, user: str) -> None:
        self.running, self.fake, self.clock, self.user = running, fake, clock, user
        self.count = 0

    def interview(self, state: str) -> int:
        self.count += 1
        flows, now = self.running.bot.flows, self.clock()
        starts = now + timedelta(days=1) if state == "scheduled" else now - timedelta(hours=1)
        draft = InterviewDraft(
            candidate=f"Candidate {self.count}", role="Engineer", stage=Stage.ONSITE,
            interviewer_ids=(ANA, BO), hiring_manager_id=HIRING_MANAGER, starts_at=starts,
            length_minutes=45, channel_id=CHANNEL,
        )  # fmt: skip
        interview = flows.pipeline.schedule(draft=draft, recruiter_id=RECRUITER, bot_user_id=None, now=now)
        if state == "summarised":
            flows.pipeline.close(interview_id=interview.id, now=now)
        flows.ticks.deliver(now=now)
        return interview.id

    def say(self, words: str) -> str:
        response = self.running.slack.command(text=words, user_id=self.user, channel_id=CHANNEL)
        assert response.status == 200
        body = response.json() if response.body else {}
        return str(body.get("text", "")) + str(body.get("blocks", ""))

    def click(self, action_id: str, interview_id: int, done: Callable[[], bool]) -> str:
        """Click a button; what the person is told (ephemeral or DM), or "" if nothing within a while.
        Waits until they are told, a modal opens or `done` (an effect no one is told of) holds."""
        told = self._told()
        opened = len(self.fake.calls("views.open", ok=True))
        self.running.slack.block_action(action_id, str(interview_id), user_id=self.user, channel_id=CHANNEL)
        self.running.settle()
        for _ in range(500):
            if self._told() != told or len(self.fake.calls("views.open", ok=True)) > opened or done():
                break
            time.sleep(0.02)  # the lazy listener answers after the ack
        return "\n".join(sorted(set(self._told()) - set(told)))

    def _told(self) -> list[str]:
        ephemeral = [m["text"] for m in self.fake.ephemerals(user=self.user)]
        dms = [text_of(m) for m in self.fake.messages(f"D{self.user}")]
        return ephemeral + dms

    def views_opened(self) -> int:
        return len(self.fake.calls("views.open", ok=True))


def _refused_in_audit(running: RunningBot, user: str, action: Action) -> bool:
    with running.bot.repository.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT action FROM audit WHERE actor = :u AND outcome = 'refused'"), {"u": user}
        ).all()
    return str(action) in {row[0] for row in rows}


Attempt = Callable[[Walk], bool]  # True: it was done (and the effect is checked); False: refused


def _command(words: str, done: str, state: str = "collecting") -> Attempt:
    def attempt(walk: Walk) -> bool:
        number = walk.interview(state)
        answer = walk.say(words.format(id=number))
        return done in answer

    return attempt


def _opens(words: str, state: str = "collecting") -> Attempt:
    def attempt(walk: Walk) -> bool:
        number = walk.interview(state)
        before = walk.views_opened()
        refusals = len(walk.fake.calls("response_url"))
        walk.say(words.format(id=number))
        walk.running.bot.executor.submit(lambda: None).result()
        for _ in range(500):  # the lazy listener opens the form, or says why not by response_url
            if walk.views_opened() > before:
                return True
            if len(walk.fake.calls("response_url")) > refusals:
                return False
            time.sleep(0.02)
        return False

    return attempt


def _button(action_id: str, state: str, done: Callable[[Walk, int, str], bool]) -> Attempt:
    def attempt(walk: Walk) -> bool:
        number = walk.interview(state)
        before = walk.views_opened()
        told = walk.click(action_id, number, done=lambda: done(walk, number, ""))
        return done(walk, number, told) or walk.views_opened() > before

    return attempt


def _decided(walk: Walk, number: int, _told: str) -> bool:
    return walk.running.bot.repository.interviews.get_interview(interview_id=number).decision is not None


def _told(words: str) -> Callable[[Walk, int, str], bool]:
    return lambda _walk, _number, told: words in told


def _home(walk: Walk) -> bool:
    walk.interview("collecting")
    walk.running.slack.event({"type": "app_home_opened", "user": walk.user, "tab": "home"})
    walk.fake.wait_for("views.publish", ok=True, predicate=lambda c: c.params.get("user_id") == walk.user)
    return "Recruiting" in text_of(walk.fake.home_view(walk.user) or {})


ATTEMPTS: dict[Action, Attempt] = {
    Action.SCHEDULE: _opens("schedule"),
    Action.LIST: _command("list", "Interviews 1"),
    Action.EXPORT: _command("export", "Preparing your export"),
    Action.STATUS: _command("status {id}", "Submitted:"),
    Action.REMIND: _command("remind {id}", "Reminded"),
    Action.CLOSE: _command("close {id}", "Posting the summary"),
    Action.CANCEL: _command("cancel {id}", "Cancelled"),
    Action.RESCHEDULE: _opens("reschedule {id}", state="scheduled"),
    Action.FOLLOWUP: _command("followup {id}", "Noted"),
    Action.FORGET: _command("forget {id}", "Erased"),
    Action.AUDIT: _command("audit {id}", "Audit trail of"),
    Action.PANEL: _command(f"panel {{id}} add <@{NEWCOMER}|new>", "The panel of"),
    Action.SOURCES: _command("sources", "No calendar feed or ATS is connected"),
    Action.EXTEND: _button(Button.EXTEND, "summarised", _told("Extended")),
    Action.DECIDE: _button(Button.DECIDE_HOLD, "summarised", _decided),
    Action.WHO_SAID_WHAT: _button(Button.WHO_SAID_WHAT, "summarised", lambda *_: False),
    Action.WRITE_DEBRIEF: _button(Button.WRITE_DEBRIEF, "collecting", lambda *_: False),
    Action.SNOOZE: _button(Button.SNOOZE, "collecting", _told("Snoozed")),
    Action.SEE_ALL: _home,
}


@pytest.mark.parametrize("role", list(Role), ids=[r.name.lower() for r in Role])
def test_every_cell_of_the_policy_through_real_requests(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock, role: Role
) -> None:
    fake.add_user(ADMIN, "ada-admin", is_admin=True)
    fake.add_user(OTHER_HM, "henry")
    fake.add_user(NEWCOMER, "nia")
    running = make_bot(debrief_recruiters=(RECRUITER,))
    walk = Walk(running, fake, clock, PERSON[role])
    other = walk.interview("collecting")  # someone else's hiring-manager role comes from our records
    running.bot.repository.privacy.change_panel(
        interview_id=other, add=(), remove=(), next_remind_at=None, now=clock()
    )
    with running.bot.repository.engine.begin() as connection:
        connection.execute(
            text("UPDATE interview SET hiring_manager_id = :u WHERE id = :i"), {"u": OTHER_HM, "i": other}
        )
    outcomes = {}
    for action in Action:
        allowed = role in TABLE[action]
        done = ATTEMPTS[action](walk)
        outcomes[action] = done
        if action is Action.SEE_ALL:
            continue  # not a refusal: everyone's Home tab shows their own interviews
        if not allowed:
            assert _refused_in_audit(running, walk.user, action), f"{role}: refusal of {action} not audited"
    expected = {action: role in TABLE[action] for action in Action}
    assert outcomes == expected


def test_a_refusal_says_why(make_bot: StartBot, fake: FakeSlack, clock: FakeClock) -> None:
    running = make_bot(debrief_recruiters=(RECRUITER,))
    walk = Walk(running, fake, clock, OUTSIDER)
    number = walk.interview("collecting")
    assert refusal(Action.FORGET) in walk.say(f"forget {number}")
    assert "DEBRIEF_RECRUITERS" in refusal(Action.FORGET)
    assert refusal(Action.STATUS) == "Only the hiring manager and recruiters can see this interview's status."
    assert refusal(Action.WRITE_DEBRIEF) in walk.click(Button.WRITE_DEBRIEF, number, done=lambda: False)
    trail = walk.running.bot.repository.privacy.audit_trail(interview_id=number)
    assert [(e.actor, e.action, e.outcome) for e in trail] == [
        (OUTSIDER, "forget", "refused"),
        (OUTSIDER, "write_debrief", "refused"),
    ]


def test_with_no_recruiters_named_only_admins_and_owners_are_recruiters(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_user(ADMIN, "ada-admin", is_admin=True)
    fake.add_user("UOWNER", "owen", is_owner=True)
    caplog.set_level(logging.WARNING, logger="bot.app")
    running = make_bot(debrief_recruiters=())
    assert CLOSED_BY_DEFAULT in caplog.text  # the bot says so at start
    walk = Walk(running, fake, clock, OUTSIDER)
    number = walk.interview("collecting")
    assert refusal(Action.EXPORT) in walk.say("export")  # not everyone, as it used to be
    assert refusal(Action.FORGET) in walk.say(f"forget {number}")
    assert refusal(Action.CANCEL) in walk.say(f"cancel {number}")
    for admin in (ADMIN, "UOWNER"):
        assert "Interviews 1" in Walk(running, fake, clock, admin).say("list")
    # The Home tab: an interviewer sees her own interviews, not every verdict and every panel.
    running.slack.event({"type": "app_home_opened", "user": BO, "tab": "home"})
    fake.wait_for("views.publish", ok=True, predicate=lambda c: c.params.get("user_id") == BO)
    assert "Recruiting" not in text_of(fake.home_view(BO) or {})
