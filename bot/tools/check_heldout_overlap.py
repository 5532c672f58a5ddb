"""Refuse held-out utterances that the model was trained on, word for word or nearly so.

A held-out utterance that is also in the training data measures memory, not understanding. Every
held-out utterance (tests/heldout/*.yml) is compared with every training utterance (data/nlu*.yml)
after both are reduced to what a reader would call the same sentence: annotations removed, lower
case, punctuation, blanks and emoji dropped, case numbers replaced by one placeholder (asking about
TS20261101000157 or about TS20261012000031 is the same question). Two utterances overlap when the
reduced texts are equal or when they are near-equal: a similarity ratio (difflib) of at least 0.8,
so a changed particle or a word added at the end still counts as the same sentence.

Usage: python tools/check_heldout_overlap.py [--heldout DIR] [--data DIR] [--threshold 0.85]
Exit status 1 and the overlapping pairs if there are any."""

import argparse
import difflib
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

BOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BOT))  # the bot's tools, also when this file is run as a script
from tools.check_entity_alignment import plain_and_spans  # noqa: E402

CASE_NUMBER = re.compile(r"(?:ts|jb)\s*\d[\d\s]{12,}\d", re.IGNORECASE)


def utterances(path: Path) -> list[tuple[str, str]]:
    """(intent, example) of every intent block of a Rasa NLU YAML file."""
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for block in content.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                found.append((block["intent"], line[2:].strip()))
    return found


def reduced(example: str) -> str:
    text = plain_and_spans(example)[0]
    text = CASE_NUMBER.sub("#", unicodedata.normalize("NFKC", text).lower())
    return "".join(character for character in text if character == "#" or unicodedata.category(character)[0] in "LN")


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def overlaps(heldout: list[str], training: list[str], threshold: float) -> list[tuple[str, str, float]]:
    """Pairs (held-out, training, similarity) at or above the threshold. Candidates are the
    training utterances sharing enough character pairs, so the comparison stays fast."""
    index: dict[str, set[int]] = defaultdict(set)
    reduced_training = [reduced(example) for example in training]
    for position, text in enumerate(reduced_training):
        for pair in bigrams(text):
            index[pair].add(position)
    found = []
    for example in heldout:
        text = reduced(example)
        pairs = bigrams(text)
        shared: dict[int, int] = defaultdict(int)
        for pair in pairs:
            for position in index.get(pair, ()):
                shared[position] += 1
        best = (0.0, "")
        for position, count in shared.items():
            other = reduced_training[position]
            # The ratio cannot reach the threshold unless they share this many character pairs.
            if count < threshold * 0.5 * min(len(pairs), len(bigrams(other))):
                continue
            ratio = 1.0 if text == other else difflib.SequenceMatcher(None, text, other, autojunk=False).ratio()
            if ratio > best[0]:
                best = (ratio, training[position])
        if best[0] >= threshold:
            found.append((example, best[1], best[0]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--heldout", type=Path, default=BOT / "tests" / "heldout")
    parser.add_argument("--data", type=Path, default=BOT / "data")
    parser.add_argument("--threshold", type=float, default=0.8)
    arguments = parser.parse_args()
    heldout = [example for path in sorted(arguments.heldout.glob("*.yml")) for _intent, example in utterances(path)]
    training = [example for path in sorted(arguments.data.glob("nlu*.yml")) for _intent, example in utterances(path)]
    found = overlaps(heldout, training, arguments.threshold)
    for example, trained, ratio in found:
        print(f"{ratio:.2f}  held out: {example}\n      trained:  {trained}")
    print(f"{len(heldout)} held-out utterances against {len(training)} training ones: {len(found)} overlap")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
