"""The scripted hiring team and what they do, in simulated time.

A recruiter schedules an onsite; three interviewers in three time zones answer the debrief modal
(one names a deal-breaker, two split on fit, one asks to explore further and names a person to meet);
one is late and gets a reminder; the summary posts; the hiring manager reads "Who said what" and
decides; the candidate's follow-up note arrives. `seed` varies the answers, never the story.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.ids import Action
from fakeslack import FakeSlack, build_state_values, last_view

from .stage import Stage
from .surfaces import Recorder

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday morning in London
INTERVIEW_AT = START + timedelta(hours=5)  # 13:00 UTC, for an hour
CHANNEL, CHANNEL_NAME = "CHIRING", "hiring-platform"
WAIT = 10.0  # real seconds to wait for the bot; it normally answers in milliseconds


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    real_name: str
    tz: str


RITA = Person("URITA", "rita", "Rita Okafor", "Europe/London")  # recruiter
HANA = Person("UHANA", "hana", "Hana Kim", "Europe/London")  # hiring manager
ANA = Person("UANA", "ana", "Ana Souza", "Europe/Berlin")
PRIYA = Person("UPRIYA", "priya", "Priya Nair", "Asia/Kolkata")
BO = Person("UBO", "bo", "Bo Lindqvist", "America/New_York")  # the late one
CARLOS = Person("UCARLOS", "carlos", "Carlos Mendes", "Europe/Lisbon")  # someone to meet
TEAM = (RITA, HANA, ANA, PRIYA, BO, CARLOS)
CANDIDATE, ROLE = "Maya Chen", "Staff Backend Engineer"


def workspace(clock: Callable[[], float]) -> FakeSlack:
    """The stand-in's workspace: the team and #hiring-platform; calls are stamped by `clock`."""
    slack = FakeSlack(team="Acme Robotics", team_domain="acme-robotics", clock=clock)
    for person in TEAM:
        slack.add_user(person.id, person.name, real_name=person.real_name, tz=person.tz)
    slack.add_channel(CHANNEL, CHANNEL_NAME)
    return slack


def names() -> dict[str, str]:
    return {"UBOT": "debrief-bot", CHANNEL: CHANNEL_NAME, **{p.id: p.real_name for p in TEAM}}


def _pick(rng: random.Random, *choices: str) -> str:
    return rng.choice(choices)


def answers(seed: int) -> dict[str, dict[str, Any]]:
    """Each interviewer's debrief; the seed changes wording and ratings within each person's part."""
    rng = random.Random(seed)
    # One generator, drawn in this order (a dict display evaluates left to right): Ana, Priya, Bo.
    return {ANA.id: _ana(rng), PRIYA.id: _priya(rng), BO.id: _bo(rng)}


def _ana(rng: random.Random) -> dict[str, Any]:
    return {
        "excitement": str(rng.choice((3, 4))),
        "excitement_evidence": _pick(
            rng,
            "Had read our post on the fleet scheduler and came with questions about it.",
            "Asked sharp questions about our robots' uptime and stayed twenty minutes past time.",
        ),
        "fit": "4",
        "fit_evidence": _pick(
            rng,
            "Thought aloud, asked for feedback on her design and took it well.",
            "Explained trade-offs to the junior engineer on the panel without talking down.",
        ),
        "ability": str(rng.choice((3, 4))),
        "ability_evidence": _pick(
            rng,
            "Designed the job queue with idempotent retries and a clear failure model.",
            "Found the race in our sample code in five minutes and fixed it with a test first.",
        ),
        "explore": ["skill_depth"],
        "questions": "How would you split the monolith's scheduling module without a freeze?",
        "recommendation": "2",
    }


def _priya(rng: random.Random) -> dict[str, Any]:
    # splits with Ana on fit; names Carlos to meet; leaves a private note
    return {
        "excitement": "3",
        "excitement_evidence": "Knew the product and asked about the on-call rotation.",
        "fit": str(rng.choice((1, 2))),
        "fit_evidence": _pick(
            rng,
            "Dismissed the interviewer's hint twice and kept to her first idea.",
            "Interrupted twice and did not ask a single question about the team.",
        ),
        "ability": "3",
        "ability_evidence": "Solid SQL and indexing; the caching part stayed vague.",
        "explore": ["relationships", "who_to_meet"],
        "people_to_meet": [CARLOS.id],
        "questions": "Tell us about a time you changed your mind after a code review.",
        "recommendation": "-1",
        "private_note": "I worked with her former manager; happy to give context in person.",
    }


