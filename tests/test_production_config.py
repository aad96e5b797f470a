"""One configuration chosen by CHANGAI_ENV: the embedded default and production.

Production refuses to start, naming the variable, when a URL or secret is missing or the
database is not PostgreSQL. The Rasa endpoints file written at start
(``python -m rasa_project.endpoints``) is read here by Rasa's own loader: SQLite, the
in-memory lock store and no broker by default; in production the tracker store on
DATABASE_URL, Rasa's Redis lock store on REDIS_URL and its RabbitMQ broker on RABBITMQ_URL,
with no URL copied into the file.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import uuid
from pathlib import Path

import aio_pika
import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.events import SlotSet

from changai.settings import PROJECT_ROOT, ConfigurationError, load_settings
from rasa_project import endpoints as endpoints_module
from rasa_project.shared_stores import RedisURLLockStore, URLPikaEventBroker, redacted
from rasa_project.tracker_store import CachingSQLTrackerStore
from tests.support.trackers import DOMAIN

SECRETS = {"RASA_TOKEN": "t0ken", "CONSOLE_SECRET": "c0nsole", "ACTION_TOKEN": "acti0n"}
SERVICES = {
    "REDIS_URL": "redis://127.0.0.1:6379/5",
    "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/",
}
VARIABLES = ["CHANGAI_ENV", "DATABASE_URL", *SERVICES, *SECRETS]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def production(monkeypatch: pytest.MonkeyPatch, database_url: str, **overrides: str) -> None:
    values = {
        "CHANGAI_ENV": "production",
        "DATABASE_URL": database_url,
        **SERVICES,
        **SECRETS,
        **overrides,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def write_endpoints(tmp_path: Path) -> AvailableEndpoints:
    out = tmp_path / "endpoints.yml"
    assert endpoints_module.main(["--out", str(out)]) == 0
    return AvailableEndpoints.read_endpoints(str(out))


PG = "postgresql://changai:s3cret-pw@db.example:5432/changai"


@pytest.mark.parametrize("missing", ["DATABASE_URL", *SERVICES, *SECRETS])
def test_production_names_each_missing_variable(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    production(monkeypatch, PG)
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert str(caught.value) == f"production mode needs these settings: {missing}"


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("sqlite:////srv/changai.db", "sqlite"),
        ("mysql+pymysql://changai:s3cret-pw@db.example/changai", "mysql"),
        ("db.example:5432/changai", "no scheme"),
    ],
)
def test_production_refuses_a_database_that_is_not_postgresql(
    monkeypatch: pytest.MonkeyPatch, url: str, scheme: str
) -> None:
    production(monkeypatch, url)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("DATABASE_URL must be a PostgreSQL URL") and repr(scheme) in message
    assert "s3cret" not in message  # the password never reaches a log


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        (
            "REDIS_URL",
            "http://cache.example:6379",
            "REDIS_URL must start with redis:// or rediss://",
        ),
        ("RABBITMQ_URL", "redis://mq.example", "RABBITMQ_URL must start with amqp:// or amqps://"),
    ],
)
def test_a_service_url_of_the_wrong_kind_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, url: str, expected: str
) -> None:
    production(monkeypatch, PG, **{name: url})
    with pytest.raises(ConfigurationError, match=expected):
        load_settings()


def test_production_settings_accept_postgresql_with_a_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    production(monkeypatch, "postgresql+psycopg2://changai@db.example/changai")
    settings = load_settings()
    assert settings.is_production and settings.redis_url == SERVICES["REDIS_URL"]


def test_the_endpoints_command_refuses_and_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    production(monkeypatch, "sqlite:////srv/changai.db")
    out = tmp_path / "endpoints.yml"
    assert endpoints_module.main(["--out", str(out)]) == 2
    assert "DATABASE_URL must be a PostgreSQL URL" in capsys.readouterr().err
    assert not out.exists()


def test_the_embedded_default_is_sqlite_with_no_other_servers(tmp_path: Path) -> None:
    endpoints = write_endpoints(tmp_path)
    assert endpoints.tracker_store.url == f"sqlite:///{PROJECT_ROOT / 'var' / 'changai.db'}"
    assert endpoints.lock_store is None and endpoints.event_broker is None
    assert isinstance(LockStore.create(endpoints.lock_store), InMemoryLockStore)
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"


def test_development_follows_database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "dev.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    endpoints = write_endpoints(tmp_path)
    assert "${DATABASE_URL}" in (tmp_path / "endpoints.yml").read_text(encoding="utf-8")
    store = TrackerStore.create(endpoints.tracker_store, DOMAIN)
    assert isinstance(store, CachingSQLTrackerStore)
    assert store.engine.url.database == str(path) and not store.shared
    assert path.exists()


@pytest.mark.postgres
def test_production_endpoints_use_the_three_servers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, postgres_url: str
) -> None:
    queue = f"changai_test_{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(endpoints_module, "EVENT_QUEUE", queue)
    production(
        monkeypatch,
        postgres_url.replace("postgresql://postgres@", "postgresql://postgres:unused-pw@"),
    )
    endpoints = write_endpoints(tmp_path)
    written = (tmp_path / "endpoints.yml").read_text(encoding="utf-8")
    for variable in ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL"):
        assert "${" + variable + "}" in written  # the variable is named, never copied
    assert "unused-pw" not in written and "guest" not in written

    store = TrackerStore.create(endpoints.tracker_store, DOMAIN)
    assert isinstance(store, CachingSQLTrackerStore) and store.shared
    assert store.engine.dialect.name == "postgresql"
    assert store.engine.url.database == postgres_url.rsplit("/", 1)[1]

    lock_store = LockStore.create(endpoints.lock_store)
    assert isinstance(lock_store, RedisURLLockStore)
    assert lock_store.red.connection_pool.connection_kwargs["db"] == 5

    async def servers() -> None:
        conversation = f"config-test-{uuid.uuid4().hex[:8]}"
        async with lock_store.lock(conversation):
            assert lock_store.get_lock(conversation) is not None  # held in Redis
        broker = await EventBroker.create(endpoints.event_broker)
        assert isinstance(broker, URLPikaEventBroker) and "guest:guest" not in broker.host
        connection = await aio_pika.connect_robust(SERVICES["RABBITMQ_URL"])
        try:
            channel = await connection.channel()
            declared = await channel.declare_queue(queue, durable=True)
            broker.publish({"sender_id": conversation, **SlotSet("region", "广州").as_dict()})
            message = None
            for _ in range(50):
                message = await declared.get(fail=False)
                if message is not None:
                    break
                await asyncio.sleep(0.1)
            assert message is not None
            assert json.loads(message.body)["sender_id"] == conversation
            await message.ack()
            await declared.delete(if_unused=False, if_empty=False)
        finally:
            await broker.close()
            await connection.close()

    asyncio.run(servers())


def test_passwords_are_redacted_for_logs() -> None:
    assert redacted("amqp://user:pw@mq:5672/vh") == "amqp://user:***@mq:5672/vh"
    assert redacted("amqp://mq:5672/") == "amqp://mq:5672/"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ("development", ["rasa", "actions", "console", "ready"]),
        ("", ["rasa", "actions", "console", "ready"]),
        ("production", ["rasa", "actions", "console", "ready", "analytics"]),
    ],
)
def test_only_production_starts_the_analytics_consumer(environment: str, expected: list) -> None:
    """The embedded default starts no broker (above) and no consumer of one."""
    procfile = (PROJECT_ROOT / "Procfile").read_text(encoding="utf-8")
    assert "analytics: .venv/bin/python -m analytics.consumer\n" in procfile
    env = {k: v for k, v in os.environ.items() if k != "CHANGAI_ENV"}
    if environment:
        env["CHANGAI_ENV"] = environment
    started = subprocess.run(
        ["bash", str(PROJECT_ROOT / "scripts" / "run.sh"), "--print-processes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert started.stdout.split() == expected
