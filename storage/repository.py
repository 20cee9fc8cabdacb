"""Repository: every read and write the app makes, in short sessions, returning domain values.

One store per thing it owns, each named, each given the database (and the outbox, where what it
writes owes a message in the same transaction):

    interviews    interviews and the lists people read     storage/interviews.py
    debriefs      each interviewer's debrief               storage/debriefs.py
    claims        the scheduler's exactly-once claims      storage/claims.py
    lifecycle     changes after scheduling, erasure        storage/lifecycle.py
    outbox        what is owed to Slack, leased, sent      storage/outbox.py
    posts         where sent messages landed in Slack      storage/posts.py
    dead_letters  calls given up on: listed, owed again    storage/dead_letters.py
    privacy       audit trail, exports, panels, retention  storage/privacy.py
    sources       imported interviews' keys, source state  storage/sources.py
    health        the scheduler's heartbeat                storage/health.py
"""

from __future__ import annotations

from sqlalchemy import Engine

from storage.base import Database
from storage.claims import ClaimStore
from storage.dead_letters import DeadLetter, DeadLetterStore
from storage.debriefs import DebriefStore
from storage.health import HealthStore
from storage.interviews import InterviewStore
from storage.lifecycle import LifecycleStore
from storage.outbox import OutboxCounts, OutboxItem, OutboxStore, Outgoing
from storage.posts import PostStore, SentMessage
from storage.privacy import PrivacyStore
from storage.rows import utc
from storage.sources import SourceStore

__all__ = [
    "DeadLetter",
    "OutboxCounts",
    "OutboxItem",
    "Outgoing",
    "Repository",
    "SentMessage",
    "utc",
]


class Repository:
    """The stores, sharing one database; callers name the one they mean (`repository.claims...`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        db = Database(engine)
        self.outbox = OutboxStore(db)
        self.posts = PostStore(db)
        self.dead_letters = DeadLetterStore(db)
        self.interviews = InterviewStore(db, outbox=self.outbox)
        self.debriefs = DebriefStore(db, outbox=self.outbox)
        self.claims = ClaimStore(db, outbox=self.outbox)
        self.lifecycle = LifecycleStore(db)
        self.privacy = PrivacyStore(db)
        self.sources = SourceStore(db, outbox=self.outbox)
        self.health = HealthStore(db)
