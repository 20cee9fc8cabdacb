"""The fake answers slack_sdk's real WebClient the way slack.com does."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock

from fakeslack import FakeSlack


def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()  # type: ignore[operator]
    return str(raised.value.response["error"])


def test_auth_test_names_the_bot(client: WebClient) -> None:
    reply = client.auth_test()
    assert (reply["user_id"], reply["bot_id"], reply["team_id"]) == ("UBOT", "BBOT", "T0001")
    assert reply["url"] == "https://debrief-test.slack.com/"


def test_post_to_a_user_lands_in_their_dm_and_is_recorded(fake: FakeSlack, client: WebClient) -> None:
    blocks = [
        SectionBlock(text="*Debrief* due"),
        ActionsBlock(elements=[ButtonElement(text="Write", action_id="w")]),
    ]
    first = client.chat_postMessage(channel="U1", text="Debrief due", blocks=blocks, metadata={
        "event_type": "debrief_due", "event_payload": {"interview": 7},
    })  # fmt: skip
    second = client.chat_postMessage(channel="U1", text="again")
    assert first["channel"] == "DU1"
    assert first["ts"] == "1700000000.000100" and float(second["ts"]) > float(first["ts"])
    assert first["message"]["metadata"]["event_payload"] == {"interview": 7}
    [call, _] = fake.calls("chat.postMessage")
    assert call.token == "xoxb-test"
    assert call.params["blocks"][1]["elements"][0]["action_id"] == "w"
    assert [m["text"] for m in fake.messages("U1")] == ["Debrief due", "again"]
    assert fake.messages("U1")[0]["blocks"][0]["block_id"]  # Slack fills in missing block ids
    assert fake.errors == []


def test_form_encoded_bodies_with_json_string_fields_are_decoded(fake: FakeSlack, client: WebClient) -> None:
    blocks = json.dumps([{"type": "section", "text": {"type": "plain_text", "text": "hi"}}])
    client.api_call("chat.postMessage", params={"channel": "C1", "text": "hi", "blocks": blocks})
    [call] = fake.calls("chat.postMessage", ok=True)
    assert call.params["blocks"][0]["text"]["text"] == "hi"


def test_missing_token_and_unknown_method(fake: FakeSlack) -> None:
    assert error_of(lambda: WebClient(base_url=fake.api_url).auth_test()) == "not_authed"
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    assert error_of(lambda: client.api_call("chat.shout")) == "unknown_method"
    assert [e.error for e in fake.errors] == ["not_authed", "unknown_method"]


def test_update_changes_the_stored_message_and_needs_an_existing_one(
    fake: FakeSlack, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel="C1", text="Pending")
    client.chat_update(channel="C1", ts=posted["ts"], text="Done", blocks=[SectionBlock(text="Done")])
    [message] = fake.messages("C1")
    assert message["text"] == "Done" and message["blocks"][0]["text"]["text"] == "Done"
    assert message["ts"] == posted["ts"] and "edited" in message
    assert error_of(lambda: client.chat_update(channel="C1", ts="1.2", text="x")) == "message_not_found"


def test_membership_not_in_channel_until_joined(fake: FakeSlack, client: WebClient) -> None:
    assert error_of(lambda: client.chat_postMessage(channel="C2", text="hi")) == "not_in_channel"
    assert fake.messages("C2") == []
    client.conversations_join(channel="C2")
    client.chat_postMessage(channel="C2", text="hi")
    assert len(fake.messages("C2")) == 1
    assert error_of(lambda: client.conversations_join(channel="C3")) == "channel_not_found"
    assert error_of(lambda: client.chat_postMessage(channel="C404", text="hi")) == "channel_not_found"


def test_conversations_create_enforces_name_rules(fake: FakeSlack, client: WebClient) -> None:
    created = client.conversations_create(name="debrief-ada_2024")
    assert created["channel"]["name"] == "debrief-ada_2024" and created["channel"]["is_member"]
    assert error_of(lambda: client.conversations_create(name="debrief-ada_2024")) == "name_taken"
    assert error_of(lambda: client.conversations_create(name="Debrief Ada")) == "invalid_name_specials"
    assert error_of(lambda: client.conversations_create(name="x" * 81)) == "invalid_name_maxlength"
    channel = created["channel"]["id"]
    client.conversations_invite(channel=channel, users="U1,U2")
    client.conversations_setTopic(channel=channel, topic="Ada, onsite")
    client.conversations_archive(channel=channel)
    state = fake.channel(channel)
    assert {"U1", "U2"} <= state.members and state.topic == "Ada, onsite" and state.is_archived
    assert error_of(lambda: client.chat_postMessage(channel=channel, text="hi")) == "is_archived"


def test_history_is_newest_first_with_metadata_only_when_asked(client: WebClient, fake: FakeSlack) -> None:
    fake.add_message("C1", "from a person", user="U1")
    client.chat_postMessage(channel="C1", text="bot", metadata={"event_type": "e", "event_payload": {"n": 1}})
    plain = client.conversations_history(channel="C1")["messages"]
    full = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert [m["text"] for m in plain] == ["bot", "from a person"]
    assert "metadata" not in plain[0] and full[0]["metadata"]["event_payload"] == {"n": 1}
    assert len(client.conversations_history(channel="C1", limit=1)["messages"]) == 1


def test_people_groups_dms_permalinks_and_ephemerals(fake: FakeSlack, client: WebClient) -> None:
    user = client.users_info(user="U2")["user"]
    assert (user["real_name"], user["tz"], user["tz_offset"], user["is_bot"]) == (
        "Grace Hopper", "America/New_York", -18000, False,
    )  # fmt: skip
    assert error_of(lambda: client.users_info(user="U404")) == "user_not_found"
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1", "U2"]
    assert client.conversations_open(users="U2")["channel"]["id"] == "DU2"
    assert client.conversations_info(channel="C1")["channel"]["name"] == "debriefs"
    ts = client.chat_postMessage(channel="C1", text="x")["ts"]
    link = client.chat_getPermalink(channel="C1", message_ts=ts)["permalink"]
    assert link.endswith("/archives/C1/p" + ts.replace(".", ""))
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    assert [e["text"] for e in fake.ephemerals("C1", user="U1")] == ["psst"]


def test_concurrent_posts_get_unique_timestamps(fake: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    stamps: list[str] = []

    def post(n: int) -> None:
        stamps.append(client.chat_postMessage(channel="C1", text=f"m{n}")["ts"])

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(stamps)) == 20 and len(fake.messages("C1")) == 20


def test_wait_for_returns_once_a_background_call_arrives(fake: FakeSlack, client: WebClient) -> None:
    threading.Thread(target=lambda: client.chat_postMessage(channel="C1", text="later")).start()
    [call] = fake.wait_for("chat.postMessage", predicate=lambda c: c.params["text"] == "later")
    assert call.ok
    with pytest.raises(TimeoutError, match=r"0/1 views\.open"):
        fake.wait_for("views.open", timeout=0.05)


def test_reset_forgets_calls_and_messages_but_keeps_configuration(fake: FakeSlack, client: WebClient) -> None:
    client.conversations_join(channel="C2")
    client.chat_postMessage(channel="C2", text="hi")
    fake.reset()
    assert fake.calls() == [] and fake.messages("C2") == []
    assert error_of(lambda: client.chat_postMessage(channel="C2", text="hi")) == "not_in_channel"


def test_response_urls_are_served_and_recorded(fake: FakeSlack) -> None:
    url = fake.response_url()
    body = json.dumps({"text": "Saved", "response_type": "ephemeral"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as reply:
        assert reply.status == 200
    [call] = fake.calls("response_url")
    assert call.params["text"] == "Saved"
