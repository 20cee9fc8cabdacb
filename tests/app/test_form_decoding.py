"""An interaction body reaches Bolt as the JSON Slack percent-encoded into its one form field."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote_plus

from hypothesis import given
from hypothesis import strategies as st

from bot.http import normalise_body


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5))
def test_an_interaction_body_gives_bolt_the_payload_json(payload: dict[str, str]) -> None:
    text = json.dumps(payload)
    body = "payload=" + quote_plus(text)
    assert normalise_body(body, "application/x-www-form-urlencoded") == text
    assert normalise_body(body, "application/x-www-form-urlencoded") == dict(parse_qsl(body))["payload"]
