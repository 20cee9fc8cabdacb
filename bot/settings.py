"""Typed settings from the environment and `.env`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.summary_types import Policy, Veto
from bot.domain.worktime import WorkingWeek, parse_days, parse_hours

DEFAULT_DATABASE_URL = "sqlite:///debrief.db"
SLACK_API_URL = "https://slack.com/api/"
GREENHOUSE_API_URL = "https://harvest.greenhouse.io/v3"
GREENHOUSE_TOKEN_URL = "https://auth.greenhouse.io/token"
ASHBY_API_URL = "https://api.ashbyhq.com"


class SettingsError(Exception):
    """A missing or malformed setting; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_url: str = SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    debrief_channel: str = ""
    debrief_channel_mode: Literal["shared", "per_candidate"] = "shared"
    debrief_archive_after_days: int = Field(default=7, ge=0, le=365)
    debrief_recruiters: Annotated[tuple[str, ...], NoDecode] = ()
    debrief_tick_seconds: float = Field(default=30.0, gt=0, le=3600)
    debrief_remind_after_minutes: int = Field(default=120, ge=1)
    debrief_deadline_minutes: int = Field(default=1440, ge=1)
    debrief_next_stage_minutes: int = Field(default=60, ge=5, le=480)
    debrief_veto: Annotated[tuple[Veto, ...], NoDecode] = (Veto.STRONG_NO, Veto.DEAL_BREAKER)
    debrief_retention_days: int = Field(default=365, ge=1)
    debrief_working_days: str = "mon-fri"
    debrief_working_hours: str = "09:00-18:00"
    # Interviews that arrive by themselves (README: "Connect your calendar or ATS"). Secrets are
    # SecretStr, so settings never print them.
    debrief_ics_urls: Annotated[tuple[str, ...], NoDecode] = ()
    debrief_ics_title: str = "Interview: {candidate} - {role}"
    debrief_source_poll_seconds: float = Field(default=300.0, ge=10, le=86400)
    greenhouse_client_id: str = ""
    greenhouse_client_secret: SecretStr = SecretStr("")
    greenhouse_api_url: str = GREENHOUSE_API_URL
    greenhouse_token_url: str = GREENHOUSE_TOKEN_URL
    ashby_api_key: SecretStr = SecretStr("")
    ashby_webhook_secret: SecretStr = SecretStr("")
    ashby_api_url: str = ASHBY_API_URL
    port: int = Field(default=3000, ge=1, le=65535)
    host: str = "0.0.0.0"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("debrief_recruiters", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("debrief_ics_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("debrief_ics_title")
    @classmethod
    def _title_has_fields(cls, value: str) -> str:
        if "{candidate}" not in value or "{role}" not in value:
            raise ValueError("the pattern needs both {candidate} and {role}")
        return value

    @field_validator("greenhouse_api_url", "ashby_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("debrief_veto", mode="before")
    @classmethod
    def _split_veto(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip().lower() for p in value.split(",") if p.strip()]
            if parts == ["both"]:
                return (Veto.STRONG_NO, Veto.DEAL_BREAKER)
            if parts == ["none"]:
                return ()
            return tuple(parts)
        return value

    @field_validator("debrief_working_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_days(value)
        return value

    @field_validator("debrief_working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        parse_hours(value)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def policy(self) -> Policy:
        return Policy(vetoes=frozenset(self.debrief_veto), next_stage_minutes=self.debrief_next_stage_minutes)

    @property
    def greenhouse_enabled(self) -> bool:
        return bool(self.greenhouse_client_id and self.greenhouse_client_secret.get_secret_value())

    @property
    def ashby_enabled(self) -> bool:
        return bool(self.ashby_api_key.get_secret_value())

    @property
    def working_week(self) -> WorkingWeek:
        start, end = parse_hours(self.debrief_working_hours)
        return WorkingWeek(days=parse_days(self.debrief_working_days), start=start, end=end)

    def missing_for_run(self) -> list[str]:
        """The settings `run` needs that are not set, in the order a newcomer should set them."""
        missing = []
        if not self.slack_bot_token:
            missing.append("SLACK_BOT_TOKEN")
        if not self.socket_mode and not self.slack_signing_secret:
            missing.append(CONNECTION)
        if (
            self.debrief_ics_urls or self.greenhouse_enabled or self.ashby_enabled
        ) and not self.debrief_channel:
            missing.append("DEBRIEF_CHANNEL")  # where imported interviews are debriefed
        return missing


CONNECTION = "SLACK_APP_TOKEN (Socket Mode, as manifest.yml sets up) or SLACK_SIGNING_SECRET (HTTP mode)"


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError with one line naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']} (got {first.get('input')!r})") from None
