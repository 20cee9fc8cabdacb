"""The sources the settings name, built once at start-up."""

from __future__ import annotations

from bot.settings import Settings
from bot.sources import Source
from bot.sources.ashby import Ashby
from bot.sources.greenhouse import Greenhouse
from bot.sources.ics import IcsFeed


def configured_sources(settings: Settings) -> list[Source]:
    sources: list[Source] = [
        IcsFeed(url, title=settings.debrief_ics_title) for url in settings.debrief_ics_urls
    ]
    if settings.greenhouse_enabled:
        sources.append(
            Greenhouse(
                client_id=settings.greenhouse_client_id,
                client_secret=settings.greenhouse_client_secret.get_secret_value(),
                api_url=settings.greenhouse_api_url,
                token_url=settings.greenhouse_token_url,
            )
        )
    if settings.ashby_enabled:
        sources.append(
            Ashby(api_key=settings.ashby_api_key.get_secret_value(), api_url=settings.ashby_api_url)
        )
    return sources
