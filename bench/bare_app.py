"""The baseline: bare Bolt (process_before_response=True, listeners that only ack) on waitress.

`python -m bench.bare_app --port 0` prints its base URL on the first stdout line, then serves
POST /slack/events with Bolt's own WSGI adapter and the same waitress settings as `debrief-bot run`.
"""

from __future__ import annotations

import argparse
import os
import sys

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import create_server

THREADS = 8  # as `debrief-bot run`


def just_ack(ack: Ack) -> None:
    ack()


def build() -> App:
    """Bolt verifying signatures and parsing bodies itself; every listener acks with an empty 200."""
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], process_before_response=True)
    app.command("/debrief")(just_ack)
    app.action("write_debrief")(just_ack)
    app.view("debrief")(just_ack)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_app", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    server = create_server(
        SlackRequestHandler(build()), host="127.0.0.1", port=args.port, threads=THREADS, ident="bare-bolt"
    )
    print(f"http://127.0.0.1:{server.effective_port}", flush=True)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
