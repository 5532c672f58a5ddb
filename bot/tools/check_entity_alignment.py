"""Check that every entity annotation in Rasa NLU YAML files falls on jieba word boundaries, with the
bot's user dictionary loaded as the bot's tokenizer loads it (every file in data/dictionary/).
An annotation that cuts a jieba word is silently dropped by Rasa in training.

Usage: python bot/tools/check_entity_alignment.py FILE.yml [FILE.yml ...]
Exit status 1 and a list of the misaligned examples if any."""

import re
import sys
from pathlib import Path

import jieba
import yaml

DICTIONARY = Path(__file__).resolve().parent.parent / "data" / "dictionary"
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?P<spec>\([^)]*\)|\{[^}]*\})")


def load_dictionary() -> None:
    jieba.setLogLevel(60)
    for path in sorted(DICTIONARY.glob("*")):
        if path.is_file():
            jieba.load_userdict(str(path))


def plain_and_spans(example: str) -> tuple[str, list[tuple[int, int, str]]]:
    plain, spans, position = [], [], 0
    for match in ANNOTATION.finditer(example):
        plain.append(example[position : match.start()])
        start = sum(len(part) for part in plain)
        plain.append(match["text"])
        spans.append((start, start + len(match["text"]), match["text"]))
        position = match.end()
    plain.append(example[position:])
    return "".join(plain), spans


def token_boundaries(text: str) -> tuple[set[int], set[int]]:
    starts, ends = set(), set()
    for word, start, end in jieba.tokenize(text):
        if word.strip():
            starts.add(start)
            ends.add(end)
    return starts, ends


def examples_of(path: Path):
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in document.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield block.get("intent") or block.get("synonym") or block.get("lookup"), line[2:]


def main(paths: list[str]) -> int:
    load_dictionary()
    problems = 0
    for name in paths:
        for intent, example in examples_of(Path(name)):
            text, spans = plain_and_spans(example)
            starts, ends = token_boundaries(text)
            for start, end, value in spans:
                if start not in starts or end not in ends:
                    problems += 1
                    words = " / ".join(word for word, _s, _e in jieba.tokenize(text) if word.strip())
                    print(f"{name}: {intent}: “{value}” is not whole words in: {words}")
    print(f"{problems} misaligned annotations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
