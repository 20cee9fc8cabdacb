from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import DividerBlock

from bot.views.common import (
    Message,
    escape,
    fit,
    mention,
    mentions,
    mentions_capped,
    pack_lines,
    section,
    slack_date,
    split_fit,
    truncate,
)

ENTITY = re.compile(r"&(amp|lt|gt);")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_escape_replaces_the_three_control_characters_ampersand_first() -> None:
    assert escape("<!channel> & <@U1> &amp;") == "&lt;!channel&gt; &amp; &lt;@U1&gt; &amp;amp;"


def test_truncate_marks_the_cut() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("abcdefghij", 5) == "abcd…"
    assert len(truncate("x" * 500, 75)) == 75


def test_fit_counts_the_escaped_length_and_never_cuts_an_entity() -> None:
    assert fit("a&b", 10) == "a&amp;b"
    cut = fit("&" * 10, 12)
    assert cut == "&amp;&amp;…"
    assert len(fit("&" * 3000, 3000)) <= 3000


@settings(max_examples=200)
@given(
    text=st.text(alphabet="ab &<>\n", max_size=400),
    size=st.integers(6, 80),
    chunks=st.integers(1, 5),
)
def test_split_fit_keeps_every_chunk_in_bounds(text: str, size: int, chunks: int) -> None:
    parts = split_fit(text, size=size, max_chunks=chunks)
    assert 1 <= len(parts) <= chunks
    for part in parts:
        assert len(part) <= size
        bare = ENTITY.sub("", part)
        assert "&" not in bare and "<" not in bare and ">" not in bare
    joined = "".join(parts)
    if not joined.endswith("…"):
        # Nothing was lost but whitespace at the breaks.
        assert "".join(unescape(joined).split()) == "".join(text.split())


def test_split_fit_prefers_breaking_between_words() -> None:
    parts = split_fit("alpha beta gamma delta", size=12, max_chunks=5)
    assert parts == ["alpha beta", "gamma delta"]


def test_pack_lines_says_how_many_did_not_fit() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(100)]
    packed = pack_lines(lines, max_chunks=2, limit=1000)
    assert len(packed) == 2
    assert all(len(p) <= 1000 for p in packed)
    shown = sum(p.count("line ") for p in packed)
    assert packed[-1].endswith(f"_…and {100 - shown} more_")


def test_pack_lines_keeps_everything_that_fits() -> None:
    assert pack_lines(["a", "b"], max_chunks=1) == ["a\nb"]
    assert pack_lines(["a", "b"], max_chunks=1, sep=" · ") == ["a · b"]


def test_pack_lines_cuts_a_line_over_the_limit_rather_than_fail() -> None:
    assert pack_lines(["x" * 3001], max_chunks=1) == ["x" * 2999 + "…"]


def test_mentions_are_built_from_ids_only() -> None:
    assert mention("U123") == "<@U123>"
    assert mentions(["U1", "U2"]) == "<@U1>, <@U2>"
    # Something that is not an id is shown as text and can never break out of the brackets.
    assert mention("U1>|<!channel") == "U1&gt;|&lt;!channel"
    assert len(mention("<" * 3000)) <= 64
    assert mentions_capped(["U1", "U2", "U3"], 2) == "<@U1>, <@U2> and 1 more"


def test_slack_date_uses_the_viewers_time_zone_with_a_utc_fallback() -> None:
    dt = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert slack_date(dt) == "<!date^1772442000^{date_short_pretty} at {time}|2026-03-02 09:00 UTC>"
    cet = dt.astimezone(timezone(timedelta(hours=1)))
    assert slack_date(cet) == slack_date(dt)
    assert slack_date(dt, "{date}") == "<!date^1772442000^{date}|2026-03-02 09:00 UTC>"


def test_message_needs_a_fallback_and_at_most_50_blocks() -> None:
    with pytest.raises(ValueError):
        Message(text=" ", blocks=(section("x"),))
    with pytest.raises(ValueError):
        Message(text="x", blocks=tuple(DividerBlock() for _ in range(51)))
    message = Message(text="Hello", blocks=(section("*Hi*"),))
    assert message.as_kwargs() == {
        "text": "Hello",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Hi*"}}],
    }
