"""The peer: debrief-bot's three requests as a competent developer writes them from Bolt's docs.

Bolt's defaults (`process_before_response=False`: each listener runs on Bolt's thread pool and the
HTTP response goes out as soon as it calls `ack()`). The command and the click ack, then open their
modal with `client.views_open`; the submission parses the view, stores the debrief with a SQLModel
`Session` (add, commit), acks, then posts a receipt with `client.chat_postMessage`. The modals and
the parsing are debrief-bot's own, so fake Slack checks the same views for both apps; nothing is
made slow on purpose. Same server stack as `debrief-bot run` (waitress, 8 threads).

`python -m bench.peer_app --port 0` prints its base URL on the first stdout line; it reads
SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL and DATABASE_URL (a migrated, seeded database).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session, select
from waitress import create_server

from bot.domain.validation import InvalidInput
from bot.ids import Action, Callback
from bot.views.debrief import debrief_modal, read_debrief, read_debrief_meta
from bot.views.schedule import schedule_modal
from storage.database import make_engine
from storage.rows import debrief_values, to_interview
from storage.tables import DebriefRow, InterviewRow, PanelistRow

THREADS = 8  # as `debrief-bot run`


def build(engine: Engine) -> App:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.command("/debrief")
    def open_schedule(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        ack()
        view = schedule_modal(default_channel_id=None, origin_channel_id=command.get("channel_id"))
        client.views_open(trigger_id=command["trigger_id"], view=view)

    @app.action(Action.WRITE_DEBRIEF)
    def open_debrief(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        interview_id = int(body["actions"][0]["value"])
        with Session(engine) as session:
            row = session.get(InterviewRow, interview_id)
            panel = session.exec(select(PanelistRow.user_id).where(PanelistRow.interview_id == interview_id))
            interview = to_interview(row, tuple(panel.all())) if row else None
        if interview is not None:
            client.views_open(trigger_id=body["trigger_id"], view=debrief_modal(interview))

    @app.view(Callback.DEBRIEF)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user = body["user"]["id"]
        try:
            interview_id = read_debrief_meta(view["private_metadata"])
            answers = read_debrief(view["state"]["values"])
        except InvalidInput as exc:
            ack(response_action="errors", errors=exc.errors)
            return
        now = datetime.now(UTC)
        with Session(engine) as session:
            session.add(
                DebriefRow(
                    interview_id=interview_id,
                    interviewer_id=user,
                    submitted_at=now,
                    updated_at=now,
                    **debrief_values(answers),
                )
            )
            session.commit()
        ack()
        client.chat_postMessage(
            channel=user, text=f"Thanks: your debrief for interview #{interview_id} is in."
        )

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer_app", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    app = build(make_engine(os.environ["DATABASE_URL"]))
    server = create_server(
        SlackRequestHandler(app), host="127.0.0.1", port=args.port, threads=THREADS, ident="peer-bolt"
    )
    print(f"http://127.0.0.1:{server.effective_port}", flush=True)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
