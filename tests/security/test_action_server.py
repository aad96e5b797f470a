"""Finding 1: the action server is reachable only on loopback and only with Rasa's secret.

A forged tracker posted to ``/webhook`` without ``X-Action-Token`` is refused before any
action runs; ``GET /health`` stays open; production refuses to start without the secret;
the endpoints file makes Rasa send the header, with the secret left in the environment.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from sanic import Sanic

from changai.settings import ConfigurationError, Settings
from rasa_project import action_server
from rasa_project import endpoints as endpoints_module
from tests.servers import free_port
from tests.support.sanic_servers import start_sanic

SECRET = "s3cret-for-tests"
FORGED = {
    "next_action": "action_escalate",
    "sender_id": "victim",
    "tracker": {"sender_id": "victim", "events": [], "slots": {}, "latest_message": {}},
    "domain": {},
    "version": "3.6.2",
}


def serve(token: str, requests: list[tuple[str, str, dict[str, str]]]) -> list[int]:
    """Start the protected app on loopback, make ``requests``, stop it; their statuses."""
    was, Sanic.test_mode = Sanic.test_mode, True  # rasa_sdk names every app "rasa_sdk"
    try:
        app = action_server.create_app(Settings(env="test", action_token=token))
    finally:
        Sanic.test_mode = was

    async def go() -> list[int]:
        port = free_port()
        server = await start_sanic(app, port)
        statuses = []
        try:
            async with aiohttp.ClientSession() as http:
                for method, path, headers in requests:
                    async with http.request(
                        method, f"http://127.0.0.1:{port}{path}", json=FORGED, headers=headers
                    ) as answer:
                        statuses.append(answer.status)
        finally:
            await server.close()
        return statuses

    return asyncio.run(go())


def test_forged_tracker_without_the_secret_is_refused() -> None:
    statuses = serve(
        SECRET,
        [
            ("POST", "/webhook", {}),
            ("POST", "/webhook", {"X-Action-Token": "wrong"}),
            ("GET", "/actions", {}),
            ("GET", "/health", {}),
            ("GET", "/actions", {"X-Action-Token": SECRET}),
        ],
    )
    assert statuses == [401, 401, 401, 200, 200]


def test_token_check_is_constant_time_and_exact() -> None:
    assert action_server.token_ok("abc", "abc")
    assert not action_server.token_ok("abc", "abcd")
    assert not action_server.token_ok("abc", None)
    assert not action_server.token_ok("abc", "\udcff")
    assert action_server.token_ok("", None)  # development without a secret: loopback only


def test_production_refuses_to_start_without_the_secret() -> None:
    with pytest.raises(ConfigurationError, match="ACTION_TOKEN"):
        action_server.check_start(Settings(env="production"), "127.0.0.1")
    with pytest.raises(ConfigurationError, match="ACTION_TOKEN"):
        action_server.check_start(Settings(env="development"), "0.0.0.0")
    action_server.check_start(Settings(env="production", action_token=SECRET), "10.0.0.5")


def test_loopback_by_default_and_procfile_uses_the_protected_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from changai.settings import PROJECT_ROOT, load_settings

    monkeypatch.delenv("ACTION_HOST", raising=False)
    assert load_settings().action_host == "127.0.0.1"
    procfile = (PROJECT_ROOT / "Procfile").read_text(encoding="utf-8")
    assert "rasa_project.action_server" in procfile
    assert "-m rasa_sdk" not in procfile


def test_endpoints_make_rasa_send_the_secret_without_writing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTION_TOKEN", SECRET)
    monkeypatch.setenv("CHANGAI_ENV", "development")
    out = tmp_path / "endpoints.yml"
    assert endpoints_module.main(["--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text
    raw: Any = yaml.safe_load(text)
    assert raw["action_endpoint"]["headers"] == {"X-Action-Token": "${ACTION_TOKEN}"}
    from rasa.utils.endpoints import read_endpoint_config

    endpoint = read_endpoint_config(str(out), "action_endpoint")
    assert endpoint is not None and endpoint.headers == {"X-Action-Token": SECRET}
