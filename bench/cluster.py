"""Throughput and latency through HAProxy with 1 and with 2 instances of each process, and
the capacity model worked from them: ``python -m bench.cluster`` -> docs/scaling.md.

For each size the cluster of tests/support/cluster.py (N Rasa servers, N action servers,
N consoles behind HAProxy, on a throwaway PostgreSQL database, Redis key prefix and
RabbitMQ queue) is started; ``CONCURRENCY`` workers, each from a loopback address of its
own, open a conversation through the console's /api/widget with its SSE stream and send one
warm-up message; then each sends ``MESSAGES`` messages in a closed loop (the next once the
reply is on the stream). Latency is from the POST to the reply's arrival on the stream.
Around the measured phase it reads: the CPU time of every process (``/proc``, with their
children) and of the PostgreSQL backends serving the run's database, Redis's command count,
the database's size and the broker queue's depth; after it, each process's memory (VmRSS)
and how many PostgreSQL connections each holds. The capacity table divides these per
message. Only 127.0.0.1 is sent traffic; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import os
import platform
import re
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aio_pika
import aiohttp
import redis
from sqlalchemy import create_engine, text

from bench.proc_stats import group_cpu_seconds, pid_cpu_seconds, postgres_connections, rss_mib
from bench.rest_latency import CYCLE, percentile
from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from knowledge.seed_loader import load_seed
from rasa_project.training import model_path
from tests.support.cluster import Cluster
from tests.support.postgres import database_url, throwaway_database
from tests.support.resilient_worker import ResumingStream, send, start_conversation

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "scaling.md"
RAW = ROOT / "var" / "bench" / "cluster.json"
BEGIN, END = "<!-- bench/cluster.py: begin -->", "<!-- bench/cluster.py: end -->"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
CONCURRENCY = 20
MESSAGES = 10
REPLY_SECONDS = 60.0
RUN_SECONDS = 300.0
CORES = os.cpu_count() or 1
# Today's load, an assumption until the analytics (RabbitMQ consumer) count it: one
# federation's pilot, ~3,000 worker messages a day, 15% of them in the busiest hour.
TODAY_PER_DAY = 3000
PEAK_HOUR_SHARE = 0.15
TARGET_UTILISATION = 0.6  # plan cores for 60% busy at the peak
RETENTION_DAYS = 365
# Open pages: a conversation of ~5 messages keeps its page (one SSE stream through a console
# to a Rasa server) open ~10 minutes; each stream reads the database once a second
# (connectors/widget/event_stream.py POLL_SECONDS) besides its Redis wake-ups; a console takes at
# most 2,000 streams (connectors/console/views/widget_proxy.py STREAMS_TOTAL).
MESSAGES_PER_CONVERSATION = 5
PAGE_OPEN_SECONDS = 600
STREAMS_PER_CONSOLE = 2000
# The consoles hold no connection while only workers talk (the benchmark); the desk and the
# admin use SQLAlchemy's pool, which keeps 5 open once used (changai.db.make_engine).
CONSOLE_POOL = 5


@dataclass
class Sample:
    cpu: dict[str, float]  # seconds, per process (with its children)
    postgres_cpu: float
    redis_commands: int
    database_bytes: int
    events_rows: int
    queue_depth: int  # the run's broker queue; the analytics consumer keeps it near 0


@dataclass
class Result:
    instances: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0
    before: Sample | None = None
    after: Sample | None = None
    memory: dict[str, float] = field(default_factory=dict)  # MiB
    connections: dict[str, int] = field(default_factory=dict)

    @property
    def messages(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.messages / self.wall if self.wall else 0.0

    def per_message(self) -> dict[str, float]:
        assert self.before and self.after and self.messages
        n = self.messages
        cpu = {
            kind: sum(
                self.after.cpu[p] - self.before.cpu[p] for p in self.after.cpu if _kind(p) == kind
            )
            / n
            for kind in ("rasa", "actions", "console", "haproxy")
        }
        return {
            **{f"cpu_{kind}": value for kind, value in cpu.items()},
            "cpu_postgres": (self.after.postgres_cpu - self.before.postgres_cpu) / n,
            "redis_commands": (self.after.redis_commands - self.before.redis_commands) / n,
            "database_bytes": (self.after.database_bytes - self.before.database_bytes) / n,
            "events_rows": (self.after.events_rows - self.before.events_rows) / n,
            # each stored event is published once (tests/test_tracker_broker.py); the queue's
            # depth says nothing while the analytics consumer empties it
            "broker_messages": (self.after.events_rows - self.before.events_rows) / n,
        }


def _kind(process: str) -> str:
    return re.sub(r"\d+$", "", process)


def sample(cluster: Cluster, database: str) -> Sample:
    cpu = {
        name: group_cpu_seconds(process.popen.pid)
        for name, process in cluster.processes.items()
        if process.popen is not None
    }
    engine = create_engine(database_url(database))
    try:
        with engine.connect() as connection:
            pids = [
                row[0]
                for row in connection.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": database}
                )
            ]
            size = connection.execute(text("SELECT pg_database_size(:d)"), {"d": database})
            database_bytes = int(size.scalar() or 0)
            rows = int(connection.execute(text("SELECT count(*) FROM events")).scalar() or 0)
    finally:
        engine.dispose()
    client = redis.Redis.from_url(REDIS_URL)
    try:
        commands = int(client.info("stats")["total_commands_processed"])
    finally:
        client.close()
    return Sample(
        cpu,
        sum(pid_cpu_seconds(pid) for pid in pids),
        commands,
        database_bytes,
        rows,
        asyncio.run(queue_depth(cluster.queue)),
    )


async def queue_depth(queue: str) -> int:
    connection = await aio_pika.connect(RABBITMQ_URL, timeout=5)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)
    except aio_pika.exceptions.ChannelClosed:
        return 0
    finally:
        await connection.close()


async def drive(cluster: Cluster, result: Result, database: str) -> None:
    base = cluster.public_url

    async def worker(n: int, go: asyncio.Event) -> None:
        connector = aiohttp.TCPConnector(local_addr=(f"127.0.3.{n + 1}", 0))
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=REPLY_SECONDS)
        ) as http:
            cid = await start_conversation(http, base)
            stream = ResumingStream(http, base, cid)
            stream.start()
            try:
                sent, _ = await send(http, base, cid, CYCLE[n % len(CYCLE)], f"warm-{n}")
                await stream.wait_for(lambda e: e["id"] > sent and e["sender"] != "worker", 120)
                warmed.append(n)
                await go.wait()
                for turn in range(MESSAGES):
                    started = time.perf_counter()
                    try:
                        text_ = CYCLE[(n + turn + 1) % len(CYCLE)]
                        sent, _ = await send(http, base, cid, text_, f"m-{n}-{turn}")
                        await stream.wait_for(
                            lambda e, s=sent: e["id"] > s and e["sender"] != "worker",
                            REPLY_SECONDS,
                        )
                        result.latencies.append(time.perf_counter() - started)
                    except (TimeoutError, AssertionError, aiohttp.ClientError):
                        result.errors += 1
            finally:
                await stream.close()

    warmed: list[int] = []
    go = asyncio.Event()
    tasks = [asyncio.create_task(worker(n, go)) for n in range(CONCURRENCY)]
    deadline = time.monotonic() + 180
    while len(warmed) < CONCURRENCY:
        if time.monotonic() > deadline or any(t.done() for t in tasks):
            for task in tasks:
                task.cancel()
            raise RuntimeError(f"only {len(warmed)} workers warmed up")
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # the warm-up's broker events and writes settle
    result.before = await asyncio.to_thread(sample, cluster, database)
    started = time.perf_counter()
    go.set()
    await asyncio.wait_for(asyncio.gather(*tasks), RUN_SECONDS)
    result.wall = time.perf_counter() - started
    await asyncio.sleep(1.0)
    result.after = await asyncio.to_thread(sample, cluster, database)


def measure(instances: int, model: Path, workdir: Path) -> Result:
    result = Result(instances)
    with throwaway_database("changai_bench") as url:
        database = url.rsplit("/", 1)[1]
        upgrade(url)
        engine = make_engine(url)
        with make_session_factory(engine).begin() as session:
            load_seed(session=session)
        engine.dispose()
        prefix = f"changai-bench-{uuid.uuid4().hex[:12]}:"
        workdir.mkdir(parents=True, exist_ok=True)
        cluster = Cluster(workdir, url, REDIS_URL, prefix, RABBITMQ_URL, model, instances)
        try:
            with cluster:
                asyncio.run(drive(cluster, result, database))
                for name, process in cluster.processes.items():
                    assert process.popen is not None
                    result.memory[name] = rss_mib(process.popen.pid)
                    result.connections[name] = postgres_connections(process.popen.pid)
        finally:
            client = redis.Redis.from_url(REDIS_URL)
            stale = list(client.scan_iter(match=prefix + "*", count=1000))
            if stale:
                client.delete(*stale)
            client.close()
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def machine() -> str:
    free = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.split("\n")[1]
    load = os.getloadavg()
    return (
        f"{platform.machine()}, `nproc` {CORES}, `free -g` total {free.split()[1]} GiB, "
        f"`uptime` load average at the start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        "(the machine is shared with other engineers' work), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def capacity(results: list[Result]) -> list[str]:
    """The capacity table, from the 2-instance run's per-message costs."""
    cost = results[-1].per_message()
    memory = results[-1].memory
    connections = results[-1].connections
    app_cpu = sum(cost[f"cpu_{k}"] for k in ("rasa", "actions", "console", "haproxy"))
    peak_today = TODAY_PER_DAY * PEAK_HOUR_SHARE / 3600
    lines = [
        "| load | peak msg/s | open streams | Rasa | action servers | consoles | app cores "
        "| app memory | PostgreSQL cores (messages) | stream reads/s | PG connections "
        "| database after a year | Redis commands/s | RabbitMQ events/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for factor in (1, 10, 100, 1000):
        peak = peak_today * factor

        # one Python process uses at most one core; two at least of each, for failover
        counts = {
            kind: max(2, math.ceil(peak * cost[f"cpu_{kind}"] / TARGET_UTILISATION))
            for kind in ("rasa", "actions", "console")
        }
        streams = math.ceil(peak / MESSAGES_PER_CONVERSATION * PAGE_OPEN_SECONDS)
        counts["console"] = max(counts["console"], math.ceil(streams / STREAMS_PER_CONSOLE))
        cores = peak * app_cpu / TARGET_UTILISATION
        mem = sum(
            counts[kind] * _mean([v for k, v in memory.items() if _kind(k) == kind])
            for kind in counts
        )
        held = {kind: max(v for k, v in connections.items() if _kind(k) == kind) for kind in counts}
        held["console"] = max(held["console"], CONSOLE_POOL)
        pg_connections = sum(counts[kind] * held[kind] for kind in counts) + 2  # + analytics
        pg_cores = peak * cost["cpu_postgres"] / TARGET_UTILISATION
        size_gib = TODAY_PER_DAY * factor * RETENTION_DAYS * cost["database_bytes"] / 2**30
        lines.append(
            f"| {factor:,}x | {peak:,.2f} | {streams:,} | {counts['rasa']} | {counts['actions']} "
            f"| {counts['console']} | {max(cores, 0.01):,.2f} | {mem / 1024:,.1f} GiB "
            f"| {max(pg_cores, 0.01):,.2f} | {streams:,} | {pg_connections} | {size_gib:,.1f} GiB "
            f"| {peak * cost['redis_commands']:,.0f} | {peak * cost['broker_messages']:,.0f} |"
        )
    return lines


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def render(results: list[Result], model: Path, header: str) -> str:
    lines = [
        f"`python -m bench.cluster` on {header}; model `{model.name}`. "
        f"{CONCURRENCY} workers at once through HAProxy and the console's /api/widget "
        f"(SSE), each sending {MESSAGES} messages in a closed loop after one warm-up message.",
        "",
        "| instances of each | messages | errors | p50 | p95 | throughput "
        "| bound by the cores (2 / CPU per message) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        cost = r.per_message()
        app = sum(cost[f"cpu_{k}"] for k in ("rasa", "actions", "console", "haproxy"))
        everything = app + cost["cpu_postgres"]
        lines.append(
            f"| {r.instances} | {r.messages} | {r.errors} | {ms(percentile(r.latencies, 0.5))} "
            f"| {ms(percentile(r.latencies, 0.95))} | {r.throughput:.1f} msg/s "
            f"| {CORES / everything:.1f} msg/s |"
        )
    lines += [
        "",
        "| per worker message (2 instances of each) | measured |",
        "| --- | --- |",
    ]
    cost = results[-1].per_message()
    for key, label, unit in (
        ("cpu_rasa", "CPU, Rasa servers", "ms"),
        ("cpu_actions", "CPU, action servers", "ms"),
        ("cpu_console", "CPU, consoles", "ms"),
        ("cpu_haproxy", "CPU, HAProxy", "ms"),
        ("cpu_postgres", "CPU, PostgreSQL backends of the run's database", "ms"),
        ("database_bytes", "database growth", "bytes"),
        ("events_rows", "rows in Rasa's `events` table", "rows"),
        ("redis_commands", "Redis commands (the whole server: other users included)", ""),
        ("broker_messages", "RabbitMQ events published (one per stored event)", ""),
    ):
        value = cost[key] * 1000 if unit == "ms" else cost[key]
        lines.append(f"| {label} | {value:,.1f} {unit} |")
    lines += ["", "| process | memory (VmRSS) | PostgreSQL connections |", "| --- | --- | --- |"]
    for r in results:
        for name in r.memory:
            lines.append(
                f"| {r.instances} of each: {name} | {r.memory[name]:,.0f} MiB "
                f"| {r.connections[name]} |"
            )
    lines += [
        "",
        f"Capacity, from the per-message costs above (today: {TODAY_PER_DAY:,} messages a "
        f"day, {PEAK_HOUR_SHARE:.0%} in the busiest hour; cores planned at "
        f"{TARGET_UTILISATION:.0%} busy; at least two of each for failover; a year of "
        f"data kept; a conversation of {MESSAGES_PER_CONVERSATION} messages keeps its page open "
        f"{PAGE_OPEN_SECONDS // 60} minutes, each open stream reads the database once a second, "
        f"a console holds at most {STREAMS_PER_CONSOLE:,} streams; PostgreSQL connections as "
        f"measured per process, {CONSOLE_POOL} per console for the desk's pool, and two "
        "analytics consumers):",
        "",
        *capacity(results),
    ]
    return "\n".join(lines)


def write(body: str) -> None:
    current = REPORT.read_text(encoding="utf-8")
    if BEGIN not in current or END not in current:
        raise SystemExit(f"{REPORT} lacks the markers {BEGIN} … {END}")
    head, rest = current.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    REPORT.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}", encoding="utf-8")


def save(results: list[Result], model: Path, header: str) -> None:
    RAW.parent.mkdir(parents=True, exist_ok=True)
    raw = {
        "model": model.name,
        "header": header,
        "results": [dataclasses.asdict(r) for r in results],
    }
    RAW.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")


def load() -> tuple[list[Result], Path, str]:
    raw = json.loads(RAW.read_text(encoding="utf-8"))
    results = []
    for item in raw["results"]:
        before, after = (Sample(**item.pop(k)) for k in ("before", "after"))
        results.append(Result(**item, before=before, after=after))
    return results, Path(raw["model"]), raw["header"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the doc")
    parser.add_argument(
        "--from-raw", action="store_true", help=f"re-render from {RAW} without measuring"
    )
    args = parser.parse_args(argv)
    if args.from_raw:
        results, model, header = load()
    else:
        model = model_path(ROOT / "models")
        if not model.exists():
            raise SystemExit(f"no trained model at {model} (make train)")
        header = machine()
        workdir = ROOT / "var" / "bench" / "cluster"
        results = [measure(n, model, workdir / str(n)) for n in (1, 2)]
        save(results, model, header)
    body = render(results, model, header)
    print(body)
    if not args.dry_run:
        write(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
