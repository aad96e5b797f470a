"""A production-shaped cluster on loopback: N Rasa servers, N action servers and N consoles
behind HAProxy, on one PostgreSQL database, one Redis and one RabbitMQ (#14).

Every process is started in its own process group and killed at the end, whatever happened
(``Cluster`` is a context manager); every wait is bounded. The HAProxy configuration is
the project's own template (``changai.haproxy``) rendered with ports chosen at run time.
Used by tests/test_cluster.py and bench/cluster.py.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import aio_pika
import redis
import yaml

from changai.haproxy import Balancer, render
from changai.settings import Settings
from rasa_project import endpoints
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
# A Rasa lock held by a killed instance expires after this (Rasa's TICKET_LOCK_LIFETIME,
# default 60 s): the surviving instance then handles that conversation's next message.
LOCK_LIFETIME_SECONDS = 20
RASA_START_SECONDS = 240.0
START_SECONDS = 90.0
STOP_SECONDS = 10.0


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if found is None:
        raise RuntimeError("HAProxy is missing: `make cluster-test` installs it (make haproxy)")
    return found


@dataclass
class Process:
    name: str
    command: list[str]
    health: str
    timeout: float
    env: Mapping[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def spawn(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=dict(self.env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed with its children
            )

    def wait_healthy(self) -> None:
        assert self.popen is not None
        if not self.health:
            time.sleep(0.5)
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.tail()}")
            return
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.health, timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        raise RuntimeError(f"{self.name} not up after {self.timeout:.0f}s:\n{self.tail()}")

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, number: int) -> None:
        if self.popen is not None and self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, number)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """SIGKILL to the whole group: no shutdown handler runs."""
        self.signal(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait(timeout=STOP_SECONDS)

    def stop(self) -> None:
        self.signal(signal.SIGTERM)
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Cluster:
    """``instances`` of each process behind one HAProxy; ``start()`` then ``stop()``."""

    workdir: Path
    database_url: str
    redis_url: str
    redis_prefix: str
    rabbitmq_url: str
    model: Path
    instances: int = 2
    extra_env: Mapping[str, str] = field(default_factory=dict)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    processes: dict[str, Process] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.public_port = free_port()
        self.rasa_api_port = free_port()
        self.actions_api_port = free_port()
        self.stats_port = free_port()
        self.queue = f"changai_events_{self.run_id}"
        self.exchange = f"changai-exchange-{self.run_id}"  # Rasa's is a fanout: one per run
        self.lock_prefix = f"changaicluster{self.run_id}"  # Rasa wants letters and digits
        self.rasa_token = "cluster-rasa-" + os.urandom(8).hex()
        self.action_token = "cluster-action-" + os.urandom(8).hex()
        self.console_secret = os.urandom(16).hex()

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"

    @property
    def rasa_api_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_api_port}"

    @property
    def stats_url(self) -> str:
        return f"http://127.0.0.1:{self.stats_port}/stats"

    def _environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            # Production's services and secrets; "test" only so that session cookies are
            # not `Secure` on this plain-HTTP loopback.
            "CHANGAI_ENV": "test",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "REDIS_KEY_PREFIX": self.redis_prefix,
            "RABBITMQ_URL": self.rabbitmq_url,
            "RASA_TOKEN": self.rasa_token,
            "ACTION_TOKEN": self.action_token,
            "CONSOLE_SECRET": self.console_secret,
            "RASA_URL": self.rasa_api_url,  # the consoles reach Rasa through HAProxy
            "ACTION_PORT": str(self.actions_api_port),  # so does Rasa its action servers
            "TRUSTED_PROXIES": "127.0.0.1",
            "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_SECONDS),
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "STAFF_HOURS": "00:00-24:00",
            "STAFF_DAYS": "1-7",
            **self.extra_env,
        }

    def _endpoints(self, env: Mapping[str, str]) -> Path:
        """Rasa's endpoints as production writes them, with this run's queue and lock keys."""
        settings = Settings(
            env="test",
            database_url=self.database_url,
            action_port=self.actions_api_port,
            action_token=self.action_token,
            redis_url=self.redis_url,
            rabbitmq_url=self.rabbitmq_url,
        )
        config = endpoints.build(settings, env)
        config["event_broker"]["queues"] = [self.queue]
        config["event_broker"]["exchange_name"] = self.exchange
        config["lock_store"]["key_prefix"] = self.lock_prefix
        path = self.workdir / "endpoints.yml"
        path.write_text(endpoints.render(config), encoding="utf-8")
        yaml.safe_load(path.read_text(encoding="utf-8"))  # it must stay valid YAML
        return path

    def _define(self, env: dict[str, str]) -> list[str]:
        endpoints_file = self._endpoints(env)
        python = sys.executable
        addresses: dict[str, list[str]] = {"consoles": [], "rasa": [], "actions": []}
        for n in range(1, self.instances + 1):
            port = free_port()
            addresses["actions"].append(f"127.0.0.1:{port}")
            self._add(
                f"actions{n}",
                [python, "-m", "rasa_project.action_server", "--port", str(port)],
                f"http://127.0.0.1:{port}/health",
                START_SECONDS,
                env,
            )
        for n in range(1, self.instances + 1):
            port = free_port()
            addresses["rasa"].append(f"127.0.0.1:{port}")
            self._add(
                f"rasa{n}",
                [
                    python,
                    "-m",
                    "rasa_project.rasa_server",
                    "run",
                    "--enable-api",
                    "--model",
                    str(self.model),
                    "--port",
                    str(port),
                    "--interface",
                    "127.0.0.1",
                    "--endpoints",
                    str(endpoints_file),
                    "--credentials",
                    str(ROOT / "rasa_project" / "credentials.yml"),
                ],  # fmt: skip
                f"http://127.0.0.1:{port}/webhooks/widget/",
                RASA_START_SECONDS,
                env,
            )
        for n in range(1, self.instances + 1):
            port = free_port()
            addresses["consoles"].append(f"127.0.0.1:{port}")
            self._add(
                f"console{n}",
                [python, "-m", "connectors.console"],
                f"http://127.0.0.1:{port}/healthz",
                START_SECONDS,
                {**env, "CONSOLE_PORT": str(port)},
            )
        self._add(
            "analytics",
            [
                python,
                "-m",
                "analytics.consumer",
                "--queue",
                self.queue,
                "--exchange",
                self.exchange,
            ],  # fmt: skip
            "",  # no HTTP: up once its process runs (it waits for RabbitMQ by itself)
            START_SECONDS,
            env,
        )
        config = self.workdir / "haproxy.cfg"
        config.write_text(
            render(
                Balancer(
                    consoles=addresses["consoles"],
                    rasa=addresses["rasa"],
                    actions=addresses["actions"],
                    public=f"127.0.0.1:{self.public_port}",
                    rasa_api=f"127.0.0.1:{self.rasa_api_port}",
                    actions_api=f"127.0.0.1:{self.actions_api_port}",
                    stats=f"127.0.0.1:{self.stats_port}",
                    log=False,
                )
            ),
            encoding="utf-8",
        )
        self._add(
            "haproxy",
            [haproxy_binary(), "-db", "-f", str(config)],
            self.stats_url,
            START_SECONDS,
            env,
        )
        return list(self.processes)

    def _add(
        self, name: str, command: list[str], health: str, timeout: float, env: Mapping[str, str]
    ) -> None:
        self.processes[name] = Process(
            name, command, health, timeout, env, self.workdir / f"{name}.log"
        )

    def start(self) -> Cluster:
        env = self._environment()
        self._define(env)
        try:
            # Rasa's model load dominates (about 20 s and 1 GB each): all at once.
            for process in self.processes.values():
                process.spawn()
            for process in self.processes.values():
                process.wait_healthy()
            self.wait_in_rotation(self.instances)
        except BaseException:
            self.stop()
            raise
        return self

    def backends_up(self) -> dict[str, int]:
        """How many servers of each backend HAProxy has in rotation (its stats CSV)."""
        with urllib.request.urlopen(self.stats_url + ";csv", timeout=5) as response:
            lines = response.read().decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        up: dict[str, int] = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("svname") in ("FRONTEND", "BACKEND", None):
                continue
            up.setdefault(row["pxname"], 0)
            if row.get("status", "").startswith("UP"):
                up[row["pxname"]] += 1
        return up

    def wait_in_rotation(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        up: dict[str, int] = {}
        while time.monotonic() < deadline:
            up = self.backends_up()
            if all(up.get(b) == count for b in ("consoles", "rasa", "actions")):
                return
            time.sleep(0.2)
        raise RuntimeError(f"HAProxy has not {count} of each in rotation: {up}")

    def kill(self, name: str) -> None:
        self.processes[name].kill()

    def pids(self, name: str) -> int:
        popen = self.processes[name].popen
        assert popen is not None
        return popen.pid

    def stop(self) -> None:
        for process in self.processes.values():
            process.signal(signal.SIGTERM)
        for process in self.processes.values():
            if process.popen is None:
                continue
            try:
                process.popen.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
        self.clean_up()

    def clean_up(self) -> None:
        """Remove this run's Rasa lock keys and broker queue (the database is the caller's)."""
        client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=2)
        try:
            stale = list(client.scan_iter(match=self.lock_prefix + "*", count=1000))
            if stale:
                client.delete(*stale)
        except redis.RedisError:
            pass
        finally:
            client.close()
        delete_broker_objects(self.rabbitmq_url, self.exchange, self.queue)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def delete_broker_objects(url: str, exchange: str, queue: str) -> None:
    """Remove the run's queue, its dead-letter queue and its exchange."""

    async def go() -> None:
        connection = await aio_pika.connect(url, timeout=5)
        try:
            channel = await connection.channel()
            for name in (queue, queue + ".dead"):
                await channel.queue_delete(name)
            await channel.exchange_delete(exchange)
        finally:
            await connection.close()

    try:
        asyncio.run(go())
    except Exception:  # RabbitMQ gone, or the queue never made: nothing left
        pass


def rabbitmq_reachable(url: str) -> str | None:
    """None when RabbitMQ answers at ``url``, else why not."""

    async def go() -> None:
        connection = await aio_pika.connect(url, timeout=3)
        await connection.close()

    try:
        asyncio.run(go())
    except Exception as exc:  # any failure means unreachable
        return f"{type(exc).__name__}: {exc}"
    return None
