"""The text of a frame the server sends (channels_app.frames.frame_text): JSON any client parses to
the same value, with Chinese as itself rather than escaped."""

import json

import pytest

from channels_app.frames import frame_text


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "message", "seq": 7, "text": "退款还没到账 🙁", "author": None, "duplicate": False},
        {"type": "state", "room": {"proposals": [{"terms": {"refund_amount": "299.00"}}]}, "participants": []},
        {"type": "history", "events": [], "has_more": True, "ratio": 0.5},
        {"type": "error", "message": 'a "quoted" \\ back\nslash'},
    ],
)
def test_a_frame_reads_back_as_the_same_value(frame):
    assert json.loads(frame_text(frame)) == frame


def test_chinese_is_sent_as_itself():
    assert "退款" in frame_text({"text": "退款"})


def test_keys_that_are_numbers_become_strings_as_json_has_them():
    assert json.loads(frame_text({"read": {12: 30}})) == {"read": {"12": 30}}
