"""What the fake answers about HR data the way Slack does: admins, deactivated people, Slack Connect
channels, renaming, topics and deleting uploaded files."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack


def test_admins_owners_and_deactivated_people(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("UADM", "ada", is_admin=True)
    fake.add_user("UOWN", "owen", is_owner=True)
    assert client.users_info(user="UADM")["user"]["is_admin"] is True
    owner = client.users_info(user="UOWN")["user"]
    assert owner["is_owner"] is True and owner["is_admin"] is True  # owners are admins too
    assert client.users_info(user="U1")["user"]["is_admin"] is False
    fake.deactivate_user("U1")
    assert client.users_info(user="U1")["user"]["deleted"] is True
    with pytest.raises(SlackApiError, match="user_disabled"):
        client.chat_postMessage(channel="U1", text="hello")


def test_slack_connect_channels_say_so(fake: FakeSlack, client: WebClient) -> None:
    fake.add_channel("CEXT", "agency", ext_shared=True)
    assert client.conversations_info(channel="CEXT")["channel"]["is_ext_shared"] is True
    assert client.conversations_info(channel="C1")["channel"]["is_ext_shared"] is False
    fake.share_externally("C1")
    assert client.conversations_info(channel="C1")["channel"]["is_ext_shared"] is True


def test_rename_takes_names_of_any_script_and_refuses_what_slack_refuses(
    fake: FakeSlack, client: WebClient
) -> None:
    assert (
        client.conversations_rename(channel="C1", name="debrief-王芳-3")["channel"]["name"]
        == "debrief-王芳-3"
    )
    for bad, error in (
        ("Hiring", "invalid_name_specials"),
        ("a.b", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
    ):
        with pytest.raises(SlackApiError, match=error):
            client.conversations_rename(channel="C1", name=bad)
    client.conversations_create(name="taken")
    with pytest.raises(SlackApiError, match="name_taken"):
        client.conversations_rename(channel="C1", name="taken")
    client.conversations_archive(channel="C1")
    with pytest.raises(SlackApiError, match="is_archived"):
        client.conversations_rename(channel="C1", name="later")


def test_deleting_an_uploaded_file_removes_it_everywhere(fake: FakeSlack, client: WebClient) -> None:
    reply = client.files_upload_v2(channel="C1", content="Candidate: Ada", filename="export.csv")
    file_id = reply["file"]["id"]
    client.files_delete(file=file_id)
    assert fake.uploaded_files() == []
    assert all(not m.get("files") and "Ada" not in str(m) for m in fake.messages("C1"))
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_delete(file=file_id)


def test_an_archived_channel_is_frozen_and_only_a_person_can_unarchive_it(
    fake: FakeSlack, client: WebClient
) -> None:
    ts = client.chat_postMessage(channel="C1", text="Candidate: Ada")["ts"]
    client.conversations_archive(channel="C1")
    for call in (
        lambda: client.chat_update(channel="C1", ts=ts, text="erased"),
        lambda: client.chat_delete(channel="C1", ts=ts),
        lambda: client.conversations_setTopic(channel="C1", topic="erased"),
        lambda: client.chat_postMessage(channel="C1", text="hi"),
    ):
        with pytest.raises(SlackApiError, match="is_archived"):
            call()
    with pytest.raises(SlackApiError, match="not_in_channel"):  # Slack: bot tokens can't unarchive
        client.conversations_unarchive(channel="C1")
    assert fake.channel("C1").is_archived
    person = WebClient(token="xoxp-person", base_url=fake.api_url)
    person.conversations_unarchive(channel="C1")
    assert not fake.channel("C1").is_archived
    client.chat_update(channel="C1", ts=ts, text="erased")
