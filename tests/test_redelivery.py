"""A widget-channel instance that dies leaves no worker message unanswered
(connectors/widget/redelivery.py): another instance takes it over, exactly once."""

from __future__ import annotations

import asyncio

import pytest

from changai.db import make_engine, make_session_factory
from changai.settings import Settings
from connectors.widget import redelivery, store
from connectors.widget.redelivery import (
    InProcess,
    RedisRedelivery,
    entry_for,
    make_redelivery,
    parse_entry,
)
from tests.conftest import RedisSpace


def test_without_redis_nothing_is_recorded() -> None:
    assert type(make_redelivery(Settings(env="test"))) is InProcess
    made = make_redelivery(Settings(env="test", redis_url="redis://127.0.0.1:6379/0"))
    assert isinstance(made, RedisRedelivery)


def test_a_dead_instances_message_is_taken_over_once(redis_space: RedisSpace) -> None:
    async def go() -> None:
        dead, first, second = (RedisRedelivery(redis_space.url, redis_space.prefix) for _ in "abc")
        taken: list[tuple[str, str]] = []

        def by(who: str):
            async def redeliver(entry: str) -> None:
                taken.append((who, entry))

            return redeliver

        try:
            for instance in (dead, first, second):
                await instance._redis.set(instance.alive_prefix + instance.instance, "1", ex=60)
            assert await dead.begin("c/c/11") is True
            assert await first.begin("c/c/11") is False  # a repeat: recorded once
            await dead.own("c/m/12")
            await first.own("c/c/13")
            await dead.done("c/m/12")  # finished before it died
            # while its heartbeat lives, nothing is taken
            assert await first.sweep(by("first")) == 0
            await dead._redis.delete(dead.alive_prefix + dead.instance)  # SIGKILL: no more beats
            counts = await asyncio.gather(first.sweep(by("first")), second.sweep(by("second")))
            await asyncio.sleep(0.05)
            assert sorted(counts) == [0, 1]
            assert [entry for _, entry in taken] == ["c/c/11"]
            winner = taken[0][0]
            owner = await first._redis.hget(first.inflight, "c/c/11")
            assert owner.decode() == {"first": first, "second": second}[winner].instance
            assert (await first._redis.hget(first.inflight, "c/c/13")).decode() == first.instance
            assert await first.sweep(by("first")) == 0  # a live owner's message stays its own
        finally:
            for instance in (dead, first, second):
                await instance.close()

    asyncio.run(go())


def test_entries_name_a_message_by_client_id_or_else_by_id() -> None:
    assert parse_entry(entry_for("cid", "w1-1")) == ("cid", "w1-1", None)
    assert parse_entry(entry_for("cid", message_id=42)) == ("cid", None, 42)
    for malformed in ("cid", "cid/x/1", "cid/m/abc", "cid/c/"):
        with pytest.raises(ValueError):
            parse_entry(malformed)


def test_a_stored_worker_message_is_found_with_whether_it_was_answered(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        cid = store.new_conversation(session=session).id
        store.add_message(
            session=session,
            conversation_id=cid,
            sender="worker",
            payload={"text": "宿舍"},
            client_id="a",
        )
        button, _ = store.add_message(
            session=session,
            conversation_id=cid,
            sender="worker",
            payload={"text": "转人工", "payload": "/request_human"},
        )
        button_id = button.id

    def found(**by: object) -> tuple[str, bool] | None:
        with sessions.begin() as session:
            return store.worker_message(session=session, conversation_id=cid, **by)  # type: ignore[arg-type]

    assert found(client_id="a") == ("宿舍", False)
    assert found(message_id=button_id) == ("/request_human", False)
    assert found(client_id="never-stored") is None
    assert found(message_id=10**6) is None
    with sessions.begin() as session:
        store.add_message(
            session=session, conversation_id=cid, sender="bot", payload={"text": "您好"}
        )
    assert found(client_id="a") == ("宿舍", True)
    assert found(message_id=button_id) == ("/request_human", True)
    engine.dispose()


def test_the_sweep_timing_lets_a_live_instance_beat_twice_before_it_counts_as_dead() -> None:
    assert redelivery.ALIVE_SECONDS >= 2 * redelivery.HEARTBEAT_SECONDS + 1


class FakeBroker:
    """Rasa 3.6's ``PikaEventBroker`` as far as the take-over uses it."""

    def __init__(self) -> None:
        self.sent: list[dict] = []
        self._background_tasks: set[asyncio.Task] = set()

    def publish(self, event: dict) -> None:
        async def send() -> None:
            await asyncio.sleep(0.05)
            self.sent.append(event)

        task = asyncio.get_running_loop().create_task(send())
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)


def test_a_taken_over_answered_turn_is_published_again_and_flushed() -> None:
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [UserUttered("宿舍怎么申请", timestamp=1.0), BotUttered("您好", timestamp=2.0)]

    class Store:
        event_broker = FakeBroker()

        async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
            return DialogueStateTracker.from_events(sender_id, events) if sender_id == "c" else None

    async def go() -> None:
        store_ = Store()
        assert await redelivery.republish(store_, "c") == 2
        # flushed before it returns: both sent, as Rasa's tracker store publishes them
        assert store_.event_broker.sent == [{"sender_id": "c", **e.as_dict()} for e in events]
        assert await redelivery.republish(store_, "unknown") == 0
        await redelivery.flush(None)  # no broker: nothing to wait for

    asyncio.run(go())
