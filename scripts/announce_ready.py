"""Wait until the three processes answer, then print the addresses (a Procfile process)."""

from __future__ import annotations

import os
import signal
import time
import urllib.request

CONSOLE_PORT = os.environ.get("CONSOLE_PORT", "8080")
CHECKS = {
    "Rasa server": "http://127.0.0.1:5005/webhooks/rest/",
    "action server": "http://127.0.0.1:5055/health",
    "console": f"http://127.0.0.1:{CONSOLE_PORT}/healthz",
}


def up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def main() -> None:
    deadline = time.monotonic() + 300
    waiting = dict(CHECKS)
    while waiting and time.monotonic() < deadline:
        waiting = {name: url for name, url in waiting.items() if not up(url)}
        time.sleep(1)
    if waiting:
        print("still not answering after 5 minutes: " + ", ".join(waiting), flush=True)
    else:
        print(
            "\n  产改通 is ready:\n"
            f"    worker chat page   http://127.0.0.1:{CONSOLE_PORT}/\n"
            "    Rasa REST channel  http://127.0.0.1:5005/webhooks/rest/webhook\n"
            "    action server      http://127.0.0.1:5055/health\n"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
    signal.pause()  # honcho stops everything when one process exits


if __name__ == "__main__":
    main()
