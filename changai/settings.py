"""One place that reads configuration from the environment (see `.env.example`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from changai.working_hours import (
    DEFAULT_DAYS,
    DEFAULT_HOURS,
    DEFAULT_TIMEZONE,
    Schedule,
    parse_days,
    parse_hours,
    parse_timezone,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed; raised at start-up."""


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'changai.db'}"


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from exc


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from exc


def _schedule() -> Schedule:
    """Union staff working hours from STAFF_HOURS, STAFF_DAYS and TIMEZONE."""
    parsed = {}
    for name, default, parse in (
        ("STAFF_HOURS", DEFAULT_HOURS, parse_hours),
        ("STAFF_DAYS", DEFAULT_DAYS, parse_days),
        ("TIMEZONE", DEFAULT_TIMEZONE, parse_timezone),
    ):
        raw = os.environ.get(name, "").strip() or default
        try:
            parsed[name] = parse(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{name}: {exc}") from exc
    start, end = parsed["STAFF_HOURS"]
    return Schedule(start, end, parsed["STAFF_DAYS"], parsed["TIMEZONE"])


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = field(default_factory=_default_database_url)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    console_host: str = "127.0.0.1"
    console_port: int = 8080
    console_secret: str = ""
    model_dir: Path = PROJECT_ROOT / "models"
    spacy_model_dir: Path = PROJECT_ROOT / "build" / "spacy_zh"
    retrieval_threshold: float = 0.16
    index_refresh_seconds: float = 1.0
    staff_schedule: Schedule = field(default_factory=Schedule.parse)

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_settings() -> Settings:
    """Read settings from the environment, failing clearly in production."""
    env = os.environ.get("CHANGAI_ENV", "development").strip() or "development"
    if env not in {"development", "test", "production"}:
        raise ConfigurationError(
            f"CHANGAI_ENV must be development, test or production, got {env!r}"
        )
    settings = Settings(
        env=env,
        database_url=os.environ.get("DATABASE_URL") or _default_database_url(),
        rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        rasa_token=os.environ.get("RASA_TOKEN", ""),
        console_host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
        console_port=_int("CONSOLE_PORT", 8080),
        console_secret=os.environ.get("CONSOLE_SECRET", ""),
        model_dir=Path(os.environ.get("MODEL_DIR") or PROJECT_ROOT / "models"),
        retrieval_threshold=_float("RETRIEVAL_THRESHOLD", 0.16),
        index_refresh_seconds=_float("INDEX_REFRESH_SECONDS", 1.0),
        staff_schedule=_schedule(),
    )
    if settings.is_production:
        missing = [
            name
            for name, value in (
                ("DATABASE_URL", os.environ.get("DATABASE_URL")),
                ("RASA_TOKEN", settings.rasa_token),
                ("CONSOLE_SECRET", settings.console_secret),
            )
            if not value
        ]
        if missing:
            raise ConfigurationError("production mode needs these settings: " + ", ".join(missing))
    return settings
