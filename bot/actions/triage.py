"""Sorting a message into the legal track: complaint (投诉), report (举报) or both.

The NLU names an intent for every message; this decides whether that is sure enough to act on.
When complaint, report and both are close, the bot asks one plain question that explains the
difference instead of guessing: a wrong track costs the person weeks (a report gets no mediation,
a complaint no investigation).

Once the track is settled, the work order starts with what the first message already said: the
merchant, product, brand, date and amount it names, and the message itself as the account of
what happened when it is long enough to be one. The form checks these like any other answer."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.work_order import SHORTEST_FACTS

TRIAGE_INTENTS = ("complaint", "report", "complaint_and_report")
SURE_CONFIDENCE = 0.6  # the leading track needs at least this confidence ...
SURE_MARGIN = 0.25  # ... and this lead over the next track
ENTITY_SLOTS = {
    "merchant": "merchant",
    "product": "product",
    "brand": "brand",
    "date": "purchase_date",
    "amount": "amount",
}
# An account of what happened says who did what: longer than a bare "我要投诉".
SHORTEST_ACCOUNT = 3 * SHORTEST_FACTS


def triage_track(intent_ranking: list[dict[str, Any]]) -> str | None:
    """The track the NLU is sure of, or None when the person should be asked."""
    scores = dict.fromkeys(TRIAGE_INTENTS, 0.0)
    for entry in intent_ranking:
        if entry.get("name") in scores:
            scores[entry["name"]] = float(entry.get("confidence") or 0.0)
    (best, best_score), (_second, second_score) = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:2]
    if best_score >= SURE_CONFIDENCE and best_score - second_score >= SURE_MARGIN:
        return best
    return None


class ActionTriage(Action):
    def name(self) -> str:
        return "action_triage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        message = tracker.latest_message or {}
        chosen = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        # A button of the clarifying question is the person's own choice: take it as it is.
        track = chosen if text.startswith("/") and chosen in TRIAGE_INTENTS else None
        if track is None:
            track = triage_track(message.get("intent_ranking") or [])
        if track is None:
            # The account stays for when the person has chosen.
            dispatcher.utter_message(response="utter_ask_complaint_or_report")
            account = [] if text.startswith("/") else [SlotSet("first_account", text)]
            return [SlotSet("case_track", None), SlotSet("track_settled", False), *account]
        dispatcher.utter_message(response=f"utter_track_{track}")
        return [SlotSet("case_track", track), SlotSet("track_settled", True), *self._prefilled(tracker, message, text)]

    @staticmethod
    def _prefilled(tracker: Tracker, message: dict, text: str) -> list[dict]:
        account = tracker.get_slot("first_account") if text.startswith("/") else text
        events = [SlotSet("first_account", None)]
        if account and len(account) >= SHORTEST_ACCOUNT:
            events.append(SlotSet("facts", account))
        for entity in message.get("entities") or []:
            slot = ENTITY_SLOTS.get(entity.get("entity"))
            if slot and entity.get("value"):
                events.append(SlotSet(slot, entity["value"]))
        return events
