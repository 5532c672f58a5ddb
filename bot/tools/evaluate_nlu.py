"""Figures of the NLU evaluation on the held-out file, from what `rasa test nlu --successes` wrote
to a results directory: intent accuracy and macro F1 over all intents, accuracy over complaint,
report and both (the target is at least 95%), their confusion matrix, the FAQ answer selection, and
the intent accuracy of the utterances written in English (cross-border users).

Usage: python tools/evaluate_nlu.py RESULTS_DIR [--min-triage-accuracy 0.95]"""

import argparse
import json
import sys
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path)
    parser.add_argument("--min-triage-accuracy", type=float, default=0.0)
    arguments = parser.parse_args()
    rows = predictions(arguments.results)
    if not rows:
        print("no predictions found in", arguments.results)
        return 1
    gold = [row[1] for row in rows]
    predicted = [row[2] for row in rows]
    print(f"held-out utterances: {len(rows)}")
    print(f"intent accuracy: {accuracy_score(gold, predicted):.3f}")
    print(f"intent macro F1: {f1_score(gold, predicted, average='macro', zero_division=0):.3f}")

    triage = [(g, p) for g, p in zip(gold, predicted, strict=True) if g in TRIAGE]
    triage_accuracy = sum(g == p for g, p in triage) / len(triage)
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

    misses = [(text, g, p) for text, g, p in rows if g in TRIAGE and g != p]
    for text, g, p in misses[:20]:
        print(f"  missed: {text}  (true {g}, predicted {p or 'nothing'})")
    if triage_accuracy < arguments.min_triage_accuracy:
        print(f"below the required {arguments.min_triage_accuracy:.0%} over complaint, report and both")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
