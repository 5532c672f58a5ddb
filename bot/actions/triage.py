"""Sorting a message into the legal track: complaint (投诉), report (举报) or both.

The NLU names an intent for every message; this decides whether that is sure enough to act on.
When complaint, report and both are close, the bot asks one plain question that explains the
difference instead of guessing: a wrong track costs the person weeks (a report gets no mediation,
a complaint no investigation).

Once the track is settled, the work order starts with what the first message already said: the
merchant, product, brand, date and amount it names, and the message itself as the account of
what happened when it is long enough to be one. Where the NLU did not pick the merchant out, the
message is read for it twice: a registered business named in full ("我在杭州星辰电器西湖店有限公司买的
冰箱坏了") is found by asking the registry for names written whole in the message; a shorter name
("我在星辰电器买的冰箱坏了") by the phrases that introduce a business when people tell of a purchase
or of what they saw (在…买, 从…订, 投诉…, 看见…卖, …的客服), kept only when the registry holds a
business whose name contains it. The form checks these like any other answer: it offers the
businesses of that name to choose from."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.mediation_api import MediationApi, MediationUnavailable
from actions.work_order import SHORTEST_FACTS, exact_matches

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
# The registry search takes at most 100 characters: a longer message is read in windows that
# overlap by more than the longest name looked for inside a text (40 characters).
SEARCH_WINDOW, SEARCH_STEP = 100, 55

# Phrases that frame a business in how people tell of a purchase or of what they saw. A frame is
# only a candidate: it names the merchant when a registered name contains it.
_IN_CLAUSE = r"[^，。！？；、,.!?;\s]"
MENTION_FRAMES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"(?:在|从|去|到)(?P<name>{_IN_CLAUSE}{{2,30}}?)"
        r"(?:买|购|订|办|充值|消费|吃|住|报名|下单|入住|剪|烫|洗|修|租|交|付)",
        rf"(?:投诉|举报)(?:一下)?(?P<name>{_IN_CLAUSE}{{2,30}}?)"
        r"(?=卖|在卖|把|不|拖|虚假|欺诈|没|乱|的|$|[，。！？；、,.!?;\s])",
        rf"(?:看见|看到|发现)(?P<name>{_IN_CLAUSE}{{2,30}}?)(?:卖|在卖|销售|把|用|虚假|无证|偷)",
        rf"(?:^|[，。！？；、,.!?;\s]|我|被)(?P<name>{_IN_CLAUSE}{{2,30}}?)的"
        r"(?:客服|店员|老板|售后|工作人员|销售|店长|经理)",
    )
)
# What a frame may hold around the name: the place before it (杭州的星辰电器) and the part of the
# shop after it (星辰电器店里).
_BEFORE_NAME = re.compile(r"^.*[的在从]|^[去到]+")
_AFTER_NAME = re.compile(r"(?:店里|那里|这里|那儿|这儿|里面|里|上|官网|网店|门店|直播间|小程序|app)$", re.IGNORECASE)
# Words that frame no particular business.
NAMES_NO_ONE = frozenset(
    "网上 线上 线下 网店 店里 实体店 门店 专卖店 旗舰店 商场 超市 市场 菜市场 商店 小店 小区 楼下 附近 路边 "
    "街上 家里 当地 本地 外地 朋友圈 微信 淘宝 直播间 商家 卖家 店家 老板 他们 他家 她家 对方 公司 这里 那里".split()
)
_NO_ONE_START = ("这", "那", "某", "一家", "他们", "他家", "她家", "人家", "别人")
SHORTEST_MENTION = 3
# A message names at most a few candidates; each costs one registry search.
MOST_MENTIONS_LOOKED_UP = 3


def merchant_mentions(text: str) -> list[str]:
    """Names the message frames as a business (在星辰电器买 → 星辰电器), in order, without repeats."""
    mentions: list[str] = []
    for frame in MENTION_FRAMES:
        for found in frame.finditer(text):
            name = _AFTER_NAME.sub("", _BEFORE_NAME.sub("", found.group("name"))).strip()
            if len(name) < SHORTEST_MENTION or name in NAMES_NO_ONE or name.startswith(_NO_ONE_START):
                continue
            if name not in mentions:
                mentions.append(name)
    return mentions


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
    def __init__(self, api: MediationApi | None = None):
        self.api = api or MediationApi()

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
            account = []
            if not text.startswith("/"):
                found = [
                    {"entity": entity["entity"], "value": entity["value"]}
                    for entity in message.get("entities") or []
                    if entity.get("entity") in ENTITY_SLOTS and entity.get("value")
                ]
                account = [SlotSet("first_account", text), SlotSet("first_account_entities", found)]
            return [SlotSet("case_track", None), SlotSet("track_settled", False), *account]
        dispatcher.utter_message(response=f"utter_track_{track}")
        prefilled = await self._prefilled(tracker, message, text)
        return [SlotSet("case_track", track), SlotSet("track_settled", True), *prefilled]

    async def _prefilled(self, tracker: Tracker, message: dict, text: str) -> list[dict]:
        # After the clarifying question, the person's choice is a button: what they said is in the
        # first message, kept with what the NLU found in it.
        chose = text.startswith("/")
        account = tracker.get_slot("first_account") if chose else text
        entities = (tracker.get_slot("first_account_entities") or []) if chose else message.get("entities") or []
        events = [SlotSet("first_account", None), SlotSet("first_account_entities", None)]
        if account and len(account) >= SHORTEST_ACCOUNT:
            events.append(SlotSet("facts", account))
        for entity in entities:
            slot = ENTITY_SLOTS.get(entity.get("entity"))
            if slot and entity.get("value"):
                events.append(SlotSet(slot, entity["value"]))
        if account and not any(event["name"] == "merchant" for event in events):
            named = await self._business_named_in_full(account) or await self._business_mentioned(account)
            if named:
                events.append(SlotSet("merchant", named))
        return events

    async def _business_named_in_full(self, account: str) -> str | None:
        """The registered name written whole in the message, if there is one (the longest)."""
        starts = range(0, max(1, len(account) - SEARCH_WINDOW + SEARCH_STEP), SEARCH_STEP)
        for start in starts:
            window = account[start : start + SEARCH_WINDOW]
            try:
                found = exact_matches(window, await self.api.search_entities(window, limit=5))
            except MediationUnavailable:
                return None  # the form asks for the merchant and checks the answer then
            if found:
                return found[0]["name"]
        return None

    async def _business_mentioned(self, account: str) -> str | None:
        """The first name the message frames as a business that a registered name contains."""
        for mention in merchant_mentions(account)[:MOST_MENTIONS_LOOKED_UP]:
            try:
                found = await self.api.search_entities(mention, limit=5)
            except MediationUnavailable:
                return None
            if any(mention.lower() in entity["name"].lower() for entity in found):
                return mention
        return None
