"""A development split of the training data, for choosing the pipeline's settings without looking
at the held-out file (tests/nlu_heldout.yml, which only ever measures the final model).

Takes a seeded fifth of the complaint, report and both examples (with --every-intent, of every
intent with at least ten examples) out of data/ into DEV/dev.yml and writes the rest, with every
other file of data/, to DEV/data/. Then, for each configuration to
compare:

    rasa train nlu --config CONFIG --nlu DEV/data --out DEV/models
    rasa test nlu --nlu DEV/dev.yml --model DEV/models/<model> --out DEV/results-<name>
    python tools/evaluate_nlu.py DEV/results-<name>

Usage: python tools/dev_split.py DEV [--fraction 0.2] [--seed 12315] [--every-intent]"""

import argparse
import random
import shutil
from pathlib import Path

import yaml

TRIAGE = ("complaint", "report", "complaint_and_report")
DATA = Path(__file__).resolve().parent.parent / "data"


def examples_block(examples: list[str]) -> str:
    return "".join(f"    - {example}\n" for example in examples)


def write_nlu(path: Path, blocks: list[tuple[str, list[str]]]) -> None:
    text = 'version: "3.1"\n\nnlu:\n'
    for intent, examples in blocks:
        text += f"- intent: {intent}\n  examples: |\n{examples_block(examples)}\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dev", type=Path)
    parser.add_argument("--fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=12315)
    parser.add_argument("--every-intent", action="store_true", help="split every intent, not only the tracks")
    arguments = parser.parse_args()
    random.seed(arguments.seed)
    shutil.rmtree(arguments.dev, ignore_errors=True)
    shutil.copytree(DATA, arguments.dev / "data")
    dev_blocks: dict[str, list[str]] = {intent: [] for intent in TRIAGE}

    def split(intent: str, examples: list[str]) -> bool:
        return intent in TRIAGE or (arguments.every_intent and len(examples) >= 10)

    for path in sorted((arguments.dev / "data").glob("nlu*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        kept_blocks = []
        for block in content.get("nlu") or []:
            if "intent" not in block:
                continue
            examples = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            if split(block["intent"], examples):
                random.shuffle(examples)
                cut = round(len(examples) * arguments.fraction)
                dev_blocks.setdefault(block["intent"], []).extend(examples[:cut])
                examples = examples[cut:]
            kept_blocks.append((block["intent"], examples))
        write_nlu(path, kept_blocks)
    write_nlu(arguments.dev / "dev.yml", list(dev_blocks.items()))
    print({intent: len(examples) for intent, examples in dev_blocks.items()}, "examples in", arguments.dev / "dev.yml")


if __name__ == "__main__":
    main()
