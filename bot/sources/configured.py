"""The sources the settings name, built once at start-up."""

from __future__ import annotations

from bot.settings import Settings
from bot.sources import Source
from bot.sources.ics import IcsFeed


def configured_sources(settings: Settings) -> list[Source]:
    sources: list[Source] = [
        IcsFeed(url, title=settings.debrief_ics_title) for url in settings.debrief_ics_urls
    ]
    return sources
