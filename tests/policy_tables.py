"""The access-policy tables of docs/security.md, read as the tests expect them: each table sits
between `<!-- NAME:start -->` and `<!-- NAME:end -->`; its first column names the operation, the
others who asks."""

import re
from pathlib import Path

SECURITY_DOC = Path(__file__).resolve().parent.parent / "docs" / "security.md"


def read_policy_table(name: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The table's columns, and for each operation its cell in each column."""
    text = SECURITY_DOC.read_text(encoding="utf-8")
    block = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S).group(1)
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in block.strip().splitlines()]
    header, _rule, *body = rows
    columns = header[1:]
    return columns, {row[0]: dict(zip(columns, row[1:], strict=True)) for row in body}


def allowed(response) -> bool:
    """A page answered (or sent on), and not to the log-in page."""
    return response.status_code in (200, 302) and not response.get("Location", "").startswith("/log-in/")


def check_cell(operation: str, column: str, *, expected: bool, response, done: bool | None) -> None:
    """One cell's verdict: a page (`done` None) opened exactly when the table says yes; an act done
    exactly when it says yes, its answer then not a refusal. Never a server error."""
    assert response.status_code < 500
    if done is None:  # a page: opened, or refused
        assert allowed(response) == expected, (operation, column, response.status_code)
    else:  # an act: done, or nothing changed
        assert done == expected, (operation, column, response.status_code)
        if expected:
            assert allowed(response), (operation, column, response.status_code)
