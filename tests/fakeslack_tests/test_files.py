"""files_upload_v2's three steps against the fake: URL, upload, completion."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack


def test_upload_v2_round_trip_keeps_the_bytes_and_shares_to_the_channel(
    fake: FakeSlack, client: WebClient
) -> None:
    reply = client.files_upload_v2(
        channel="C1", content="Candidate: Ada\nVerdict: advance\n", filename="debrief.md",
        title="Debrief", initial_comment="Summary attached",
    )  # fmt: skip
    [upload] = fake.uploaded_files()
    assert reply["file"]["id"] == upload.id
    assert upload.text == "Candidate: Ada\nVerdict: advance\n"
    assert (upload.filename, upload.title, upload.channels, upload.completed) == (
        "debrief.md", "Debrief", ("C1",), True,
    )  # fmt: skip
    [message] = fake.messages("C1")
    assert message["text"] == "Summary attached" and message["files"][0]["id"] == upload.id
    assert [c.method for c in fake.calls()] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert fake.errors == [] and fake.warnings == []


def test_binary_uploads_and_channels_the_bot_is_not_in(fake: FakeSlack, client: WebClient) -> None:
    client.files_upload_v2(content=bytes(range(256)), filename="raw.bin")
    assert fake.uploaded_files()[0].content == bytes(range(256))
    with pytest.raises(SlackApiError, match="not_in_channel"):
        client.files_upload_v2(channel="C2", content="x", filename="x.txt")
