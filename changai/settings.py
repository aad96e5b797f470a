"""One place that reads configuration from the environment (see `.env.example`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed; raised at start-up."""


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'changai.db'}"


N = TypeVar("N", int, float)


def _number(name: str, default: N) -> N:
    """The variable ``name`` read as the type of ``default`` (int or float)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    kind = type(default)
    try:
        return kind(raw)
    except ValueError as exc:
        what = "an integer" if kind is int else "a number"
        raise ConfigurationError(f"{name} must be {what}, got {raw!r}") from exc


def _float(name: str, default: float) -> float:
    return _number(name, float(default))


def _int(name: str, default: int) -> int:
    return _number(name, default)


DEFAULT_HOURS = "09:00-17:30"
DEFAULT_DAYS = "1-5"
DEFAULT_TIMEZONE = "Asia/Shanghai"
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
MINUTES_PER_DAY = 24 * 60


def parse_hours(raw: str) -> tuple[int, int]:
    """``"09:00-17:30"`` -> (540, 1050) minutes after midnight; raises ValueError."""
    match = _HOURS.match(raw or "")
    if not match:
        raise ValueError(f"expected HH:MM-HH:MM, got {raw!r}")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
        raise ValueError(f"not a time of day in {raw!r}")
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if end <= start:
        raise ValueError(f"closing time must be after opening time in {raw!r}")
    return start, end


def parse_days(raw: str) -> frozenset[int]:
    """``"1-5"`` or ``"1,3,5"`` (or a mix such as ``"1-3,6"``) -> ISO weekdays.

    Raises ValueError."""
    days: set[int] = set()
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            raise ValueError(f"expected weekdays such as 1-5 or 1,3,5, got {raw!r}")
        bounds = [piece.strip() for piece in part.split("-")]
        if len(bounds) > 2 or not all(piece.isdigit() for piece in bounds):
            raise ValueError(f"expected weekdays such as 1-5 or 1,3,5, got {raw!r}")
        first, last = int(bounds[0]), int(bounds[-1])
        if not (1 <= first <= 7 and 1 <= last <= 7) or last < first:
            raise ValueError(f"weekdays run from 1 (Monday) to 7 (Sunday), got {raw!r}")
        days.update(range(first, last + 1))
    return frozenset(days)


def parse_timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo((raw or "").strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {raw!r}") from exc


def _working_hours() -> tuple[tuple[int, int], frozenset[int], ZoneInfo]:
    """Union staff working hours from STAFF_HOURS, STAFF_DAYS and TIMEZONE."""
    parsed: dict[str, Any] = {}
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
    return parsed["STAFF_HOURS"], parsed["STAFF_DAYS"], parsed["TIMEZONE"]


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = field(default_factory=_default_database_url)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    console_host: str = "127.0.0.1"
    console_port: int = 8080
    console_secret: str = ""
    # The action server: where it listens and the secret Rasa must send it (ACTION_TOKEN,
    # in the header ``X-Action-Token``; rasa_project/action_server.py checks it).
    action_host: str = "127.0.0.1"
    action_port: int = 5055
    action_token: str = ""
    # Addresses of reverse proxies whose X-Forwarded-For the console believes (log-in limits).
    trusted_proxies: frozenset[str] = frozenset()
    # Production's shared servers: Rasa's Redis lock store and its RabbitMQ event broker.
    # Empty in the embedded default (in-memory lock store, no broker).
    redis_url: str = ""
    rabbitmq_url: str = ""
    # Where the consoles' and widget channels' shared state lives in Redis (pub/sub channel,
    # log-in limiter keys); tests use a throwaway prefix.
    redis_key_prefix: str = "changai:"
    model_dir: Path = PROJECT_ROOT / "models"
    spacy_model_dir: Path = PROJECT_ROOT / "build" / "spacy_zh"
    retrieval_threshold: float = 0.16
    # Serve an entry only at or above this score, and only when it fits (knowledge/fit.py).
    fit_threshold: float = 0.35
    # When no entry fits: quote a clause of an in-force document scoring at least this
    # (knowledge/answering.from_clause); above 1 never quotes one.
    clause_threshold: float = 0.1
    index_refresh_seconds: float = 1.0
    # Union staff working hours (helpdesk.working_hours.Schedule reads them).
    staff_hours: tuple[int, int] = field(default_factory=lambda: parse_hours(DEFAULT_HOURS))
    staff_days: frozenset[int] = field(default_factory=lambda: parse_days(DEFAULT_DAYS))
    timezone: ZoneInfo = field(default_factory=lambda: parse_timezone(DEFAULT_TIMEZONE))

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def unanswered_from_broker(self) -> bool:
        """Production records unanswered questions from Rasa's events (``analytics/``, which
        its Procfile starts); elsewhere the actions write them. Never both, never neither."""
        return self.is_production


def load_settings() -> Settings:
    """Read settings from the environment, failing clearly in production."""
    env = os.environ.get("CHANGAI_ENV", "development").strip() or "development"
    if env not in {"development", "test", "production"}:
        raise ConfigurationError(
            f"CHANGAI_ENV must be development, test or production, got {env!r}"
        )
    staff_hours, staff_days, timezone = _working_hours()
    settings = Settings(
        env=env,
        database_url=os.environ.get("DATABASE_URL") or _default_database_url(),
        rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        rasa_token=os.environ.get("RASA_TOKEN", ""),
        console_host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
        console_port=_int("CONSOLE_PORT", 8080),
        console_secret=os.environ.get("CONSOLE_SECRET", ""),
        action_host=os.environ.get("ACTION_HOST", "").strip() or "127.0.0.1",
        action_port=_int("ACTION_PORT", 5055),
        action_token=os.environ.get("ACTION_TOKEN", "").strip(),
        trusted_proxies=frozenset(
            p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
        redis_url=os.environ.get("REDIS_URL", "").strip(),
        rabbitmq_url=os.environ.get("RABBITMQ_URL", "").strip(),
        redis_key_prefix=os.environ.get("REDIS_KEY_PREFIX", "").strip() or "changai:",
        model_dir=Path(os.environ.get("MODEL_DIR") or PROJECT_ROOT / "models"),
        retrieval_threshold=_float("RETRIEVAL_THRESHOLD", 0.16),
        fit_threshold=_float("FIT_THRESHOLD", 0.35),
        clause_threshold=_float("CLAUSE_THRESHOLD", 0.1),
        index_refresh_seconds=_float("INDEX_REFRESH_SECONDS", 1.0),
        staff_hours=staff_hours,
        staff_days=staff_days,
        timezone=timezone,
    )
    _check_urls(settings)
    if settings.is_production:
        _check_production(settings)
    return settings


# What each URL variable may start with (schemes SQLAlchemy, redis-py and aio-pika accept).
POSTGRES_SCHEMES = ("postgresql",)  # postgresql:// or postgresql+driver://
REDIS_SCHEMES = ("redis", "rediss")
RABBITMQ_SCHEMES = ("amqp", "amqps")


def url_scheme(url: str) -> str:
    """The scheme of ``url`` (``postgresql+psycopg2`` -> ``postgresql``); never the rest,
    which may hold a password."""
    return url.split("://", 1)[0].split("+", 1)[0].lower() if "://" in url else ""


def _check_urls(settings: Settings) -> None:
    """A URL that is set must be one its server understands (any mode)."""
    for name, value, schemes in (
        ("REDIS_URL", settings.redis_url, REDIS_SCHEMES),
        ("RABBITMQ_URL", settings.rabbitmq_url, RABBITMQ_SCHEMES),
    ):
        if value and url_scheme(value) not in schemes:
            raise ConfigurationError(
                f"{name} must start with "
                + " or ".join(f"{scheme}://" for scheme in schemes)
                + f", got {url_scheme(value) or 'no scheme'!r}"
            )


def _check_production(settings: Settings) -> None:
    """Production runs on PostgreSQL, Redis and RabbitMQ with real secrets, or not at all."""
    missing = [
        name
        for name, value in (
            ("DATABASE_URL", os.environ.get("DATABASE_URL", "").strip()),
            ("REDIS_URL", settings.redis_url),
            ("RABBITMQ_URL", settings.rabbitmq_url),
            ("RASA_TOKEN", settings.rasa_token),
            ("CONSOLE_SECRET", settings.console_secret),
            ("ACTION_TOKEN", settings.action_token),
        )
        if not value
    ]
    if missing:
        raise ConfigurationError("production mode needs these settings: " + ", ".join(missing))
    scheme = url_scheme(settings.database_url)
    if scheme not in POSTGRES_SCHEMES:
        raise ConfigurationError(
            "DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:5432/name) "
            f"in production, got {scheme or 'no scheme'!r}"
        )
