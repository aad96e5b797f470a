"""Turn Rasa's cross-validation output into docs/nlu_cross_validation.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def render(results: Path) -> str:
    report = json.loads((results / "intent_report.json").read_text(encoding="utf-8"))
    lines = [
        "# NLU cross-validation",
        "",
        "Rasa's `rasa test nlu --cross-validation --folds 3` on `rasa_project/data/nlu` with",
        "`rasa_project/config.yml` (`make crossval`). Entities come from the lexicon's entity",
        "ruler, not from a trained extractor, so only intents are cross-validated here; the",
        "ruler is tested in `tests/test_lexicon.py` and end to end.",
        "",
        "| intent | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
    ]
    averages = {
        k: report.pop(k)
        for k in ("accuracy", "macro avg", "weighted avg", "micro avg")
        if k in report
    }
    for intent, row in sorted(report.items()):
        if not isinstance(row, dict) or "precision" not in row:
            continue
        lines.append(
            f"| {intent} | {row['precision']:.3f} | {row['recall']:.3f} | "
            f"{row['f1-score']:.3f} | {row['support']} |"
        )
    for name in ("macro avg", "weighted avg"):
        if name in averages:
            row = averages[name]
            lines.append(
                f"| **{name}** | {row['precision']:.3f} | {row['recall']:.3f} | "
                f"{row['f1-score']:.3f} | {row['support']} |"
            )
    if "accuracy" in averages:
        lines += ["", f"Accuracy over all held-out folds: {averages['accuracy']:.3f}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    results, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.write_text(render(results), encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
