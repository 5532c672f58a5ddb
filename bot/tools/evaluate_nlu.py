"""Figures of the NLU evaluation on the held-out file, from what `rasa test nlu --successes` wrote
to a results directory: intent accuracy and macro F1 over all intents, accuracy over complaint,
report and both (the target is at least 95%), their confusion matrix, the FAQ answer selection, and
the intent accuracy of the utterances written in English (cross-border users).

With --heldout DIR, the same figures are printed for each file of the held-out directory too
(everyday.yml, the first held-out file; hard.yml, messages as hard as people type them).

Usage: python tools/evaluate_nlu.py RESULTS_DIR [--heldout DIR] [--min-triage-accuracy 0.95]
       [--min-intent-accuracy 0.95]"""

import argparse
import json
import sys
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the bot's tools, also as a script
from tools.check_entity_alignment import plain_and_spans  # noqa: E402
from tools.check_heldout_overlap import utterances  # noqa: E402

TRIAGE = ["complaint", "report", "complaint_and_report"]


def is_english(text: str) -> bool:
    """Written mostly in Latin letters: a Chinese brand or place inside is still English."""
    letters = [character for character in text if character.isalpha()]
    latin = [character for character in letters if character.isascii()]
    return bool(letters) and len(latin) >= 0.7 * len(letters)


def predictions(results: Path) -> list[tuple[str, str, str]]:
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = results / name
        if path.exists():
            for entry in json.loads(path.read_text(encoding="utf-8")):
                rows.append((entry["text"], entry["intent"], (entry.get("intent_prediction") or {}).get("name") or ""))
    return rows


def heldout_files(directory: Path) -> dict[str, set[str]]:
    """file name → the plain texts of its utterances (annotations removed, as Rasa reports them)."""
    return {
        path.name: {plain_and_spans(example)[0] for _intent, example in utterances(path)}
        for path in sorted(directory.glob("*.yml"))
    }


def triage_accuracy_of(rows: list[tuple[str, str, str]]) -> tuple[int, float]:
    triage = [(g, p) for _text, g, p in rows if g in TRIAGE]
    return len(triage), (sum(g == p for g, p in triage) / len(triage) if triage else 1.0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path)
    parser.add_argument("--heldout", type=Path, help="the held-out directory: figures per file too")
    parser.add_argument("--min-triage-accuracy", type=float, default=0.0)
    parser.add_argument("--min-intent-accuracy", type=float, default=0.0)
    arguments = parser.parse_args()
    rows = predictions(arguments.results)
    if not rows:
        print("no predictions found in", arguments.results)
        return 1
    gold = [row[1] for row in rows]
    predicted = [row[2] for row in rows]
    intent_accuracy = accuracy_score(gold, predicted)
    print(f"held-out utterances: {len(rows)}")
    print(f"intent accuracy: {intent_accuracy:.3f}")
    print(f"intent macro F1: {f1_score(gold, predicted, average='macro', zero_division=0):.3f}")

    triage = [(g, p) for g, p in zip(gold, predicted, strict=True) if g in TRIAGE]
    _count, triage_accuracy = triage_accuracy_of(rows)
    print(f"complaint / report / both: {len(triage)} utterances, accuracy {triage_accuracy:.3f}")
    columns = TRIAGE + ["other"]
    short = {"complaint": "complaint", "report": "report", "complaint_and_report": "both", "other": "other"}
    print("confusion (rows: true, columns: predicted)")
    print(" " * 22 + "".join(f"{short[name]:>11}" for name in columns))
    for true in TRIAGE:
        counts = {name: 0 for name in columns}
        for g, p in triage:
            if g == true:
                counts[p if p in TRIAGE else "other"] += 1
        print(f"{true:<22}" + "".join(f"{counts[name]:>11}" for name in columns))

    selection = arguments.results / "response_selection_report.json"
    if selection.exists():
        report = json.loads(selection.read_text(encoding="utf-8"))
        if "accuracy" in report:
            print(f"FAQ answer selection accuracy: {report['accuracy']:.3f}")

    english = [(g, p) for text, g, p in rows if is_english(text)]
    if english:
        english_accuracy = sum(g == p for g, p in english) / len(english)
        print(f"English utterances: {len(english)}, intent accuracy {english_accuracy:.3f}")

    if arguments.heldout:
        for name, texts in heldout_files(arguments.heldout).items():
            part = [row for row in rows if row[0] in texts]
            count, accuracy = triage_accuracy_of(part)
            part_intents = sum(g == p for _text, g, p in part) / len(part) if part else 1.0
            print(
                f"{name}: {len(part)} utterances, intent accuracy {part_intents:.3f}; "
                f"complaint / report / both {count}, accuracy {accuracy:.3f}"
            )

    misses = [(text, g, p) for text, g, p in rows if g != p]
    for text, g, p in misses[:40]:
        print(f"  missed: {text}  (true {g}, predicted {p or 'nothing'})")
    failed = False
    if triage_accuracy < arguments.min_triage_accuracy:
        print(f"below the required {arguments.min_triage_accuracy:.0%} over complaint, report and both")
        failed = True
    if intent_accuracy < arguments.min_intent_accuracy:
        print(f"below the required {arguments.min_intent_accuracy:.0%} over every intent")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
