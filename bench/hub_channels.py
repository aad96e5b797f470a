"""Benchmark: stream wake-ups over Redis, one channel for all conversations or one each.

On the local Redis (``REDIS_URL``, default redis://127.0.0.1:6379/0) under a throwaway key
prefix, N simulated instances each hold S open streams (one conversation each). Two layouts:

- one channel: the project's ``RedisHub`` (one subscription per instance, the conversation
  id in the payload; every instance receives every wake-up and keeps those it listens for);
- one channel per conversation: each instance subscribes to the channel of each stream it
  holds (a SUBSCRIBE per stream opened), and receives only its own.

For each: the time to subscribe every stream (what an instance also repeats after a Redis
reconnect), publish-to-wake latency of W wake-ups sent one at a time, and the time to drain
W wake-ups published at once. Writes docs/benchmarks.md.

    python -m bench.hub_channels [--instances 4] [--streams 500] [--wakeups 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid

import redis.asyncio

from bench.report import write_section
from changai.shared_redis import async_redis
from connectors.widget.redis_hub import RedisHub


class ChannelPerConversation:
    """The alternative layout, minimal: a subscription per stream, wake-ups on its channel."""

    def __init__(self, url: str, prefix: str) -> None:
        self.prefix = prefix
        self._redis: redis.asyncio.Redis = async_redis(url)
        self._pubsub = self._redis.pubsub()
        self._events: dict[str, asyncio.Event] = {}
        self._reader: asyncio.Task | None = None
        self.received = 0

    async def subscribe(self, conversation_id: str) -> asyncio.Event:
        event = self._events[conversation_id] = asyncio.Event()
        await self._pubsub.subscribe(f"{self.prefix}wake:{conversation_id}")
        if self._reader is None:
            self._reader = asyncio.create_task(self._read())
        return event

    async def _read(self) -> None:
        while True:
            message = await self._pubsub.get_message(timeout=1.0)
            if message is not None and message["type"] == "message":
                self.received += 1
                channel = message["channel"].decode()
                self._events[channel.removeprefix(f"{self.prefix}wake:")].set()

    async def notify(self, conversation_id: str) -> None:
        await self._redis.publish(f"{self.prefix}wake:{conversation_id}", b"")

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self._pubsub.reset()
        await self._redis.close()


async def measure(
    layout: str, url: str, instances: int, streams: int, wakeups: int
) -> dict[str, float]:
    prefix = f"changai-bench-{uuid.uuid4().hex[:8]}:"
    hubs: list[RedisHub | ChannelPerConversation]
    if layout == "one channel":
        hubs = [RedisHub(url, prefix) for _ in range(instances)]
    else:
        hubs = [ChannelPerConversation(url, prefix) for _ in range(instances)]
    publisher = (
        RedisHub(url, prefix) if layout == "one channel" else ChannelPerConversation(url, prefix)
    )
    events: dict[str, asyncio.Event] = {}
    started = time.perf_counter()
    for n, hub in enumerate(hubs):
        for s in range(streams):
            cid = f"conversation-{n}-{s}"
            if isinstance(hub, RedisHub):
                events[cid] = hub.subscribe(cid)
            else:
                events[cid] = await hub.subscribe(cid)
    for hub in hubs:
        if isinstance(hub, RedisHub):
            await asyncio.wait_for(hub.ready.wait(), 10)
    subscribe_seconds = time.perf_counter() - started
    await asyncio.sleep(0.2)
    for event in events.values():
        event.clear()
    conversations = list(events)
    random.seed(14)
    latencies = []
    for _ in range(wakeups):
        cid = random.choice(conversations)
        events[cid].clear()
        sent = time.perf_counter()
        await publisher.notify(cid)
        await asyncio.wait_for(events[cid].wait(), 5)
        latencies.append(time.perf_counter() - sent)
    chosen = random.sample(conversations, min(wakeups, len(conversations)))
    for cid in chosen:
        events[cid].clear()
    sent = time.perf_counter()
    await asyncio.gather(*(publisher.notify(cid) for cid in chosen))
    await asyncio.wait_for(asyncio.gather(*(events[cid].wait() for cid in chosen)), 30)
    drain_seconds = time.perf_counter() - sent
    deliveries = sum(
        hub.wakes_received if isinstance(hub, RedisHub) else hub.received for hub in hubs
    )
    for hub in [*hubs, publisher]:
        await hub.close()
    latencies.sort()
    return {
        "subscribe": subscribe_seconds,
        "p50": statistics.median(latencies),
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)],
        "drain": drain_seconds,
        "burst": len(chosen),
        "deliveries_per_wakeup": deliveries / (wakeups + len(chosen)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=4)
    parser.add_argument("--streams", type=int, default=500, help="open streams per instance")
    parser.add_argument("--wakeups", type=int, default=1000)
    args = parser.parse_args()
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    results = {
        layout: asyncio.run(measure(layout, url, args.instances, args.streams, args.wakeups))
        for layout in ("one channel", "channel per conversation")
    }
    ms = lambda seconds: f"{seconds * 1000:.1f} ms"  # noqa: E731
    rows = "".join(
        f"| {layout} | {ms(r['subscribe'])} | {ms(r['p50'])} | {ms(r['p95'])} "
        f"| {ms(r['drain'])} | {r['deliveries_per_wakeup']:.2f} |\n"
        for layout, r in results.items()
    )
    body = (
        f"`python -m bench.hub_channels --instances {args.instances} --streams {args.streams} "
        f"--wakeups {args.wakeups}`: local Redis, {args.instances} instances with "
        f"{args.streams} open streams each, all in one process. *Subscribe all*: until every "
        "stream can be woken (also what an instance repeats after a Redis reconnect); "
        f"*p50/p95*: publish to wake, {args.wakeups} wake-ups one at a time; *burst*: "
        f"{results['one channel']['burst']:.0f} wake-ups published at once until all are "
        "woken; *deliveries*: messages Redis sends to instances per wake-up.\n\n"
        "| layout | subscribe all | p50 | p95 | burst | deliveries |\n"
        "| --- | --- | --- | --- | --- | --- |\n" + rows
    )
    write_section("Stream wake-ups over Redis: one channel or one per conversation", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
