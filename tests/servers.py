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
from typing import Any

import yaml

from changai.db import make_engine, make_session_factory
from changai.db.migrate import upgrade
from knowledge.seed_loader import load_seed

ROOT = Path(__file__).resolve().parent.parent


def seeded_database(directory: Path, name: str = "changai.db") -> str:
    """A migrated SQLite database in ``directory`` holding the seed knowledge; its URL."""
    url = f"sqlite:///{directory / name}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        load_seed(session=session)
    engine.dispose()
    return url


def add_staff(database_url: str, username: str, display_name: str, password: str) -> None:
    """A staff account on the desk of the database at ``database_url``."""
    from changai.passwords import hash_password
    from helpdesk.accounts import create_user

    engine = make_engine(database_url)
    with make_session_factory(engine).begin() as session:
        create_user(
            session=session,
            username=username,
            display_name=display_name,
            role="staff",
            password_hash=hash_password(password),
        )
    engine.dispose()


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
ACTION_TOKEN = "action-token-" + os.urandom(8).hex()


@dataclass
class Stack:
    rasa_url: str
    database_url: str
    console_url: str = ""
    token: str = TOKEN
    processes: Any = None

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


def endpoints_yaml(action_port: int, sqlite_path: str | None, stock: bool = False) -> str:
    """The project's endpoints.yml for a throwaway stack.

    The tracker store is the one ``rasa_project/endpoints.yml`` names, on the
    given SQLite file. ``stock=True`` leaves the tracker store and lock store
    out, so Rasa uses its defaults (in memory), as the benchmarks' stock Rasa does.
    """
    config = yaml.safe_load((ROOT / "rasa_project" / "endpoints.yml").read_text(encoding="utf-8"))
    config["action_endpoint"]["url"] = f"http://127.0.0.1:{action_port}/webhook"
    config["action_endpoint"]["headers"] = {"X-Action-Token": ACTION_TOKEN}
    if stock:
        config = {"action_endpoint": {k: config["action_endpoint"][k] for k in ("url", "headers")}}
    elif sqlite_path is not None:
        config["tracker_store"].update({"dialect": "sqlite", "db": sqlite_path})
    return yaml.safe_dump(config, sort_keys=False)


class Processes:
    """The three servers, each of which can be killed and started again on its port."""

    def __init__(
        self, model: Path, database_url: str, workdir: Path, *, stock_rasa: bool = False
    ) -> None:
        self.rasa_port, self.action_port, self.console_port = free_port(), free_port(), free_port()
        self.workdir = workdir
        endpoints = workdir / ("endpoints-stock.yml" if stock_rasa else "endpoints.yml")
        sqlite_path = database_url.removeprefix("sqlite:///")
        endpoints.write_text(endpoints_yaml(self.action_port, sqlite_path, stock=stock_rasa))
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "CHANGAI_ENV": "test",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_URL": f"http://127.0.0.1:{self.rasa_port}",
            "CONSOLE_PORT": str(self.console_port),
            "RASA_TOKEN": TOKEN,
            "ACTION_TOKEN": ACTION_TOKEN,
            # Staff always on duty unless a test says otherwise, so replies do not
            # depend on the time of day the suite runs.
            "STAFF_HOURS": os.environ.get("STAFF_HOURS", "00:00-24:00"),
            "STAFF_DAYS": os.environ.get("STAFF_DAYS", "1-7"),
        }
        self.commands = {
            "actions": (
                [
                    sys.executable,
                    "-m",
                    "rasa_project.action_server",
                    "--port",
                    str(self.action_port),
                ],
                f"http://127.0.0.1:{self.action_port}/health",
                120,
            ),
            "rasa": (
                [
                    sys.executable,
                    "-m",
                    # ours: the token from RASA_TOKEN, not argv, and the start-up objects frozen
                    # out of full collections; stock: the ``rasa`` command as it comes
                    *(["rasa"] if stock_rasa else ["rasa_project.rasa_server"]),
                    "run",
                    "--model",
                    str(model),
                    "--port",
                    str(self.rasa_port),
                    "--interface",
                    "127.0.0.1",
                    "--endpoints",
                    str(endpoints),
                    "--enable-api",
                    "--credentials",
                    str(ROOT / "rasa_project" / "credentials.yml"),
                    *(["--auth-token", TOKEN] if stock_rasa else []),
                ],
                f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/",
                240,
            ),
            "console": (
                [sys.executable, "-m", "connectors.console"],
                f"http://127.0.0.1:{self.console_port}/healthz",
                60,
            ),
        }
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        command, health, timeout = self.commands[name]
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log.open("a"), stderr=subprocess.STDOUT
        )
        self.running[name] = process
        wait_for(health, timeout, process, log)

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown handlers run."""
        process = self.running.pop(name)
        process.kill()
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.running.values():
            process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()


@contextmanager
def running_stack(model: Path, database_url: str, workdir: Path) -> Iterator[Stack]:
    processes = Processes(model, database_url, workdir)
    try:
        for name in ("actions", "rasa", "console"):
            processes.start(name)
        stack = Stack(
            f"http://127.0.0.1:{processes.rasa_port}",
            database_url,
            f"http://127.0.0.1:{processes.console_port}",
        )
        stack.processes = processes
        yield stack
    finally:
        processes.stop_all()
