"""Shared fixtures: a migrated, seeded throwaway SQLite database and the knowledge service."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from changai.settings import Settings
from knowledge import service as knowledge_service
from knowledge.analysis import default_analyzer
from knowledge.lexicon import load_lexicon
from knowledge.seed_loader import load_seed
from tests.support.postgres import PostgresUnavailable, throwaway_database

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def lexicon():
    return load_lexicon()


@pytest.fixture(scope="session")
def analyzer():
    return default_analyzer()


@pytest.fixture()
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture()
def session_factory(database_url: str):
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        load_seed(session=session)
    yield factory
    engine.dispose()


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture()
def service(session_factory, database_url, clock) -> Iterator[knowledge_service.KnowledgeService]:
    settings = Settings(env="test", database_url=database_url, index_refresh_seconds=1.0)
    svc = knowledge_service.KnowledgeService(settings, session_factory)
    svc.index._clock = clock  # deterministic refresh in tests
    svc.index._today = lambda: dt.date(2026, 11, 21)
    knowledge_service.set_service(svc)
    yield svc
    knowledge_service.set_service(None)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real Rasa server and action server on loopback, with a throwaway database."""
    from tests.servers import running_stack, seeded_database
    from tests.support.training import trained_model

    model = trained_model()
    workdir = tmp_path_factory.mktemp("stack")
    url = seeded_database(workdir)
    with running_stack(model, url, workdir) as running:
        yield running


@pytest.fixture()
def postgres_url() -> Iterator[str]:
    """A throwaway database, created for this test and dropped afterwards."""
    try:
        with throwaway_database("changai_test") as url:
            yield url
    except PostgresUnavailable as unavailable:
        pytest.fail(str(unavailable))


@dataclass(frozen=True)
class RedisSpace:
    """The local Redis with a throwaway key prefix for one test."""

    url: str
    prefix: str

    def keys(self) -> list[bytes]:
        client = redis.Redis.from_url(self.url)
        try:
            return list(client.scan_iter(match=self.prefix + "*", count=1000))
        finally:
            client.close()


@pytest.fixture()
def redis_space() -> Iterator[RedisSpace]:
    """A key prefix of its own on the local Redis; its keys are deleted afterwards.

    Skipped, saying why, when Redis is unreachable, except in CI (``CI`` set), where the
    service is part of the job and its absence is a failure."""
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        reason = f"Redis is required for this test ({REDIS_TEST_URL}): {exc}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    space = RedisSpace(REDIS_TEST_URL, f"changai-test-{uuid.uuid4().hex[:12]}:")
    try:
        yield space
    finally:
        stale = space.keys()
        if stale:
            client.delete(*stale)
        client.close()


@pytest.fixture()
def broker() -> Iterator[object]:
    """A throwaway exchange and queue names on the local RabbitMQ (skipped if unreachable)."""
    from tests.support.rabbitmq import throwaway_broker, unreachable

    reason = unreachable()
    if reason:
        pytest.skip(reason)
    yield from throwaway_broker()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is required: `make test` installs it (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def context(browser):
    from tests.support.browser import PHONE

    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN")
    yield ctx
    ctx.close()
