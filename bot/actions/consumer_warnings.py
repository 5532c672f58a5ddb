"""The consumer warnings bureaus have published (消费提醒): "最近有什么消费提醒". Read from the
public list of the mediation service; the latest few, each with its page."""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.mediation_api import MediationApi, MediationUnavailable

LISTED_WARNINGS = 3


def warning_line(warning: dict) -> str:
    return f"· {warning['title']}（{warning['authority']}，{warning['published_at'][:10]}）{warning['url']}"


class ActionConsumerWarnings(Action):
    def __init__(self, api: MediationApi | None = None):
        self.api = api or MediationApi()

    def name(self) -> str:
        return "action_consumer_warnings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        try:
            warnings = (await self.api.consumer_warnings())[:LISTED_WARNINGS]
        except MediationUnavailable:
            dispatcher.utter_message(response="utter_consumer_warnings_unavailable")
            return []
        if not warnings:
            dispatcher.utter_message(response="utter_no_consumer_warnings")
            return []
        dispatcher.utter_message(
            response="utter_consumer_warnings", warnings="\n".join(warning_line(warning) for warning in warnings)
        )
        return []
