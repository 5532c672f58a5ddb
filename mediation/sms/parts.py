"""A text split into the parts the carrier carries, each a message of its own.

One short message carries 140 octets of user data (3GPP TS 23.040, 9.2.3.16 TP-User-Data-Length and
9.2.3.24 TP-User-Data). In the GSM 7-bit default alphabet (3GPP TS 23.038, 6.2.1) that is 160
characters, the characters of its extension table (6.2.1.1: ^ { } \\ [ ~ ] | € and the form feed)
taking two; any other character (Chinese, an emoji) makes the whole message UCS-2 (23.038, 6.2.3),
two octets a UTF-16 code unit: 70 units, and a character outside the Basic Multilingual Plane (an
emoji) is a surrogate pair of two units.

A longer text goes as separate messages of at most that many units each, numbered "(1/3)" when there
is more than one, the number counted inside the limit. A part never ends inside a word of letters
and digits (a case number, a phone number), a URL or a surrogate pair, unless that one word alone is
longer than a part. Where it can, a part ends after a space or a punctuation mark."""

import re

GSM7_PART_LIMIT = 160  # 3GPP TS 23.038 6.2.1: 140 octets of 7-bit characters
UCS2_PART_LIMIT = 70  # 3GPP TS 23.038 6.2.3: 140 octets of UCS-2, two octets a unit

# 3GPP TS 23.038 6.2.1: the default alphabet (without 0x1B, the escape to the extension table) and
# the extension table's characters, which cost two septets.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\x0c^{}\\[~]|€")

# What a part never ends inside: a URL, or a run of letters and digits (a case number such as
# TS20261130000042, a phone number, an English word).
_UNBREAKABLE = re.compile(r"https?://[^\s，。；！？、）)]+|[A-Za-z0-9]+")
# A part ends best after one of these.
_SOFT_BREAK_AFTER = frozenset(" \n\t,.;:!?，。；：！？、）)】")
_MARKER = re.compile(r"^\((\d+)/(\d+)\)")


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def gsm7_units(text: str) -> int:
    return sum(2 if char in GSM7_EXTENSION else 1 for char in text)


def ucs2_units(text: str) -> int:
    """UTF-16 code units: a character outside the Basic Multilingual Plane takes two."""
    return len(text.encode("utf-16-le")) // 2


def units(text: str) -> int:
    """The text's length as the carrier counts it, in the coding it needs."""
    return gsm7_units(text) if is_gsm7(text) else ucs2_units(text)


def part_limit(text: str, *, gsm7_limit: int = GSM7_PART_LIMIT, ucs2_limit: int = UCS2_PART_LIMIT) -> int:
    return gsm7_limit if is_gsm7(text) else ucs2_limit


def _atoms(text: str) -> list[str]:
    """The text as pieces no part ends inside: URLs and runs of letters and digits whole, every
    other character alone (a Python character is a whole code point: never half a surrogate pair)."""
    atoms, position = [], 0
    for match in _UNBREAKABLE.finditer(text):
        atoms.extend(text[position : match.start()])
        atoms.append(match.group())
        position = match.end()
    atoms.extend(text[position:])
    return atoms


def _fill(atoms: list[str], capacity: int, cost) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for atom in atoms:
        size = cost(atom)
        if size > capacity:  # one word longer than a part: only then is it cut, by characters
            for char in atom:
                if used + cost(char) > capacity:
                    chunks.append("".join(current))
                    current, used = [], 0
                current.append(char)
                used += cost(char)
            continue
        if used + size > capacity:
            # End after the last space or punctuation mark if that keeps most of the part.
            cut = next((i for i in range(len(current) - 1, 0, -1) if current[i][-1] in _SOFT_BREAK_AFTER), None)
            if cut is not None and sum(cost(atom) for atom in current[cut + 1 :]) <= capacity // 3:
                chunks.append("".join(current[: cut + 1]))
                current = current[cut + 1 :]
            else:
                chunks.append("".join(current))
                current = []
            used = sum(cost(piece) for piece in current)
        current.append(atom)
        used += size
    if current:
        chunks.append("".join(current))
    return chunks


def split_text(text: str, *, gsm7_limit: int = GSM7_PART_LIMIT, ucs2_limit: int = UCS2_PART_LIMIT) -> list[str]:
    """The parts to send `text` in: itself if it fits one message, else numbered parts "(1/3)…",
    each within the limit of its coding (markers included)."""
    gsm7 = is_gsm7(text)
    cost = gsm7_units if gsm7 else ucs2_units
    limit = gsm7_limit if gsm7 else ucs2_limit
    if cost(text) <= limit:
        return [text]
    atoms = _atoms(text)
    digits = 1
    while True:
        # Room for the widest marker of this many parts, "(99/99)" for up to 99.
        reserved = cost(f"({'9' * digits}/{'9' * digits})")
        if limit - reserved < 1:
            raise ValueError("the part limit leaves no room for the text")
        chunks = _fill(atoms, limit - reserved, cost)
        if len(chunks) < 10**digits:
            break
        digits += 1
    total = len(chunks)
    return [f"({index}/{total}){chunk}" for index, chunk in enumerate(chunks, start=1)]


def without_marker(part: str) -> str:
    """A part's text without its "(i/n)" number."""
    return _MARKER.sub("", part, count=1)
