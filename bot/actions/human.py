"""转人工: "我要找人工" puts the person in a live chat with the officials on duty at their home
bureau, through the mediation API, and pauses the bot until an official hands them back (the
web chat bridge resumes the conversation then, and gives the bot what was said in the live chat).
What the bot had gathered goes with the request, an earlier live chat included, so the official
does not ask again. When nobody is on duty, or the person is not signed in, the
bot gives the 12315 hotline instead and goes on."""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.language import CHINESE
from actions.mediation_api import MediationApi, MediationUnavailable, NobodyOnDuty, chat_person
from actions.work_order import work_order_answers

TRACK_NAMES = {"complaint": "投诉", "report": "举报", "complaint_and_report": "投诉和举报"}
EARLIER_MESSAGES = 3  # the person's latest words before asking, for the official's context
MAX_VALUE_CHARACTERS = 2000


def help_summary(tracker: Tracker) -> list[dict[str, str]]:
    """What the official reads first: the track, the answers given so far, and the person's last
    few messages before they asked for a person."""
    summary = []
    track = tracker.get_slot("case_track")
    if track in TRACK_NAMES:
        summary.append({"label": "类型", "value": TRACK_NAMES[track]})
        answers = work_order_answers(tracker, language=CHINESE)  # for the officials, whatever the page's language
        summary += [{"label": name, "value": value} for name, value in answers if value]
    said = [
        event.get("text") or ""
        for event in tracker.events
        if event.get("event") == "user" and (event.get("text") or "") and not event["text"].startswith("/")
    ]
    earlier = said[:-1][-EARLIER_MESSAGES:]  # the last one is the request for a person itself
    if earlier:
        summary.append({"label": "之前说的话", "value": "\n".join(earlier)})
    # An earlier live chat with officials: the next official reads what was already said.
    official_chat = tracker.get_slot("official_chat") or []
    if official_chat:
        lines = [
            f"{'消费者' if line.get('from') == 'consumer' else line.get('name') or '工作人员'}：{line.get('text', '')}"
            for line in official_chat
        ]
        summary.append({"label": "此前与工作人员的对话", "value": "\n".join(lines)})
    return [{"label": item["label"], "value": str(item["value"])[:MAX_VALUE_CHARACTERS]} for item in summary]


class ActionTalkToHuman(Action):
    def __init__(self, api: MediationApi | None = None):
        self.api = api or MediationApi()

    def name(self) -> str:
        return "action_talk_to_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        person = chat_person(tracker)
        if person is None:
            dispatcher.utter_message(response="utter_human_contact")
            return []
        try:
            request = await self.api.ask_for_official(person, help_summary(tracker))
        except NobodyOnDuty:
            dispatcher.utter_message(response="utter_nobody_on_duty")
            return []
        except MediationUnavailable:
            dispatcher.utter_message(response="utter_human_contact")
            return []
        dispatcher.utter_message(response="utter_handed_to_official", authority=request["authority"]["name"])
        dispatcher.utter_message(
            json_message={"handoff": {"to": "official", "help_request": request["id"], "room_url": request["room_url"]}}
        )
        return [ConversationPaused()]
