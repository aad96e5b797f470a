"""Train the Rasa model only when its inputs changed (keyed on a content hash)."""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "rasa_project"
INPUTS = [
    PROJECT / "config.yml",
    PROJECT / "domain",
    PROJECT / "data",
    PROJECT / "components",
    ROOT / "knowledge" / "lexicon",
    ROOT / "knowledge" / "lexicon.py",
    ROOT / "knowledge" / "divisions.py",
    ROOT / "knowledge" / "region_reply.py",
    ROOT / "knowledge" / "text_normalise.py",
    ROOT / "knowledge" / "analysis.py",
    ROOT / "knowledge" / "homophones.py",
    ROOT / "knowledge" / "spacy_pipeline.py",
    ROOT / "constraints.txt",
]


def training_hash() -> str:
    digest = hashlib.sha256()
    for root in INPUTS:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(model_dir: Path) -> Path:
    return model_dir / f"changai-{training_hash()}.tar.gz"


def train_command(out: Path, name: str) -> list[str]:
    """The ``rasa train`` command line for this project (also timed by bench/training_time)."""
    return [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        str(PROJECT / "config.yml"),
        "--domain",
        str(PROJECT / "domain"),
        "--data",
        str(PROJECT / "data"),
        "--out",
        str(out),
        "--fixed-model-name",
        name,
    ]


def train(model_dir: Path, force: bool = False) -> Path:
    target = model_path(model_dir)
    if target.exists() and not force:
        print(f"==> model up to date: {target.relative_to(ROOT)}")
        return target
    print(f"==> training {target.name} (inputs changed; about 2-4 minutes on 2 cores)")
    subprocess.run(
        train_command(model_dir, target.name.removesuffix(".tar.gz")), check=True, cwd=ROOT
    )
    for old in model_dir.glob("changai-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=ROOT / "models")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--print-path", action="store_true", help="only print the model path")
    args = parser.parse_args()
    if args.print_path:
        print(model_path(args.model_dir))
        return
    train(args.model_dir, force=args.force)


if __name__ == "__main__":
    main()
