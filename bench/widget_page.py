"""Benchmark: the worker page's transfer size, and send-to-first-answer-painted time.

Starts the real Rasa server, action server and console on loopback, drives Debian's
Chromium at 375 px, and over 20 questions measures the time from pressing Enter to
the answer bubble being painted (next animation frame after it appears).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.report import write_section
from rasa_project.training import model_path
from tests.servers import ROOT, running_stack, seeded_database

RUNS = 20
QUESTIONS = [
    "技能提升补贴怎么申请",
    "宿舍怎么申请",
    "特级技师是什么待遇",
    "困难职工怎么认定",
    "考了高级工证能补多少",
]
ASSETS = ["/", "/static/widget.js", "/static/widget.css"]
MEASURE = """async (text) => {
  const before = document.querySelectorAll('.cg-row:not(.cg-mine):not(.cg-typing)').length;
  const input = document.querySelector('#cg-input');
  input.value = text;
  const start = performance.now();
  input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
  await new Promise((resolve) => {
    const check = () => {
      const rows = document.querySelectorAll('.cg-row:not(.cg-mine):not(.cg-typing)');
      if (rows.length > before) requestAnimationFrame(() => resolve());
      else requestAnimationFrame(check);
    };
    check();
  });
  return performance.now() - start;
}"""


def transfer_sizes(console_url: str) -> dict[str, int]:
    sizes = {}
    for asset in ASSETS:
        with urllib.request.urlopen(console_url + asset, timeout=10) as response:
            sizes[asset] = len(response.read())
    return sizes


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.support.browser import (
        CHROMIUM,
        CHROMIUM_ARGS,
        GREETING,
        PHONE,
        conversation_id,
        push_staff,
    )

    with tempfile.TemporaryDirectory() as tmp:
        url = seeded_database(Path(tmp), "bench.db")
        with running_stack(model_path(ROOT / "models"), url, Path(tmp)) as stack:
            sizes = transfer_sizes(stack.console_url)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=PHONE)
                page.goto(stack.console_url + "/")
                page.wait_for_selector(GREETING, timeout=30000)
                times = [page.evaluate(MEASURE, QUESTIONS[i % len(QUESTIONS)]) for i in range(RUNS)]
                cid = conversation_id(page)
                pushes = []
                for i in range(RUNS):
                    started = time.monotonic()
                    push_staff(stack, cid, f"工作人员推送第{i}条")
                    page.wait_for_selector(f"text=工作人员推送第{i}条", timeout=10000)
                    pushes.append((time.monotonic() - started) * 1000)
                browser.close()
    total = sum(sizes.values())
    rows = "\n".join(f"| `{name}` | {size:,} B |" for name, size in sizes.items())
    push_median, worst = statistics.median(pushes), max(pushes)
    body = f"""`python -m bench.widget_page`: the page at 375 px in Debian's Chromium against the
real Rasa server, action server and console on loopback ({RUNS} questions, one conversation).

| asset | size (uncompressed) |
| --- | --- |
{rows}
| **total** | **{total:,} B** |

| send → first answer painted | median | worst |
| --- | --- | --- |
| {RUNS} runs | {statistics.median(times):.0f} ms | {max(times):.0f} ms |

| staff message pushed → shown on the open page | median | worst |
| --- | --- | --- |
| {RUNS} pushes (Rasa HTTP API, `output_channel=widget`) | {push_median:.0f} ms | {worst:.0f} ms |
"""
    print(body)
    write_section("Worker page", body)


if __name__ == "__main__":
    main()
