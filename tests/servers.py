"""Start the Rasa server and the action server on free loopback ports for tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} not up after {timeout}s:\n{log.read_text()[-3000:]}")


TOKEN = "test-token-" + os.urandom(8).hex()


@dataclass
class Stack:
    rasa_url: str
    database_url: str
    console_url: str = ""
    token: str = TOKEN

    def post(self, sender: str, message: object) -> list[dict]:
        return rest_post(self.rasa_url, {"sender": sender, "message": message})


def rest_post(rasa_url: str, body: object, raw: bytes | None = None) -> list[dict]:
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook",
        data=data,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@contextmanager
def running_stack(model: Path, database_url: str, workdir: Path) -> Iterator[Stack]:
    rasa_port, action_port, console_port = free_port(), free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    sqlite_path = database_url.removeprefix("sqlite:///")
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{sqlite_path}"\n'
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "CHANGAI_ENV": "test",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "CONSOLE_PORT": str(console_port),
        "RASA_TOKEN": TOKEN,
    }
    processes: list[subprocess.Popen] = []
    try:
        action_log = workdir / "actions.log"
        actions = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT,
            env=env,
            stdout=action_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(actions)
        rasa_log = workdir / "rasa.log"
        rasa = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rasa",
                "run",
                "--model",
                str(model),
                "--port",
                str(rasa_port),
                "--interface",
                "127.0.0.1",
                "--endpoints",
                str(endpoints),
                "--enable-api",
                "--auth-token",
                TOKEN,
                "--credentials",
                str(ROOT / "rasa_project" / "credentials.yml"),
            ],
            cwd=ROOT,
            env=env,
            stdout=rasa_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(rasa)
        wait_for(f"http://127.0.0.1:{action_port}/health", 120, actions, action_log)
        wait_for(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", 240, rasa, rasa_log)
        console_log = workdir / "console.log"
        console = subprocess.Popen(
            [sys.executable, "-m", "connectors.console"],
            cwd=ROOT,
            env=env,
            stdout=console_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(console)
        wait_for(f"http://127.0.0.1:{console_port}/healthz", 60, console, console_log)
        yield Stack(
            f"http://127.0.0.1:{rasa_port}", database_url, f"http://127.0.0.1:{console_port}"
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
