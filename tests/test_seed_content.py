"""The seed knowledge meets the content rules: coverage, citations, regions."""

from collections import Counter

from sqlalchemy import select

from changai.vocabulary import TOPICS, FaqStatus
from knowledge.audit import official_host
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
    """A link is https, or http on an official host (many government and union sites serve
    only http; a mirror on http is named in the source note, not linked)."""
    documents, _entries = read_seed()
    for document in documents:
        assert document["title"].strip()
        url = document.get("url")
        assert (
            url is None
            or url.startswith("https://")
            or (url.startswith("http://") and official_host(url))
        ), document["key"]


def test_official_hosts_are_read_from_the_seed() -> None:
    assert official_host("http://rsj.example.gov.cn/a.html")
    assert official_host("https://www.gov.cn/zhengce/content/x.htm")
    assert official_host("http://xining.qhszgh.com/index.php?c=show&id=10")
    assert not official_host("https://notgov.cn/a")  # a suffix matches at a dot only
    assert not official_host("https://uianet.net/dictionary/b3883836.html")
    assert not official_host(None)


def test_documents_files_and_inline_clause_links_are_read(tmp_path) -> None:
    """Helpers add documents under seed/documents/ and link an entry's clauses in its own
    FAQ file; linking one entry in both places is refused."""
    import shutil

    import pytest

    from knowledge.errors import InvalidEntry
    from knowledge.seed_loader import SEED_DIR, read_entry_clauses

    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    (seed / "documents").mkdir(exist_ok=True)
    (seed / "documents" / "zz_extra.yml").write_text(
        "documents:\n  - key: zz-doc\n    title: 测试文件\n", encoding="utf-8"
    )
    (seed / "faq" / "zz_extra.yml").write_text(
        "topic: dormitory\nentries:\n  - key: zz-entry\n    question: 问\n"
        "    answer: 答\n    document: zz-doc\n    clauses: [zz-doc.c1]\n",
        encoding="utf-8",
    )
    documents, entries = read_seed(seed)
    assert documents[-1]["key"] == "zz-doc" and entries[-1]["key"] == "zz-entry"
    assert read_entry_clauses(seed)["zz-entry"] == ["zz-doc.c1"]
    with (seed / "entry_clauses.yml").open("a", encoding="utf-8") as handle:
        handle.write("  zz-entry: [zz-doc.c1]\n")
    with pytest.raises(InvalidEntry, match="zz-entry"):
        read_entry_clauses(seed)


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
        # the seed's status: published, or draft for entries kept until they are ready
        seeded = {e["key"]: e.get("status", FaqStatus.published.value) for e in read_seed()[1]}
        assert {e.key: e.status for e in entries} == seeded
        assert FaqStatus.published.value in seeded.values()
        assert session.execute(select(PolicyDocument)).scalars().first() is not None


def test_answers_address_the_worker_politely() -> None:
    """Answers say 您, never 你 (the workers' own phrasings may say either)."""
    _documents, entries = read_seed()
    assert [e["key"] for e in entries if "你" in str(e["answer"])] == []
