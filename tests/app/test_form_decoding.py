"""Interaction payloads are percent-decoded in C: the result must be exactly what the stdlib gives."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote_plus, unquote_plus

from hypothesis import given
from hypothesis import strategies as st

from bot.http import form_value, normalise_body

# What a form value can hold, written the way a sloppy or hostile sender might: escapes good and
# broken, literal backslashes and pluses, raw non-ASCII, escaped bytes that are not UTF-8.
PIECES = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        ["%", "%4", "%4Z", "%%41", "\\", "\\x41", "\\n", "+", "%2B", "%5C", "%ff", "%C3%A9", "%E2%9C"]
    ),
    st.from_regex(r"%[0-9A-Fa-f]{2}", fullmatch=True),
)


@given(st.lists(PIECES, max_size=30).map("".join))
def test_any_value_decodes_as_the_stdlib_decodes_it(encoded: str) -> None:
    assert form_value(encoded) == unquote_plus(encoded)


@given(st.text())
def test_what_slack_encodes_comes_back_as_it_was_typed(typed: str) -> None:
    assert form_value(quote_plus(typed)) == typed


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5))
def test_an_interaction_body_gives_bolt_the_payload_json(payload: dict[str, str]) -> None:
    text = json.dumps(payload)
    body = "payload=" + quote_plus(text)
    assert normalise_body(body, "application/x-www-form-urlencoded") == text
    assert normalise_body(body, "application/x-www-form-urlencoded") == dict(parse_qsl(body))["payload"]
