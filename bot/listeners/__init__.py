"""Thin Bolt handlers: ack, parse, call a flow, render. `register(app, deps)` wires them all."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import commands, debrief, home, schedule, summary
from bot.listeners.deps import Deps

__all__ = ["Deps", "register"]


def register(app: App, deps: Deps) -> None:
    # Bolt tries listeners in the order they were added until one matches: the busiest go first
    # (every interviewer's clicks and submissions; no two listeners match the same request).
    debrief.register(app, deps)
    commands.register(app, deps)
    schedule.register(app, deps)
    summary.register(app, deps)
    home.register(app, deps)
