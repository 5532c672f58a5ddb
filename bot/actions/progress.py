"""Where a case stands: "TS20261201000001到哪一步了" or "我的投诉处理到哪了". The consumer's own cases
only, read through the API on their behalf; a number that is not theirs is answered exactly like
one that does not exist, so that numbers cannot be probed."""

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.filing import day_in_words, handoff_case
from actions.language import in_language, language_of
from actions.mediation_api import MediationApi, MediationUnavailable, chat_person

LISTED_CASES = 5
_CASE_NUMBER = re.compile(r"(?:TS|JB)20\d{12}", re.IGNORECASE)


def case_number_in(tracker: Tracker) -> str | None:
    message = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == "case_number" and entity.get("value"):
            return str(entity["value"]).upper()
    found = _CASE_NUMBER.search(message.get("text") or "")
    return found.group(0).upper() if found else None


def case_line(case: dict, language: str = "zh-hans") -> str:
    if language == "en":
        due = f", due {day_in_words(case['next_due'], language)}" if case.get("next_due") else ""
        return f"{case['number']} ({case.get('entity') or ''}): {case['status_display']}{due}"
    due = f"，期限 {day_in_words(case['next_due'])}" if case.get("next_due") else ""
    return f"{case['number']}（{case.get('entity') or ''}）：{case['status_display']}{due}"


class ActionCaseProgress(Action):
    def __init__(self, api: MediationApi | None = None):
        self.api = api or MediationApi()

    def name(self) -> str:
        return "action_case_progress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        person = chat_person(tracker)
        if person is None:
            dispatcher.utter_message(response="utter_sign_in_to_see_cases")
            return []
        number = case_number_in(tracker)
        try:
            if number:
                case = await self.api.consumer_case(number, person)
                if case is None:
                    dispatcher.utter_message(response="utter_case_not_found", number=number)
                    return []
                dispatcher.utter_message(
                    response="utter_case_progress",
                    number=case["number"],
                    status=case["status_display"],
                    authority=(case.get("handling_authority") or {}).get("name") or "",
                    due=day_in_words(case.get("next_due"), language_of(tracker)) or in_language(tracker, "无", "none"),
                )
                dispatcher.utter_message(json_message={"handoff": {"to": "case", "cases": [handoff_case(case)]}})
                return []
            cases = (await self.api.consumer_cases(person))[:LISTED_CASES]
        except MediationUnavailable:
            dispatcher.utter_message(response="utter_cases_unavailable")
            return []
        if not cases:
            dispatcher.utter_message(response="utter_no_cases")
            return []
        buttons = [
            {"title": case["number"], "payload": f'/case_progress{{"case_number":"{case["number"]}"}}'}
            for case in cases
        ]
        dispatcher.utter_message(
            response="utter_case_list",
            cases="\n".join(case_line(case, language_of(tracker)) for case in cases),
            buttons=buttons,
        )
        return []
