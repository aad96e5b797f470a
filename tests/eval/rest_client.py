"""The development set asked through Rasa's REST channel, as a client sees it.

Starts the real Rasa server and action server (``tests.servers``) on loopback
ports with a throwaway, seeded SQLite database, asks every question in a fresh
conversation, and reads what the assistant did from the reply's ``custom``
payload: the topic it answered on, an escalation, or a clarifying question.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from changai.vocabulary import TOPICS
from tests.servers import Processes, rest_post, seeded_database

# Replies that name the topic they answer on; an honest "no specific rule" reply names it too,
# as does a clause quoted when no entry fits (#12), and the first question of an eligibility
# check (#13), which is about its topic.
ANSWER_TYPES = {
    "answer",
    "ask_region",
    "topic_overview",
    "no_specific_rule",
    "clause_text",
    "eligibility_question",
}
PARALLEL_CLIENTS = 4


@contextmanager
def rasa_and_actions(model: Path) -> Iterator[str]:
    """Rasa (REST channel) and the action server; yields Rasa's base URL."""
    with tempfile.TemporaryDirectory(prefix="changai-eval-") as tmp:
        workdir = Path(tmp)
        processes = Processes(model, seeded_database(workdir), workdir)
        try:
            processes.start("actions")
            processes.start("rasa")
            yield f"http://127.0.0.1:{processes.rasa_port}"
        finally:
            processes.stop_all()


def label_of_reply(messages: list[dict]) -> str:
    """A topic, "escalated", "clarify" or "other", from the bot messages of one turn."""
    customs = [m.get("custom") or {} for m in messages]
    if any(c.get("escalated") for c in customs):
        return "escalated"
    if any(c.get("type") == "clarify" for c in customs):
        return "clarify"
    for custom in customs:
        if custom.get("type") in ANSWER_TYPES and custom.get("topic") in TOPICS:
            return str(custom["topic"])
    return "other"


def ask_all(rasa_url: str, questions: list[str]) -> list[tuple[str, list[dict]]]:
    """Each question in its own new conversation; (label, raw messages) in input order."""

    def ask(text: str) -> tuple[str, list[dict]]:
        messages = rest_post(rasa_url, {"sender": f"eval-{uuid.uuid4().hex}", "message": text})
        return label_of_reply(messages), messages

    with ThreadPoolExecutor(max_workers=PARALLEL_CLIENTS) as pool:
        return list(pool.map(ask, questions))
