"""Splitting at the carrier's limit. One short message carries 140 octets of user data (3GPP TS 23.040
9.2.3.24): 160 characters of the GSM 7-bit default alphabet (3GPP TS 23.038 6.2.1), or 70 UCS-2 units
(23.038 6.2.3) for a text with any other character, such as Chinese; a character outside the Basic
Multilingual Plane (an emoji) is a surrogate pair, two units. The expected lengths below are counted
from those numbers, not from the code's constants."""

import re

import pytest

from mediation.sms import split_text, without_marker

UCS2_LIMIT, GSM7_LIMIT = 140 // 2, 140 * 8 // 7
MARKER = re.compile(r"^\((\d+)/(\d+)\)")


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-be")) // 2


def check_parts(text: str, parts: list[str], limit: int, measure=utf16_units) -> None:
    assert all(measure(part) <= limit for part in parts), [measure(part) for part in parts]
    if len(parts) > 1:
        numbers = [MARKER.match(part).groups() for part in parts]
        assert numbers == [(str(i), str(len(parts))) for i in range(1, len(parts) + 1)]
    assert "".join(without_marker(part) for part in parts) == text


def test_exactly_seventy_chinese_characters_go_in_one_message():
    text = "消" * 70
    assert split_text(text) == [text]


def test_seventy_one_chinese_characters_go_in_two_numbered_parts():
    text = "费" * 71
    parts = split_text(text)
    assert len(parts) == 2
    assert parts[0].startswith("(1/2)") and parts[1].startswith("(2/2)")
    check_parts(text, parts, UCS2_LIMIT)


def test_a_long_notice_keeps_its_case_number_and_url_whole():
    number, url = "TS20261130000042", "http://127.0.0.1:8000/cases/TS20261130000042/"
    text = (
        f"【12315】您的投诉{number}已由杭州市西湖区市场监督管理局受理。经您和经营者同意，"
        f"将组织调解；如在规定期限内未达成协议，调解终止。详情：{url} 如有疑问请拨打12315。"
    ) * 2
    parts = split_text(text)
    assert len(parts) > 2
    check_parts(text, parts, UCS2_LIMIT)
    # Each occurrence lies whole within one part: split ones would be missing from the parts' counts.
    assert text.count(number) == 4 and text.count(url) == 2
    for word in (number, url):
        assert sum(without_marker(part).count(word) for part in parts) == text.count(word)


def test_an_emoji_counts_two_units_and_is_never_cut_in_half():
    text = "投诉已受理😀" * 12  # 6 characters, 7 UTF-16 units each time: 84 units
    assert len(text) == 72 and utf16_units(text) == 84
    parts = split_text(text)
    assert len(parts) == 2
    check_parts(text, parts, UCS2_LIMIT)
    for part in parts:
        part.encode("utf-8")  # a lone surrogate cannot be encoded


def test_sixty_nine_chinese_characters_and_an_emoji_do_not_fit_one_message():
    text = "投" * 69 + "😀"  # 71 units
    parts = split_text(text)
    assert len(parts) == 2
    check_parts(text, parts, UCS2_LIMIT)


def test_an_english_text_uses_the_seven_bit_alphabet_and_fits_160():
    text = "a" * 160
    assert split_text(text) == [text]
    longer = "[12315] Your complaint TS20261130000042 has been accepted by the Hangzhou West Lake bureau. " * 3
    parts = split_text(longer)
    assert len(parts) == 2
    check_parts(longer, parts, GSM7_LIMIT, measure=len)
    # It ends parts between words.
    assert all(without_marker(part).endswith(" ") for part in parts[:-1])


def test_a_character_of_the_extension_table_takes_two_septets():
    text = "€" * 80  # 160 septets
    assert split_text(text) == [text]
    parts = split_text("€" * 81)
    assert len(parts) == 2
    check_parts("€" * 81, parts, GSM7_LIMIT, measure=lambda part: len(part) + part.count("€"))


def test_one_latin_letter_outside_the_alphabet_makes_the_english_text_ucs2():
    text = "Reply from the business: ça marche " * 3  # ç is not in the GSM 7-bit alphabet
    parts = split_text(text)
    check_parts(text, parts, UCS2_LIMIT)
    assert len(parts) == 2


@pytest.mark.parametrize("length", [139, 140, 141, 700, 701])
def test_every_part_fits_and_the_parts_rejoin(length):
    text = ("市场监督管理局12315，" * 100)[:length]
    parts = split_text(text)
    check_parts(text, parts, UCS2_LIMIT)


def test_ten_parts_or_more_keep_room_for_the_wider_number():
    text = "调" * 700
    parts = split_text(text)
    assert len(parts) >= 10
    assert parts[9].startswith(f"(10/{len(parts)})")
    check_parts(text, parts, UCS2_LIMIT)