def _bo(rng: random.Random) -> dict[str, Any]:
    # the late one, who names a deal-breaker
    return {
        "excitement": str(rng.choice((2, 3))),
        "excitement_evidence": "Keen on the role, less on the robotics side of the business.",
        "fit": "3",
        "fit_evidence": "Friendly, and listened well when we disagreed about the API design.",
        "ability": "4",
        "ability_evidence": _pick(
            rng,
            "Strongest systems design of the quarter: sharding, backpressure, the lot.",
            "Walked through a real outage she had led, with numbers and what changed after.",
        ),
        "explore": ["motivation"],
        "deal_breaker": _pick(
            rng,
            "Said she would only work from our Berlin office, and the team is in Lisbon.",
            "Can't start before September; the platform rewrite needs someone in June.",
        ),
        "recommendation": str(rng.choice((1, -1))),
    }


def _to(channel: str) -> Callable[[Any], bool]:
    return lambda call: call.params.get("channel") == channel


class Script:
    """Plays the story against a running stage, filing every surface under the step that caused it."""

    def __init__(self, stage: Stage, recorder: Recorder, clock: Any, seed: int) -> None:
        self.stage, self.slack, self.rec, self.clock = stage, stage.slack, recorder, clock
        self.requests = stage.requests
        self.answers = answers(seed)

    # ---- helpers --------------------------------------------------------------------------------
    def step(self, text: str, actor: str = "") -> None:
        """What the bot shows from here on is filed under this step (after the last one's sends)."""
        self.stage.settle()
        self.rec.step(text, actor)

    def at(self, when: datetime) -> None:
        self.clock.advance_to(when)

    def wait(self, method: str, predicate: Callable[[Any], bool], count: int = 1) -> None:
        self.slack.wait_for(method, count=count, timeout=WAIT, predicate=predicate, ok=True)

    def posted_to(self, channel: str) -> int:
        return len(
            [c for c in self.slack.calls("chat.postMessage", ok=True) if c.params.get("channel") == channel]
        )

    def button_message(self, channel: str, action_id: str) -> dict[str, Any]:
        """The newest message in a conversation that shows this button."""
        for message in reversed(self.slack.messages(channel)):
            for block in message.get("blocks") or []:
                if any(e.get("action_id") == action_id for e in block.get("elements") or []):
                    return message
        raise LookupError(f"no message in {channel} shows {action_id}")

    def opened(self) -> int:
        return len(self.slack.calls("views.open", ok=True))

    def open_modal(self, before: int) -> dict[str, Any]:
        self.slack.wait_for("views.open", count=before + 1, timeout=WAIT, ok=True)
        return last_view(self.slack)

    # ---- the story ------------------------------------------------------------------------------
    def play(self) -> None:
        self.schedule()
        self.home(BO, "Bo opens debrief-bot's Home tab before the interview")
        self.interview_ends()
        self.debrief(
            ANA, INTERVIEW_AT + timedelta(hours=1, minutes=20), "Ana (Berlin, 15:20) writes her debrief"
        )
        self.debrief(
            PRIYA, INTERVIEW_AT + timedelta(hours=1, minutes=40), "Priya (Kolkata, 20:10) writes hers"
        )
        self.home(RITA, "Rita opens debrief-bot's Home tab: one debrief is still missing")
        self.reminder()
        self.home(BO, "Bo opens debrief-bot's Home tab from the reminder")
        self.debrief(BO, INTERVIEW_AT + timedelta(hours=3, minutes=30), "Bo (New York, 12:30) writes his")
        self.summary()  # all three are in: the next tick posts it
        self.who_said_what()
        self.decide()
        self.follow_up()
        self.home(HANA, "Hana opens debrief-bot's Home tab")
        self.stage.settle()
        self.rec.collect()

    def schedule(self) -> None:
        self.step("Rita types `/debrief schedule` in #hiring-platform", RITA.id)
        before = self.opened()
        self.requests.command(text="schedule", user_id=RITA.id, channel_id=CHANNEL, channel_name=CHANNEL_NAME)
        view = self.open_modal(before)
        self.step("Rita fills in the interview and presses Schedule", RITA.id)
        values = {
            "candidate": CANDIDATE,
            "role": ROLE,
            "stage": "onsite",
            "interviewers": [ANA.id, PRIYA.id, BO.id],
            "hiring_manager": HANA.id,
            "starts_at": INTERVIEW_AT,
            "length_minutes": "60",
            "channel": CHANNEL,
            "notes": "Second round. Focus on distributed systems and how she works with others.",
        }
        self.rec.submitted(view["id"], build_state_values(view, values))
        response = self.requests.view_submission(view, values, user_id=RITA.id)
        self.rec.answered(response.json())

    def home(self, person: Person, text: str) -> None:
        self.step(text, person.id)
        published = len(self.slack.calls("views.publish", ok=True))
        self.requests.event(
            {"type": "app_home_opened", "user": person.id, "tab": "home", "channel": f"D{person.id}"}
        )
        self.slack.wait_for("views.publish", count=published + 1, timeout=WAIT, ok=True)

    def interview_ends(self) -> None:
        self.step("The interview ends at 14:00 UTC; the scheduler's next tick asks the panel")
        before = self.posted_to(CHANNEL)
        self.at(INTERVIEW_AT + timedelta(hours=1))
        self.wait("chat.postMessage", lambda c: c.params.get("channel") == CHANNEL, count=before + 1)
        for person in (ANA, PRIYA, BO):
            self.wait("chat.postMessage", _to(person.id))

    def debrief(self, person: Person, when: datetime, text: str) -> None:
        self.at(when)
        self.step(f"{text}: clicks Write debrief in the DM", person.id)
        prompt = self.button_message(person.id, Action.WRITE_DEBRIEF)
        before = self.opened()
        self.requests.block_action(Action.WRITE_DEBRIEF, user_id=person.id, message=prompt)
        modal = self.open_modal(before)
        last = " — the last one in, so the next tick posts the summary" if person is BO else ""
        self.step(f"{person.real_name} answers and presses Submit{last}", person.id)
        receipts = self.posted_to(person.id)
        self.rec.submitted(modal["id"], build_state_values(modal, self.answers[person.id]))
        response = self.requests.view_submission(modal, self.answers[person.id], user_id=person.id)
        self.rec.answered(response.json())
        self.wait("chat.postMessage", lambda c: c.params.get("channel") == person.id, count=receipts + 1)

    def reminder(self) -> None:
        self.step("Two hours after the interview: Bo hasn't answered, the tick reminds him")
        before = self.posted_to(BO.id)
        self.at(INTERVIEW_AT + timedelta(hours=3, minutes=5))
        self.wait("chat.postMessage", lambda c: c.params.get("channel") == BO.id, count=before + 1)

    def summary(self) -> None:
        """Filed under Bo's Submit: the tick that follows it posts the summary and the private notes."""
        self.wait(
            "chat.postMessage",
            lambda c: c.params.get("channel") == CHANNEL and "Who said what" in str(c.params),
        )
        self.wait("chat.postMessage", lambda c: c.params.get("channel") == HANA.id)

    def who_said_what(self) -> None:
        self.at(self.clock() + timedelta(minutes=25))
        self.step("Hana clicks “Who said what” on the summary", HANA.id)
        summary = self.button_message(CHANNEL, Action.WHO_SAID_WHAT)
        before = self.opened()
        self.requests.block_action(Action.WHO_SAID_WHAT, user_id=HANA.id, message=summary, channel_id=CHANNEL)
        self.open_modal(before)

    def decide(self) -> None:
        self.at(self.clock() + timedelta(minutes=10))
        self.step("Hana closes the modal and clicks Hold on the summary", HANA.id)
        summary = self.button_message(CHANNEL, Action.DECIDE_HOLD)
        updates = len(self.slack.calls("chat.update", ok=True))
        self.requests.block_action(Action.DECIDE_HOLD, user_id=HANA.id, message=summary, channel_id=CHANNEL)
        self.slack.wait_for("chat.update", count=updates + 1, timeout=WAIT, ok=True)
        self.stage.settle()

    def follow_up(self) -> None:
        self.at(START + timedelta(days=1, hours=1))
        self.step("Next morning Maya's thank-you note arrives; Rita types `/debrief followup 1`", RITA.id)
        updates = len(self.slack.calls("chat.update", ok=True))
        response = self.requests.command(
            text="followup 1", user_id=RITA.id, channel_id=CHANNEL, channel_name=CHANNEL_NAME
        )
        self.rec.answered(response.json())
        self.slack.wait_for("chat.update", count=updates + 1, timeout=WAIT, ok=True)
        self.stage.settle()
