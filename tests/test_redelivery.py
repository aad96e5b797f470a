"""A widget-channel instance that dies leaves no worker message unanswered
(connectors/widget/redelivery.py): another instance takes it over, exactly once."""

from __future__ import annotations

import asyncio

from changai.db import make_engine, make_session_factory
from changai.settings import Settings
from connectors.widget import redelivery, store
from connectors.widget.redelivery import InProcess, RedisRedelivery, make_redelivery
from tests.conftest import RedisSpace


def test_without_redis_nothing_is_recorded() -> None:
    assert type(make_redelivery(Settings(env="test"))) is InProcess
    made = make_redelivery(Settings(env="test", redis_url="redis://127.0.0.1:6379/0"))
    assert isinstance(made, RedisRedelivery)


def test_a_dead_instances_message_is_taken_over_once(redis_space: RedisSpace) -> None:
    async def go() -> None:
        dead, first, second = (RedisRedelivery(redis_space.url, redis_space.prefix) for _ in "abc")
        taken: list[tuple[str, int]] = []

        def by(who: str):
            async def redeliver(message_id: int) -> None:
                taken.append((who, message_id))

            return redeliver

        try:
            for instance in (dead, first, second):
                await instance._redis.set(instance.alive_prefix + instance.instance, "1", ex=60)
            await dead.accepted(11)
            await dead.accepted(12)
            await first.accepted(13)
            await dead.done(12)  # finished before it died
            # while its heartbeat lives, nothing is taken
            assert await first.sweep(by("first")) == 0
            await dead._redis.delete(dead.alive_prefix + dead.instance)  # SIGKILL: no more beats
            counts = await asyncio.gather(first.sweep(by("first")), second.sweep(by("second")))
            await asyncio.sleep(0.05)
            assert sorted(counts) == [0, 1]
            assert [message for _, message in taken] == [11]
            winner = taken[0][0]
            owner = await first._redis.hget(first.inflight, "11")
            assert owner.decode() == {"first": first, "second": second}[winner].instance
            assert (await first._redis.hget(first.inflight, "13")).decode() == first.instance
            assert await first.sweep(by("first")) == 0  # a live owner's message stays its own
        finally:
            for instance in (dead, first, second):
                await instance.close()

    asyncio.run(go())


def test_only_an_unanswered_worker_message_is_handed_over_again(database_url: str) -> None:
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        cid = store.new_conversation(session=session).id
        asked, _ = store.add_message(
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
            client_id="b",
        )
        asked_id, button_id = asked.id, button.id
    with sessions.begin() as session:
        assert store.unanswered_worker_message(session=session, message_id=asked_id) == (
            cid,
            "宿舍",
            "a",
        )
        assert store.unanswered_worker_message(session=session, message_id=button_id) == (
            cid,
            "/request_human",
            "b",
        )
        reply, _ = store.add_message(
            session=session, conversation_id=cid, sender="bot", payload={"text": "您好"}
        )
        assert store.unanswered_worker_message(session=session, message_id=button_id) is None
        assert store.unanswered_worker_message(session=session, message_id=reply.id) is None
        assert store.unanswered_worker_message(session=session, message_id=10**6) is None
    engine.dispose()


def test_the_sweep_timing_lets_a_live_instance_beat_twice_before_it_counts_as_dead() -> None:
    assert redelivery.ALIVE_SECONDS >= 2 * redelivery.HEARTBEAT_SECONDS + 1
