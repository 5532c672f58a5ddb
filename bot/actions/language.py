"""The language the person reads: the chat page's language (zh-Hans or en), which the web chat
sends with every message (metadata `language`). It is kept in the `language` slot, which the
domain's responses select their English variants by, and which the actions read for the words they
write themselves."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

ENGLISH, CHINESE = "en", "zh-hans"


def message_language(tracker: Tracker) -> str | None:
    """The language the latest message came with, or None when it came with none."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    if not metadata:
        user_events = [event for event in tracker.events if event.get("event") == "user"]
        metadata = (user_events[-1].get("metadata") if user_events else None) or {}
    language = str(metadata.get("language") or "").lower()
    if not language:
        return None
    return ENGLISH if language.startswith("en") else CHINESE


def language_of(tracker: Tracker) -> str:
    return ENGLISH if (tracker.get_slot("language") or "") == ENGLISH else CHINESE


def in_language(tracker: Tracker, chinese: str, english: str) -> str:
    return english if language_of(tracker) == ENGLISH else chinese


class ActionValidateSlotMappings(ValidationAction):
    """Runs after every message (at the end of action_extract_slots): the page's language follows
    the person, also when they switch it during the conversation."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        language = message_language(tracker)
        if language is None or language == tracker.get_slot("language"):
            return {}
        return {"language": language}
