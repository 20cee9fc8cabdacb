"""A strict local fake of Slack: the Web API server (FakeSlack) and a signed app-side client.

Point the app's WebClient(base_url=fake.api_url) at a started FakeSlack, drive the app with
SlackRequester(app_url, signing_secret, fake=fake), then read fake.calls()/messages()/errors.
"""

from .control import RemoteFake
from .faults import Fault
from .modal import build_state_values, last_view
from .models import ApiError, Call, Channel, Rejection, UploadedFile, User
from .server import FakeSlack
from .signing import Response, SlackRequester, slack_signature

__all__ = [
    "ApiError",
    "Call",
    "Channel",
    "FakeSlack",
    "Fault",
    "Rejection",
    "RemoteFake",
    "Response",
    "SlackRequester",
    "UploadedFile",
    "User",
    "build_state_values",
    "last_view",
    "slack_signature",
]
