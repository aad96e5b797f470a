"""The load balancer's configuration (deploy/haproxy.cfg.j2, changai.haproxy)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from changai import haproxy
from changai.haproxy import Balancer, render

ROOT = Path(__file__).resolve().parent.parent
TWO_OF_EACH = [
    "--rasa", "127.0.0.1:5005", "--rasa", "127.0.0.1:5015",
    "--actions", "127.0.0.1:5055", "--actions", "127.0.0.1:5065",
    "--console", "127.0.0.1:8081", "--console", "127.0.0.1:8082",
]  # fmt: skip


def three() -> Balancer:
    return Balancer(
        consoles=["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"],
        rasa=["10.0.0.1:5005", "10.0.0.2:5005", "10.0.0.3:5005"],
        actions=["10.0.0.1:5055", "10.0.0.2:5055"],
        public="*:443",
        tls_cert="/etc/haproxy/changai.pem",
    )


def backend(text: str, name: str) -> list[list[str]]:
    block = text.split(f"\nbackend {name}\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[1:3] for line in block.splitlines() if line.strip().startswith("server ")]


def test_every_instance_is_a_checked_server_of_its_backend() -> None:
    text = render(three())
    assert backend(text, "consoles") == [
        ["console1", "10.0.0.1:8080"],
        ["console2", "10.0.0.2:8080"],
        ["console3", "10.0.0.3:8080"],
    ]
    assert [s[1] for s in backend(text, "rasa")] == [
        "10.0.0.1:5005",
        "10.0.0.2:5005",
        "10.0.0.3:5005",
    ]
    assert [s[1] for s in backend(text, "actions")] == ["10.0.0.1:5055", "10.0.0.2:5055"]
    assert "option httpchk GET /healthz" in text and "option httpchk GET /health\n" in text
    assert "bind *:443 ssl crt /etc/haproxy/changai.pem" in text
    assert "option redispatch" in text


def test_only_the_channels_of_rasa_are_public() -> None:
    text = render(three())
    public = text.split("frontend public\n", 1)[1].split("\n\n", 1)[0]
    assert "acl rasa_channel path_beg /webhooks/widget/ /webhooks/rest/" in public
    assert "default_backend consoles" in public
    assert "bind 127.0.0.1:5006" in text.split("frontend rasa_api\n", 1)[1]


@pytest.mark.parametrize("address", ["10.0.0.1", ":8080", "host:port", ""])
def test_a_malformed_address_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match="host:port|at least one"):
        Balancer(consoles=[address] if address else [], rasa=["a:1"], actions=["a:2"])


def test_the_cli_names_the_bad_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert haproxy.main(["--console", "nowhere", "--rasa", "a:1", "--actions", "a:2"]) == 2
    assert "consoles: expected host:port, got 'nowhere'" in capsys.readouterr().err


def test_the_committed_example_is_the_template_rendered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert haproxy.main(TWO_OF_EACH) == 0
    assert capsys.readouterr().out == (ROOT / "deploy" / "haproxy.cfg").read_text()


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="HAProxy not installed (make haproxy)")
def test_haproxy_accepts_the_configuration(tmp_path: Path) -> None:
    for balancer in (
        three(),
        Balancer(consoles=["127.0.0.1:1"], rasa=["127.0.0.1:2"], actions=["127.0.0.1:3"]),
    ):
        path = tmp_path / "haproxy.cfg"
        text = render(balancer).replace("ssl crt /etc/haproxy/changai.pem", "")
        path.write_text(text)
        checked = subprocess.run(
            ["haproxy", "-c", "-f", str(path)], capture_output=True, text=True, timeout=30
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
