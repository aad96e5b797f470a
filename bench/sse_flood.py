"""Benchmark: a worker's message goes through quickly while 500 event streams are open.

Starts the real Rasa server, action server and console on loopback, the console told that
127.0.0.1 is its reverse proxy (``TRUSTED_PROXIES``) so that each simulated worker has an
address of its own (``X-Forwarded-For``), as behind a real proxy. Times 30 message POSTs
through the console's widget proxy with no streams open, then opens N streams (one per
conversation, default 500) and times 30 more. Writes p50 and p95 of both to
docs/benchmarks.md and exits non-zero if the p95 with streams is 1 s or more.

    python -m bench.sse_flood [--streams 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.report import write_section
from rasa_project.training import model_path
from tests.servers import ROOT, running_stack, seeded_database

MESSAGES = 30


def address(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


async def start(http: aiohttp.ClientSession, console: str, n: int) -> str:
    async with http.post(f"{console}/api/widget/conversations", headers=address(n)) as answer:
        return str((await answer.json())["conversation_id"])


async def timed_messages(http: aiohttp.ClientSession, console: str, cid: str) -> list[float]:
    took = []
    for n in range(MESSAGES):
        started = time.perf_counter()
        async with http.post(
            f"{console}/api/widget/conversations/{cid}/messages",
            json={"text": f"宿舍怎么申请 {n}", "client_id": f"b{n}-{time.time_ns()}"},
            headers=address(1),
        ) as answer:
            await answer.read()
            assert answer.status == 202, answer.status
        took.append(time.perf_counter() - started)
        await asyncio.sleep(0.2)
    return took


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


async def run(console: str, streams: int) -> tuple[list[float], list[float], int]:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=None, sock_read=60)
    ) as http:
        cid = await start(http, console, 1)
        quiet = await timed_messages(http, console, cid)
        cids = await asyncio.gather(*(start(http, console, 1000 + n) for n in range(streams)))
        opened = await asyncio.gather(
            *(
                http.get(
                    f"{console}/api/widget/conversations/{c}/events",
                    headers=address(1000 + n),
                )
                for n, c in enumerate(cids)
            )
        )
        accepted = sum(1 for response in opened if response.status == 200)
        try:
            flooded = await timed_messages(http, console, cid)
        finally:
            for response in opened:
                response.close()
    return quiet, flooded, accepted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=500)
    args = parser.parse_args()
    os.environ["TRUSTED_PROXIES"] = "127.0.0.1"
    with tempfile.TemporaryDirectory() as tmp:
        url = seeded_database(Path(tmp))
        with running_stack(model_path(ROOT / "models"), url, Path(tmp)) as stack:
            quiet, flooded, accepted = asyncio.run(run(stack.console_url, args.streams))
    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731
    body = (
        f"{MESSAGES} message POSTs through the console's widget proxy, one every 0.2 s "
        f"(`python -m bench.sse_flood --streams {args.streams}`):\n\n"
        "| open streams | p50 | p95 |\n| --- | --- | --- |\n"
        f"| 0 | {ms(statistics.median(quiet))} | {ms(p95(quiet))} |\n"
        f"| {accepted} of {args.streams} | {ms(statistics.median(flooded))} "
        f"| {ms(p95(flooded))} |\n"
    )
    write_section("SSE flood: a message while streams are open", body)
    print(body)
    return 0 if p95(flooded) < 1.0 and accepted == args.streams else 1


if __name__ == "__main__":
    sys.exit(main())
