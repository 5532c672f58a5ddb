import sys

import yaml
from tools import dev_split


def examples(path):
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        (block["intent"], line[2:])
        for block in content["nlu"]
        if "intent" in block
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    }


def test_the_development_split_moves_a_fifth_of_the_triage_examples_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["dev_split.py", str(tmp_path)])
    dev_split.main()
    original = set().union(*(examples(path) for path in dev_split.DATA.glob("nlu*.yml")))
    kept = set().union(*(examples(path) for path in (tmp_path / "data").glob("nlu*.yml")))
    dev = examples(tmp_path / "dev.yml")
    assert not kept & dev and kept | dev == original
    assert {intent for intent, _text in dev} == set(dev_split.TRIAGE)
    triage = [item for item in original if item[0] in dev_split.TRIAGE]
    assert abs(len(dev) - 0.2 * len(triage)) <= 3
