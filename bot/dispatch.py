"""The one way work gets done after a listener's ack: sending what is owed and publishing Home tabs,
on one thread per process.

A listener does its database work in the request, owes any message (a receipt, a summary update,
the answer to a click) in the outbox, acks and kicks: this thread sends everything owed in one pass,
exactly once (bot/outbox.py), so a burst of a thousand clicks costs a few passes, not a thousand
jobs. Bolt's lazy listeners are kept only for `views.open`, whose trigger dies 3 s after the
request: they must not queue behind deliveries.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Dispatcher:
    """Runs `deliver` (and `refresh_home` for the people asked for) whenever kicked, never two at once."""

    def __init__(self, *, deliver: Callable[[], object], refresh_home: Callable[[str], None]) -> None:
        self._deliver = deliver
        self._refresh_home = refresh_home
        self._changed = threading.Condition()
        self._wanted = False
        self._homes: dict[str, None] = {}  # an ordered set: one refresh per person however often kicked
        self._busy = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="dispatch", daemon=True)
        # Told after each pass (the scheduler sets it): what requests stored may fall due sooner.
        self.after_pass: Callable[[], None] | None = None

    def start(self) -> None:
        self._thread.start()

    def kick(self, *, home_for: str | None = None) -> None:
        """Something is owed: send it soon (and rebuild `home_for`'s Home tab after)."""
        with self._changed:
            self._wanted = True
            if home_for:
                self._homes[home_for] = None
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until every kick so far has been acted on; False if `timeout` seconds pass first."""
        with self._changed:
            return self._changed.wait_for(self._idle, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Finish what was kicked, then end the thread."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _idle(self) -> bool:
        return not (self._busy or self._wanted or self._homes)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._wanted or self._homes or self._stopping)
                if self._idle():  # woken only to stop, with nothing left to do
                    return
                self._wanted, homes, self._homes = False, list(self._homes), {}
                self._busy = True
            try:
                self._pass(homes)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def _pass(self, homes: list[str]) -> None:
        try:
            self._deliver()
        except Exception:  # the outbox keeps it: the next kick or the scheduler's tick retries
            log.exception("delivery after a request failed; the next tick retries")
        for user in homes:
            try:
                self._refresh_home(user)
            except Exception:  # the Home tab is rebuilt anyway the next time they open it
                log.exception("could not refresh the Home tab of %s", user)
        if self.after_pass is not None:
            try:
                self.after_pass()
            except Exception:  # the periodic tick still comes
                log.exception("could not plan the next wake-up")
