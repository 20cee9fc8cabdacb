"""HR data through the real endpoint and the fake Slack: what is private stays in private places,
Slack Connect channels get nothing, erasure reaches every corner of Slack, every script is welcome,
working weeks and panels as people have them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.app import build
from bot.domain.models import DebriefAnswers, InterviewDraft, Recommendation, Stage
from bot.ids import Action
from bot.settings import SettingsError
from fakeslack import FakeSlack
from tests.conftest import FakeClock
from tests.e2e.conftest import StartBot
from tests.e2e.harness import (
    ANA,
    BO,
    CHANNEL,
    HIRING_MANAGER,
    OUTSIDER,
    RECRUITER,
    RunningBot,
    settings_for,
)
from tests.e2e.test_debrief_loop import (
    open_schedule_modal,
    schedule,
    schedule_values,
    text_of,
    write_debrief,
)

EXTERNAL = "CCONNECT"


def ended(running: RunningBot, fake: FakeSlack, clock: FakeClock, **overrides: object) -> None:
    """Schedule an interview that has just ended, and wait for its prompt and DMs."""
    posted = len(fake.calls("chat.postMessage", ok=True))
    schedule(running, fake, clock, starts_at=clock.now - timedelta(hours=1), **overrides)
    fake.wait_for("chat.postMessage", count=posted + 3, ok=True)
    running.settle()


def say(running: RunningBot, words: str, user: str = RECRUITER) -> str:
    response = running.slack.command(text=words, user_id=user, channel_id=CHANNEL)
    body = (response.json() if response.body else None) or {}  # a bare ack: a modal is on its way
    return str(body.get("text", "")) + json.dumps(body.get("blocks", []), ensure_ascii=False)


def answers(recommendation: Recommendation, **texts: str) -> DebriefAnswers:
    return DebriefAnswers(
        excitement=3,
        excitement_evidence=texts.get("excitement", "Asked about the roadmap twice."),
        fit=3,
        fit_evidence="Worked well with the pairing partner.",
        ability=3,
        ability_evidence="Solved the exercise with clear trade-offs.",
        recommendation=recommendation,
        private_note=texts.get("private_note", ""),
        questions=texts.get("questions", ""),
    )


def draft(
    clock: FakeClock, candidate: str, *, panel: tuple[str, ...] = (ANA, BO), hours_ago: float = 1
) -> InterviewDraft:
    return InterviewDraft(
        candidate=candidate, role="Engineer", stage=Stage.ONSITE, interviewer_ids=panel,
        hiring_manager_id=HIRING_MANAGER, starts_at=clock.now - timedelta(hours=hours_ago),
        length_minutes=45, channel_id=CHANNEL,
    )  # fmt: skip


def everything_in_slack(fake: FakeSlack) -> str:
    """Every message, channel name, topic and file the fake workspace holds, as one string."""
    with fake._lock:
        ws = fake._ws
        parts = [json.dumps(messages, ensure_ascii=False) for messages in ws.messages.values()]
        parts += [f"{c.name} {c.topic}" for c in ws.channels.values()]
        parts += [f"{f.filename} {f.title} {f.text}" for f in ws.files.values()]
        parts += [json.dumps(v, ensure_ascii=False) for v in ws.home.values()]
    return "\n".join(parts)


def every_table(running: RunningBot) -> str:
    with running.bot.repository.engine.connect() as connection:
        tables = [r[0] for r in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            if running.bot.repository.engine.dialect.name == "postgresql"
            else "SELECT name FROM sqlite_master WHERE type = 'table'"
        ))]  # fmt: skip
        return " ".join(
            str(row) for table in tables for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        )


# ---- sensitive things only in private places -------------------------------------------------
def test_calibration_hints_reach_the_hiring_manager_and_recruiter_privately(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    repo = running.bot.repository
    for n in range(5):  # ana has always rated far above her panels (earlier, summarised panels)
        past = repo.interviews.create_interview(draft=draft(clock, f"Past {n}", hours_ago=30 + n), recruiter_id=RECRUITER,
                                     deadline=timedelta(days=1), now=clock())  # fmt: skip
        repo.claims.claim_prompt(interview_id=past.id, now=clock(), outgoing=[])
        for user, rating in ((ANA, Recommendation.STRONG_YES), (BO, Recommendation.STRONG_NO)):
            repo.debriefs.save_debrief(interview_id=past.id, interviewer_id=user, answers=answers(rating),
                              now=clock(), late=False)  # fmt: skip
        repo.claims.claim_summary(
            interview_id=past.id, now=clock(), final=True, verdict="discuss", outgoing=[]
        )
    ended(running, fake, clock)
    write_debrief(running, fake, ANA, private_note="Knows my old team lead.")
    write_debrief(running, fake, BO)
    fake.wait_for("chat.postMessage", predicate=lambda c: "calibration" in json.dumps(c.params).lower()
                  and c.params.get("channel") == RECRUITER)  # fmt: skip
    running.settle()
    channel = " ".join(text_of(m) for m in fake.messages(CHANNEL))
    assert "Grace Hopper" in channel  # the summary is there
    assert "rates higher" not in channel and "rates lower" not in channel and "🎯" not in channel
    assert "old team lead" not in channel
    for person in (HIRING_MANAGER, RECRUITER):
        private = " ".join(text_of(m) for m in fake.messages(f"D{person}"))
        assert "usually rates higher than their panels" in private and "old team lead" in private
    for person in (ANA, BO):
        assert "rates higher" not in " ".join(text_of(m) for m in fake.messages(f"D{person}"))


# ---- Slack Connect ---------------------------------------------------------------------------
def test_a_configured_slack_connect_channel_is_refused_at_start(
    fake: FakeSlack, clock: FakeClock, database_url: str
) -> None:
    fake.add_channel(EXTERNAL, "agency-hiring", ext_shared=True)
    with pytest.raises(SettingsError, match=r"DEBRIEF_CHANNEL.*another organisation"):
        build(settings_for(fake, database_url, debrief_channel=EXTERNAL), clock=clock)


def test_the_picker_hides_slack_connect_channels_and_a_forged_pick_is_refused(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.add_channel(EXTERNAL, "agency-hiring", ext_shared=True)
    running = make_bot()
    view = open_schedule_modal(running, fake)
    picker = next(b["element"] for b in view["blocks"] if b.get("block_id") == "channel")
    assert picker["filter"]["exclude_external_shared_channels"] is True
    # The submission is acked at once (Slack is not called before the ack); the channel check after
    # it refuses the channel, and the recruiter is told why.
    running.slack.view_submission(view, schedule_values(clock, channel=EXTERNAL), user_id=RECRUITER)
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == RECRUITER
                  and "another organisation" in json.dumps(c.params))  # fmt: skip
    clock.advance(hours=2)
    running.bot.flows.ticks.tick(now=clock())
    running.settle()
    assert fake.messages(EXTERNAL) == []  # no prompt there, then or later
    assert "Write debrief" in " ".join(text_of(m) for m in fake.messages(f"D{ANA}"))  # the panel's DMs go


def test_a_channel_that_becomes_shared_gets_nothing_and_the_right_people_are_told(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    schedule(running, fake, clock)  # in an hour, in the internal hiring channel
    fake.share_externally(CHANNEL)  # an admin connects the channel with an agency
    clock.advance(hours=2)
    running.bot.flows.ticks.tick(now=clock())
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO)
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == HIRING_MANAGER
                  and "Advance" in json.dumps(c.params))  # fmt: skip
    running.settle()
    assert fake.messages(CHANNEL) == []  # neither prompt nor summary
    for person in (HIRING_MANAGER, RECRUITER):
        private = " ".join(text_of(m) for m in fake.messages(f"D{person}"))
        assert "shared with another organisation" in private  # a word on why
        assert "Grace Hopper" in private and "Advance" in private  # the summary itself
    assert "Write debrief" in " ".join(text_of(m) for m in fake.messages(f"D{ANA}"))  # DMs still go


def test_while_slack_cannot_say_whether_a_channel_is_shared_nothing_is_posted_there(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    schedule(running, fake, clock)  # in an hour, in the internal hiring channel
    running.settle()  # the bot has checked it: internal
    fake.share_externally(CHANNEL)  # then an admin connects the channel with an agency
    clock.advance(hours=2)  # the interview is over; what the bot knew about the channel is stale
    fake.fail_next("conversations.info", status=503, times=30)  # and Slack can't say now
    running.bot.flows.ticks.tick(now=clock())
    running.settle()
    assert fake.messages(CHANNEL) == []  # no guess: nothing posted where another company may read
    assert "Write debrief" not in " ".join(text_of(m) for m in fake.messages(f"D{ANA}"))  # not yet

    fake.clear_faults()  # Slack answers again: the next tick asks, and the prompt goes where it may
    running.bot.flows.ticks.tick(now=clock())
    running.settle()
    assert fake.messages(CHANNEL) == []
    assert "shared with another organisation" in " ".join(text_of(m) for m in fake.messages(f"D{RECRUITER}"))
    assert "Write debrief" in " ".join(text_of(m) for m in fake.messages(f"D{ANA}"))


@pytest.mark.parametrize("slack_can_say", [True, False], ids=["sharing known", "sharing unknown"])
def test_a_change_to_a_posted_summary_is_replied_in_its_thread_only_where_the_channel_is_surely_internal(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock, slack_can_say: bool
) -> None:
    running = make_bot()
    schedule(running, fake, clock, interviewers=[ANA], starts_at=clock.now - timedelta(hours=1))
    fake.wait_for("chat.postMessage", count=2, ok=True)  # the prompt, and Ana's DM
    write_debrief(running, fake, ANA)
    [summary] = fake.wait_for(
        "chat.postMessage",
        ok=True,
        predicate=lambda c: c.params.get("channel") == CHANNEL and "Advance" in str(c.params),
    )
    running.settle()
    clock.advance(hours=1)  # what the bot knew about the channel is stale
    if not slack_can_say:
        fake.fail_next("conversations.info", status=503, times=30)
    assert "follow-up" in say(running, "followup 1")
    ts = summary.response["ts"]
    fake.wait_for(
        "chat.update", ok=True, predicate=lambda c: c.params.get("ts") == ts and "follow-up" in str(c.params)
    )
    running.settle()  # the summary is edited in place either way
    replies = [c for c in fake.calls("chat.postMessage", ok=True) if c.params.get("thread_ts") == ts]
    assert len(replies) == (1 if slack_can_say else 0)  # a new post only where no other company may read


def test_a_reschedule_while_slack_cannot_say_whether_the_channel_is_shared_is_refused_inline(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    from fakeslack import last_view

    running = make_bot()
    schedule(running, fake, clock)
    before = running.bot.repository.interviews.get_interview(interview_id=1)
    opened = len(fake.calls("views.open", ok=True))
    say(running, "reschedule 1")
    fake.wait_for("views.open", count=opened + 1, ok=True)
    clock.advance(minutes=5)  # what the bot knew about the channel is stale
    fake.fail_next("conversations.info", status=503, times=30)
    answer = running.slack.view_submission(
        last_view(fake), schedule_values(clock, channel=CHANNEL), user_id=RECRUITER
    ).json()
    assert answer["response_action"] == "errors" and "try again in a minute" in answer["errors"]["channel"]
    assert running.bot.repository.interviews.get_interview(interview_id=1) == before  # nothing moved


# ---- erasure that reaches Slack --------------------------------------------------------------
def test_forget_reaches_a_per_candidate_channel_exports_and_every_message(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot(debrief_channel_mode="per_candidate")
    ended(running, fake, clock, candidate="Grace Hopper")
    channel = fake.calls("conversations.create", ok=True)[0].response["channel"]["id"]
    write_debrief(running, fake, ANA, private_note="Knows my old team lead.")
    write_debrief(running, fake, BO)
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == channel
                  and "decide_hold" in str(c.params))  # fmt: skip
    say(running, "export")
    fake.wait_for("files.completeUploadExternal", ok=True)
    running.settle()
    assert "Grace Hopper" in everything_in_slack(fake) and "grace-hopper" in fake.channel(channel).name

    assert "Erased" in say(running, "forget 1")
    running.settle()
    running.bot.flows.ticks.deliver(now=clock())  # edits and renaming
    for _ in range(5):  # then the archiving, once nothing else about #1 is owed
        clock.advance(minutes=1)
        running.bot.flows.ticks.tick(now=clock())
        running.settle()
    slack = everything_in_slack(fake)
    for secret in ("Grace Hopper", "grace-hopper", "compiler blog post", "old team lead"):
        assert secret not in slack and secret not in every_table(running), secret
    assert fake.channel(channel).name == "debrief-erased-1" and fake.channel(channel).is_archived
    assert fake.uploaded_files() == []  # the export that held her is deleted
    assert running.bot.repository.outbox.outbox_counts(interview_id=1).pending == 0  # nothing left owed
    trail = say(running, "audit 1")
    assert "erased it" in trail and "exported it" in trail and "Grace" not in trail


def test_retention_erases_1200_interviews_everywhere_to_the_end(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    repo, flows = running.bot.repository, running.bot.flows
    for n in range(1200):
        repo.interviews.create_interview(draft=draft(clock, f"Zeynep Kaya-{n:04d}", panel=(ANA,)), recruiter_id=RECRUITER,
                              deadline=timedelta(days=1), now=clock())  # fmt: skip
    for n in (1, 2, 3):
        flows.ticks.tick(now=clock())
        flows.debriefs.submit_debrief(interview_id=n, user_id=ANA, now=clock(), answers=answers(
            Recommendation.YES, excitement="Mentioned the lighthouse project unprompted."))  # fmt: skip
    while flows.ticks.tick(now=clock()).delivered:
        pass
    assert "Zeynep Kaya-1199" in everything_in_slack(fake)

    erased = flows.privacy.apply_retention(now=clock() + timedelta(days=2), days=1)
    assert erased == 1200  # past the old 500-a-day stop
    while flows.ticks.deliver(now=clock() + timedelta(days=2)):
        pass
    slack, tables = everything_in_slack(fake), every_table(running)
    for secret in ("Zeynep", "Kaya", "lighthouse project"):
        assert secret not in slack and secret not in tables
    assert repo.outbox.outbox_counts().pending == 0 and repo.outbox.outbox_counts().failed == 0
    assert "retention" in say(running, "audit 1200")


# ---- every language --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "evidence",
    [
        "她在白板上清楚地解释了缓存失效的权衡",  # Chinese
        "設計の判断理由を丁寧に説明してくれた",  # Japanese
        "شرحت المقايضات في تصميم النظام بوضوح",  # Arabic
        "อธิบายการออกแบบระบบได้ชัดเจนมาก",  # Thai
    ],
    ids=["chinese", "japanese", "arabic", "thai"],
)
def test_evidence_in_any_script_is_accepted(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock, evidence: str
) -> None:
    running = make_bot()
    ended(running, fake, clock)
    write_debrief(
        running, fake, ANA, excitement_evidence=evidence, fit_evidence=evidence, ability_evidence=evidence
    )
    stored = running.bot.repository.debriefs.get_debrief(interview_id=1, interviewer_id=ANA)
    assert stored is not None and stored.answers.excitement_evidence == evidence


def test_full_width_question_marks_split_questions_in_the_agenda(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    ended(running, fake, clock)
    write_debrief(running, fake, ANA, questions="为什么离开上一家公司？你最想做的项目是什么？")
    write_debrief(running, fake, BO)
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == CHANNEL
                  and "项目" in json.dumps(c.params, ensure_ascii=False))  # fmt: skip
    summary = " ".join(text_of(m) for m in fake.messages(CHANNEL))
    assert "• 为什么离开上一家公司？" in summary and "• 你最想做的项目是什么？" in summary


def test_an_id_in_other_digits_gets_a_clear_error(make_bot: StartBot) -> None:
    running = make_bot()
    for words in ("status ²", "status ١٢", "forget １２"):
        answer = say(running, words)
        assert "isn't an interview number: use the digits 0-9" in answer, answer


# ---- working weeks ---------------------------------------------------------------------------
def test_sun_thu_in_jerusalem_no_reminder_on_friday_or_saturday(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.add_user("UTLV", "noa", tz="Asia/Jerusalem")  # UTC+2 in early March
    running = make_bot(debrief_working_days="sun-thu", debrief_working_hours="08:00-17:00",
                       debrief_deadline_minutes=5 * 1440)  # fmt: skip
    clock.now = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)  # Thursday 16:00 in Jerusalem: it just ended
    schedule(running, fake, clock, interviewers=["UTLV"], starts_at=clock.now - timedelta(minutes=45))
    reminders = lambda: [m for m in fake.messages("DUTLV") if "Snooze" in str(m)]  # noqa: E731
    sunday_morning = datetime(2026, 3, 8, 6, 0, tzinfo=UTC)  # Sunday 08:00 in Jerusalem
    while clock.now < sunday_morning:  # due Thursday 18:00 local: after hours, then the weekend
        clock.advance(hours=1)
        running.bot.flows.ticks.tick(now=clock())
        if clock.now < sunday_morning:
            assert reminders() == [], f"a reminder at {clock.now} (Jerusalem: not a working hour)"
    assert len(reminders()) == 1  # Sunday, the first working morning


def test_500_night_reminders_do_not_delay_a_daytime_one(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.add_user("UTOKYO", "kenji", tz="Asia/Tokyo")  # 09:00 UTC Monday = 18:00 Tokyo: evening
    running = make_bot()
    repo, flows = running.bot.repository, running.bot.flows
    for n in range(500):  # their reminders fell due first (prompted already)
        night = repo.interviews.create_interview(draft=draft(clock, f"Night {n}", panel=("UTOKYO",), hours_ago=5),
                                      recruiter_id=RECRUITER, deadline=timedelta(days=1), now=clock(),
                                      remind_after=timedelta(hours=1))  # fmt: skip
        repo.claims.claim_prompt(interview_id=night.id, now=clock(), outgoing=[])
    day = repo.interviews.create_interview(draft=draft(clock, "Day", panel=(ANA,), hours_ago=4), recruiter_id=RECRUITER,
                                deadline=timedelta(days=1), now=clock(), remind_after=timedelta(hours=1))  # fmt: skip
    repo.claims.claim_prompt(interview_id=day.id, now=clock(), outgoing=[])
    clock.advance(hours=1)  # 19:00 in Tokyo; 10:00 in ana's UTC
    report = flows.ticks.tick(now=clock())
    assert report.reminded == 1  # ana's, in the same pass as 500 that wait for Tokyo's morning
    flows.ticks.deliver(now=clock())
    assert [m for m in fake.messages(f"D{ANA}") if "Snooze" in str(m)]
    clock.advance(hours=14)  # 09:00 next morning in Tokyo
    assert flows.ticks.tick(now=clock()).reminded == 500


# ---- panels as people have them --------------------------------------------------------------
def test_a_deactivated_panelist_does_not_hold_the_panel_up(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    schedule(running, fake, clock)
    fake.deactivate_user(BO)  # left the company before the interview ended
    clock.advance(hours=2)
    running.bot.flows.ticks.tick(now=clock())
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == RECRUITER
                  and "deactivated" in json.dumps(c.params))  # fmt: skip
    write_debrief(running, fake, ANA)
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == CHANNEL
                  and "decide_hold" in str(c.params))  # fmt: skip
    assert running.bot.repository.interviews.get_interview(interview_id=1).interviewer_ids == (ANA,)


def test_panel_add_and_remove_before_the_summary(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    fake.add_user("UNEW", "nia")
    running = make_bot()
    ended(running, fake, clock)
    answer = say(running, "panel 1 add <@UNEW|nia>")
    assert "<@UNEW>" in answer
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == "UNEW")
    fake.wait_for("chat.update", ok=True)  # the channel prompt shows the new panel
    prompt = fake.messages(CHANNEL)[0]
    assert "<@UNEW>" in text_of(prompt)
    assert "<@UBO>" not in say(running, "panel 1 remove <@UBO|bo>")
    assert running.bot.repository.interviews.get_interview(interview_id=1).interviewer_ids == (ANA, "UNEW")
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, "UNEW")
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == CHANNEL
                  and "decide_hold" in str(c.params))  # fmt: skip
    assert "isn't a person" in say(running, "panel 1 add bo")
    assert "at most 12" in say(running, "panel 1 add " + " ".join(f"<@U{n:03d}>" for n in range(11)))
    assert "at least one" in say(running, "panel 1 remove <@UANA> <@UNEW>")
    assert "has posted" in say(running, "panel 1 add <@UBO>")
    assert "Only recruiters can change this panel" in say(running, "panel 1 add <@UBO>", user=OUTSIDER)
    assert "changed the panel" in say(running, "audit 1")


def test_the_command_line_stops_on_a_slack_connect_channel_saying_why(
    fake: FakeSlack, tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    fake.add_channel(EXTERNAL, "agency-hiring", ext_shared=True)
    monkeypatch.chdir(str(tmp_path))
    for name, value in {
        "SLACK_BOT_TOKEN": "xoxb-cli", "SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": fake.api_url, "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        "DEBRIEF_CHANNEL": EXTERNAL,
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    assert "DEBRIEF_CHANNEL" in capsys.readouterr().err


def test_bad_working_days_stop_the_bot_naming_the_setting() -> None:
    from bot.settings import load_settings

    with pytest.raises(SettingsError, match="DEBRIEF_WORKING_DAYS"):
        load_settings(_env_file=None, debrief_working_days="weekdays")
    with pytest.raises(SettingsError, match="DEBRIEF_WORKING_HOURS"):
        load_settings(_env_file=None, debrief_working_hours="18:00-09:00")


def test_the_audit_trail_records_who_opened_cancelled_and_decided(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    ended(running, fake, clock)
    ended(running, fake, clock, candidate="Edsger Dijkstra")
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO)
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == CHANNEL
                  and "decide_hold" in str(c.params))  # fmt: skip
    running.settle()
    opened = len(fake.calls("views.open", ok=True))
    running.slack.block_action(Action.WHO_SAID_WHAT, "1", user_id=HIRING_MANAGER, channel_id=CHANNEL)
    fake.wait_for("views.open", count=opened + 1, ok=True)
    running.slack.block_action(Action.DECIDE_ADVANCE, "1", user_id=HIRING_MANAGER, channel_id=CHANNEL)
    running.slack.block_action(Action.WHO_SAID_WHAT, "1", user_id=OUTSIDER, channel_id=CHANNEL)
    fake.wait_for("chat.update", ok=True)
    running.settle()
    assert "Cancelled" in say(running, "cancel 2")
    first, second = say(running, "audit 1"), say(running, "audit 2")
    assert "<@UHM> opened “Who said what”" in first
    assert "<@UHM> recorded a decision (advance)" in first
    assert "<@UOUT> was refused: who said what" in first
    assert "<@UREC> cancelled it" in second
    assert refusal_text(say(running, "audit 1", user=HIRING_MANAGER))


def refusal_text(answer: str) -> bool:
    return "Only recruiters can read an interview's audit trail" in answer


def test_when_the_only_interviewer_is_deactivated_the_recruiter_is_told_what_to_do(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    schedule(running, fake, clock, interviewers=[BO])
    fake.deactivate_user(BO)
    clock.advance(hours=2)
    running.bot.flows.ticks.tick(now=clock())
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == RECRUITER
                  and "only interviewer" in json.dumps(c.params))  # fmt: skip
    assert running.bot.repository.interviews.get_interview(interview_id=1).interviewer_ids == (BO,)


def test_rescheduling_into_a_slack_connect_channel_is_refused_inline(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    from fakeslack import last_view

    fake.add_channel(EXTERNAL, "agency-hiring", ext_shared=True)
    running = make_bot()
    schedule(running, fake, clock)
    opened = len(fake.calls("views.open", ok=True))
    say(running, "reschedule 1")
    fake.wait_for("views.open", count=opened + 1, ok=True)
    refused = running.slack.view_submission(
        last_view(fake), schedule_values(clock, channel=EXTERNAL), user_id=RECRUITER
    ).json()
    assert refused["response_action"] == "errors" and "another organisation" in refused["errors"]["channel"]
    assert running.bot.repository.interviews.get_interview(interview_id=1).channel_id == CHANNEL


def test_erasure_reaches_slack_through_500s_and_dropped_connections(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    running = make_bot()
    ended(running, fake, clock)
    write_debrief(running, fake, ANA)
    write_debrief(running, fake, BO)
    fake.wait_for("chat.postMessage", predicate=lambda c: c.params.get("channel") == CHANNEL
                  and "decide_hold" in str(c.params))  # fmt: skip
    say(running, "export")
    fake.wait_for("files.completeUploadExternal", ok=True)
    running.settle()
    fake.fail_next("chat.update", status=500, times=4)  # more than the client's own retries
    fake.fail_next("files.delete", drop=True, times=4)
    assert "Erased" in say(running, "forget 1")
    for _ in range(20):
        running.settle()
        if running.bot.repository.outbox.outbox_counts().pending == 0:
            break
        clock.advance(minutes=5)
        running.bot.flows.ticks.tick(now=clock())
    assert running.bot.repository.outbox.outbox_counts().pending == 0
    assert running.bot.repository.outbox.outbox_counts().failed == 0
    slack = everything_in_slack(fake)
    assert "Grace Hopper" not in slack and "compiler blog post" not in slack
    assert fake.uploaded_files() == []
    assert {c.fault for c in fake.calls() if c.fault} >= {"500", "drop"}  # the faults really happened


def test_an_export_already_deleted_counts_as_deleted(
    make_bot: StartBot, fake: FakeSlack, clock: FakeClock
) -> None:
    from slack_sdk import WebClient

    running = make_bot()
    ended(running, fake, clock)
    say(running, "export")
    fake.wait_for("files.completeUploadExternal", ok=True)
    running.settle()
    [upload] = fake.uploaded_files()
    WebClient(token="xoxb-e2e", base_url=fake.api_url).files_delete(file=upload.id)  # e.g. by a person
    assert "Erased" in say(running, "forget 1")
    running.settle()
    running.bot.flows.ticks.deliver(now=clock())
    counts = running.bot.repository.outbox.outbox_counts(interview_id=None)
    assert counts.failed == 0 and counts.pending == 0
