"""The seed knowledge meets the content rules: coverage, citations, regions."""

from collections import Counter

from sqlalchemy import select

from changai.vocabulary import TOPICS, FaqStatus
from knowledge.models import FaqEntry, PolicyDocument
from knowledge.seed_loader import load_seed, read_seed


def test_at_least_twelve_published_entries_per_topic() -> None:
    _documents, entries = read_seed()
    published = Counter(e["topic"] for e in entries if e.get("status", "published") == "published")
    for topic in TOPICS:
        assert published[topic] >= 12, topic


def test_every_entry_cites_an_existing_document() -> None:
    documents, entries = read_seed()
    keys = {d["key"] for d in documents}
    for entry in entries:
        assert entry["document"] in keys, entry["key"]


def test_documents_have_titles_and_https_links() -> None:
    documents, _entries = read_seed()
    for document in documents:
        assert document["title"].strip()
        assert document.get("url") is None or document["url"].startswith("https://")


def test_keys_are_unique() -> None:
    documents, entries = read_seed()
    assert len({d["key"] for d in documents}) == len(documents)
    assert len({e["key"] for e in entries}) == len(entries)


def test_loader_is_idempotent(session_factory) -> None:
    with session_factory.begin() as session:
        report = load_seed(session=session)
    assert report.entries_changed == 0 and report.documents_changed == 0
    with session_factory() as session:
        entries = session.execute(select(FaqEntry)).scalars().all()
        assert all(e.version == 1 for e in entries)
        assert all(e.status == FaqStatus.published.value for e in entries)
        assert session.execute(select(PolicyDocument)).scalars().first() is not None


def test_answers_address_the_worker_politely() -> None:
    """Answers say 您, never 你 (the workers' own phrasings may say either)."""
    _documents, entries = read_seed()
    assert [e["key"] for e in entries if "你" in str(e["answer"])] == []
