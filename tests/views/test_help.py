from __future__ import annotations

from bot.views.help import help_message
from tests.views.slack_checks import check_message, visible


def test_recruiter_help_lists_every_subcommand() -> None:
    kwargs = check_message(help_message())
    text = visible(kwargs)
    for usage in (
        "`/debrief schedule`",
        "`/debrief help`",
        "`/debrief list [page]`",
        "`/debrief status &lt;id&gt;`",
        "`/debrief remind &lt;id&gt;`",
        "`/debrief close &lt;id&gt;`",
        "`/debrief cancel &lt;id&gt;`",
        "`/debrief reschedule &lt;id&gt;`",
        "`/debrief followup &lt;id&gt;`",
        "`/debrief export [from] [to]`",
        "`/debrief panel &lt;id&gt; add|remove @person`",
        "`/debrief forget &lt;id&gt;`",
        "`/debrief audit &lt;id&gt;`",
        "`/debrief sources`",
    ):
        assert usage in text
    assert "didn't understand" not in text


def test_interviewers_are_told_they_need_no_commands() -> None:
    text = visible(check_message(help_message(is_recruiter=False)))
    assert "`/debrief help`" in text and "`/debrief schedule`" not in text
    assert "*Write debrief* button" in text


def test_unknown_subcommand_is_quoted_escaped_first() -> None:
    kwargs = check_message(help_message(unknown="<!channel> now"))
    assert visible(kwargs).startswith("I didn't understand `&lt;!channel&gt; now`.")
    assert kwargs["text"].startswith("I didn't understand “&lt;!channel&gt; now”.")
    check_message(help_message(unknown="x" * 5000))
