"""The demo reads Block Kit as a person does: names for mentions, dates as written, user text
escaped on the page (a debrief can't inject markup), choices and typed text where they were made."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.demo.blockkit import block_lines, blocks_html, mrkdwn_html, view_lines
from bot.demo.reading import plain
from bot.ids import Block
from bot.views.common import slack_date
from bot.views.debrief import debrief_modal
from tests.views.builders import interview

NAMES = {"U1": "Ada Lovelace", "C1": "hiring"}


def test_mentions_channels_dates_and_links_read_as_slack_shows_them() -> None:
    when = slack_date(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))
    text = f"<@U1> in <#C1> at {when}: <https://example.invalid/x|the file> &amp; <!here>"
    assert plain(text, NAMES) == "@Ada Lovelace in #hiring at 2026-03-02 13:00 UTC: the file & @here"


def test_user_text_cannot_become_markup_on_the_page() -> None:
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; *bold* _it_ `code`"
    out = mrkdwn_html(hostile, NAMES)
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert "<b>bold</b>" in out and "<i>it</i>" in out and "<code>code</code>" in out
    assert "<b>" not in mrkdwn_html("*not bold*", NAMES, markup=False)


def test_a_submitted_form_shows_what_was_chosen_and_typed() -> None:
    view = debrief_modal(interview(), existing=None).to_dict()
    state = {
        Block.FIT: {Block.FIT: {"type": "radio_buttons", "selected_option": {"value": "4"}}},
        Block.FIT_EVIDENCE: {
            Block.FIT_EVIDENCE: {"type": "plain_text_input", "value": "Asked <great> questions"}
        },
        Block.PEOPLE_TO_MEET: {
            Block.PEOPLE_TO_MEET: {"type": "multi_users_select", "selected_users": ["U1"]}
        },
    }
    lines = "\n".join(view_lines(view, NAMES, state))
    assert "◉ Great fit" in lines and "○ Poor fit" in lines
    assert "[ Asked <great> questions ]" in lines and "[ @Ada Lovelace ▾ ]" in lines
    page = blocks_html(view["blocks"], NAMES, state)
    assert "Asked &lt;great&gt; questions" in page and "@Ada Lovelace" in page
    assert "Great fit" in "\n".join(block_lines(view["blocks"], NAMES))  # unsubmitted: just the choices
