"""The tables of docs/legal-rules.md, read as the expected behaviour of the service. Tests take what
is allowed and which numbers apply from this document (written from the texts of the law), never from
the code's own tables."""

import dataclasses
import pathlib

DOCUMENT = pathlib.Path(__file__).resolve().parent.parent / "docs" / "legal-rules.md"


def table(name: str) -> list[dict[str, str]]:
    """The rows of the table between `<!-- name:start -->` and `<!-- name:end -->`, by column header."""
    text = DOCUMENT.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    assert start in text and end in text, f"docs/legal-rules.md has no table {name}"
    lines = [line.strip() for line in text.split(start, 1)[1].split(end, 1)[0].strip().splitlines()]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    header, _rule, *rows = cells
    return [dict(zip(header, row, strict=True)) for row in rows]


@dataclasses.dataclass(frozen=True)
class Move:
    kind: str
    source: str
    action: str
    target: str
    actors: frozenset[str]  # consumer, official, business, system
    in_room: bool


def life_cycle() -> list[Move]:
    moves = []
    for row in table("life-cycle"):
        who = row["Who"]
        in_room = "(room)" in who
        actors = frozenset(part.strip() for part in who.replace("(room)", "").split(","))
        moves.append(Move(row["Kind"], row["From"], row["Move"], row["To"], actors, in_room))
    return moves


def grounds(name: str) -> list[str]:
    return [row[next(iter(row))] for row in table(name)]
