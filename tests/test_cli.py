"""The `changai` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from changai.cli import main
from tests.servers import ROOT
from tests.support.training import trained_model


def run_cli(
    args: list[str], database_url: str, stdin: str | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    return subprocess.run(
        [sys.executable, "-m", "changai.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_db_kb_user_and_export(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    assert main(["kb", "load"]) == 0
    assert main(["kb", "load"]) == 0
    out = capsys.readouterr().out
    assert "(0 changed)" in out.splitlines()[-1]
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("violet-harbour-93-kettle\n"))
    assert (
        main(
            ["user", "add", "li", "--role", "staff", "--display-name", "李师傅", "--password-stdin"]
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("violet-harbour-93-kettle\n"))
    assert main(["user", "add", "li", "--role", "staff", "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("short\n"))
    assert main(["user", "add", "wang", "--role", "admin", "--password-stdin"]) == 2
    export = tmp_path / "kb.json"
    assert main(["kb", "export", "--out", str(export)]) == 0
    data = json.loads(export.read_text(encoding="utf-8"))
    assert len(data["entries"]) >= 48 and all(e["document"] for e in data["entries"])


def test_production_without_secrets_is_a_clear_error(monkeypatch, capsys) -> None:
    monkeypatch.setenv("CHANGAI_ENV", "production")
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    assert main(["db", "upgrade"]) == 2
    assert "RASA_TOKEN" in capsys.readouterr().err


@pytest.mark.slow
def test_ask_answers_dormitory_question_without_servers(tmp_path) -> None:
    trained_model()
    url = f"sqlite:///{tmp_path / 'ask.db'}"
    assert run_cli(["db", "upgrade"], url).returncode == 0
    assert run_cli(["kb", "load"], url).returncode == 0
    result = run_cli(["ask", "宿舍怎么申请", "--json"], url)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout[result.stdout.index("{") :])
    assert data["meta"]["intent"] == "ask_dormitory"
    assert data["meta"]["topic"] == "dormitory" and data["meta"]["faq_id"]
    assert "来源：《" in data["text"]
