"""#15: the Rasa and action servers freeze what they load at start out of full collections.

A full collection in the Rasa process walked every object of the loaded model (200-300 ms
with the event loop stopped, every conversation waiting); frozen objects are not walked.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
from sanic import Sanic

from changai.gc_freeze import freeze_loaded_objects
from changai.settings import Settings
from rasa_project import action_server, rasa_server
from tests.servers import free_port
from tests.support.sanic_servers import start_sanic


class Loaded:
    """Stands for an object a server keeps from its start."""


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def oldest_generation_holds(thing: object) -> bool:
    return any(o is thing for o in gc.get_objects(generation=2))


def test_freezing_takes_loaded_objects_out_of_the_oldest_generation(unfrozen: None) -> None:
    loaded = Loaded()
    gc.collect()
    assert oldest_generation_holds(loaded)
    frozen = freeze_loaded_objects()
    assert frozen == gc.get_freeze_count() > 0
    assert not oldest_generation_holds(loaded)
    later = Loaded()
    gc.collect()
    assert oldest_generation_holds(later)  # what comes after is collected as before


def test_the_rasa_server_freezes_once_the_model_is_loaded(
    unfrozen: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rasa.core.run as rasa_run

    seen: dict[str, Any] = {}

    async def load_agent_on_start(*args: Any) -> str:
        seen["args"] = args
        seen["frozen while loading"] = gc.get_freeze_count()
        return "agent"

    monkeypatch.setattr(rasa_run, "load_agent_on_start", load_agent_on_start)
    rasa_server.freeze_after_model_load()
    assert rasa_run.load_agent_on_start is not load_agent_on_start

    agent = asyncio.run(rasa_run.load_agent_on_start("model.tar.gz", None, None, "app", "loop"))

    assert agent == "agent"
    assert seen["args"] == ("model.tar.gz", None, None, "app", "loop")
    assert seen["frozen while loading"] == 0
    assert gc.get_freeze_count() > 0


def test_the_action_server_builds_the_index_then_freezes_once_started(unfrozen: None) -> None:
    built: list[int] = []

    def warm() -> None:
        built.append(gc.get_freeze_count())

    was, Sanic.test_mode = Sanic.test_mode, True  # rasa_sdk names every app "rasa_sdk"
    try:
        app = action_server.create_app(Settings(env="test", action_token="t"), warm=warm)
    finally:
        Sanic.test_mode = was

    async def go() -> tuple[int, int]:
        server = await start_sanic(app, free_port())
        try:
            before = gc.get_freeze_count()
            await server.after_start()
            return before, gc.get_freeze_count()
        finally:
            await server.close()

    before, after = asyncio.run(go())
    assert before == 0
    assert built == [0]  # the index is built first, so it is frozen too
    assert after > 0


def test_a_failed_warm_up_still_starts_and_freezes(unfrozen: None) -> None:
    def warm() -> None:
        raise RuntimeError("no database")

    was, Sanic.test_mode = Sanic.test_mode, True
    try:
        app = action_server.create_app(Settings(env="test", action_token="t"), warm=warm)
    finally:
        Sanic.test_mode = was

    async def go() -> int:
        server = await start_sanic(app, free_port())
        try:
            await server.after_start()
            return gc.get_freeze_count()
        finally:
            await server.close()

    assert asyncio.run(go()) > 0


def test_the_warm_up_builds_the_live_index(service: Any) -> None:
    from knowledge.service import set_service

    set_service(service)
    try:
        assert len(service.index.cache) == 0
        action_server.warm_knowledge_index()
        assert len(service.index.cache) > 0  # texts analysed: the index is built
    finally:
        set_service(None)
