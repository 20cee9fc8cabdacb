"""views.*: trigger rules on an injected clock, stored views, stacks, Home tabs."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from fakeslack import FakeSlack, last_view

from .conftest import FakeClock


def modal(title: str = "Debrief", *, callback_id: str = "debrief") -> View:
    element = PlainTextInputElement(action_id="notes")
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit="Save",
        blocks=[InputBlock(block_id="notes", label="Notes", element=element)],
    )


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


def test_a_trigger_opens_one_view_within_three_seconds(
    fake: FakeSlack, client: WebClient, clock: FakeClock
) -> None:
    trigger = fake.issue_trigger(user_id="U1")
    opened = client.views_open(trigger_id=trigger, view=modal())["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "debrief"
    assert opened["state"] == {"values": {}} and opened["hash"]
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal())) == "exchanged_trigger_id"
    assert error_of(lambda: client.views_open(trigger_id="123.456.abc", view=modal())) == "invalid_trigger_id"
    late = fake.issue_trigger(user_id="U1")
    clock.advance(3.01)
    assert error_of(lambda: client.views_open(trigger_id=late, view=modal())) == "expired_trigger_id"
    assert [e.error for e in fake.errors] == [
        "exchanged_trigger_id",
        "invalid_trigger_id",
        "expired_trigger_id",
    ]


def test_a_failed_open_does_not_spend_the_trigger(fake: FakeSlack, client: WebClient) -> None:
    trigger = fake.issue_trigger()
    too_long = modal().to_dict() | {"title": {"type": "plain_text", "text": "x" * 25}}
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=too_long)) == "invalid_arguments"
    client.views_open(trigger_id=trigger, view=modal())


def test_title_of_25_characters_is_rejected_with_details(fake: FakeSlack, client: WebClient) -> None:
    view = modal().to_dict() | {"title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id=fake.issue_trigger(), view=view)
    messages = raised.value.response["response_metadata"]["messages"]
    assert any("/view/title/text" in m for m in messages)
    [rejection] = fake.errors
    assert rejection.method == "views.open" and rejection.error == "invalid_arguments"


def test_update_by_view_id_keeps_the_id_and_checks_the_hash(fake: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id=fake.issue_trigger(), view=modal())["view"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Saved"))["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert fake.view(opened["id"])["title"]["text"] == "Saved"
    stale = lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())  # noqa: E731
    assert error_of(stale) == "hash_conflict"
    assert error_of(lambda: client.views_update(view_id="V404", view=modal())) == "not_found"
    assert last_view(fake, "views.update")["title"]["text"] == "Saved"


def test_the_modal_stack_holds_three_views(fake: FakeSlack, client: WebClient) -> None:
    root = client.views_open(trigger_id=fake.issue_trigger(), view=modal())["view"]
    second = client.views_push(trigger_id=fake.issue_trigger(view_id=root["id"]), view=modal("Two"))["view"]
    third = client.views_push(trigger_id=fake.issue_trigger(view_id=second["id"]), view=modal("Three"))[
        "view"
    ]
    assert (third["root_view_id"], third["previous_view_id"]) == (root["id"], second["id"])
    fourth = fake.issue_trigger(view_id=third["id"])
    assert error_of(lambda: client.views_push(trigger_id=fourth, view=modal("Four"))) == "push_limit_reached"


def test_home_tab_is_published_per_user(fake: FakeSlack, client: WebClient) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}
    client.views_publish(user_id="U1", view=home)
    view = fake.home_view("U1")
    assert view is not None and view["blocks"][0]["text"]["text"] == "Hi"
    assert error_of(lambda: client.views_publish(user_id="U1", view=modal())) == "invalid_arguments"
    assert error_of(lambda: client.views_publish(user_id="U404", view=home)) == "user_not_found"
