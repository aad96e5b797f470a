"""Settings read numbers from the environment and name the variable when one is malformed."""

from __future__ import annotations

import pytest

from changai.settings import ConfigurationError, load_settings


def test_numbers_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETRIEVAL_THRESHOLD", "0.25")
    monkeypatch.setenv("CONSOLE_PORT", "8181")
    settings = load_settings()
    assert settings.retrieval_threshold == 0.25
    assert settings.console_port == 8181


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("RETRIEVAL_THRESHOLD", "abc", "RETRIEVAL_THRESHOLD must be a number, got 'abc'"),
        ("CONSOLE_PORT", "80.5", "CONSOLE_PORT must be an integer, got '80.5'"),
    ],
)
def test_a_malformed_number_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, raw: str, message: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert str(caught.value) == message


def test_the_redis_key_prefix_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_KEY_PREFIX", raising=False)
    assert load_settings().redis_key_prefix == "changai:"
    monkeypatch.setenv("REDIS_KEY_PREFIX", "  site-a:  ")
    assert load_settings().redis_key_prefix == "site-a:"
    monkeypatch.setenv("REDIS_KEY_PREFIX", "")
    assert load_settings().redis_key_prefix == "changai:"
