import pytest
from tools.evaluate_nlu import is_english


@pytest.mark.parametrize(
    "text, english",
    [
        ("I bought fake Nike shoes from 星辰 store, refund please", True),
        ("the shop on 淘宝 sold me a broken phone", True),
        ("我要投诉", False),
        ("在淘宝买的iPhone屏幕坏了", False),
        ("TS20261201000001", True),
        ("123 ¥", False),
    ],
)
def test_an_utterance_counts_as_english_when_most_of_its_letters_are_latin(text, english):
    assert is_english(text) is english
