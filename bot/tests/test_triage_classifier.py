"""The triage component on its own, with a real tokenizer, real training and a real save and load:
it re-judges only the three tracks, shares the intent classifier's confidence in them among them, leaves every
other intent alone, and refuses a saved model holding anything but its own parts."""

from fractions import Fraction
from pathlib import Path

import pytest
import skops.io as skops_io
from chinese_tokenizer import DomainJiebaTokenizer
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from triage_classifier import MODEL_FILE, TriageClassifier

DICTIONARY = str(Path(__file__).resolve().parent.parent / "data" / "dictionary")
EXAMPLES = {
    "complaint": [
        "买的冰箱坏了 要退货",
        "网课不想上了 把学费退给我",
        "外卖送错了 给我退款",
        "手机屏幕有坏点 要换新的",
        "健身卡还剩半年 钱退我",
        "衣服洗一次就掉色 我要退钱",
    ],
    "report": [
        "我没买 但看见他们卖过期食品",
        "我是员工 老板让我们改生产日期",
        "邻居的店卖假烟 请查处",
        "路过看见那家药店卖假药 你们管管",
        "不要退钱 就想让你们查查这家店",
        "同行在直播间虚假宣传 请处罚",
    ],
    "complaint_and_report": [
        "买到假货 要退一赔三 还要你们查处他们",
        "吃了过期面包拉肚子 要赔偿 也请查查这家店",
        "充值卡老板跑路 钱要退 还要追究他们责任",
        "装修用了假材料 要返工赔钱 这种公司该罚",
        "买的奶粉是假的 退钱 并且举报他们卖假货",
        "被多收钱 要退回来 这种乱收费请处罚",
    ],
}
ELSEWHERE = {"name": "faq", "confidence": 0.3}


def execution_context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name="triage")


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("tokenizer"))
    config = {**DomainJiebaTokenizer.get_default_config(), "dictionary_path": DICTIONARY}
    return DomainJiebaTokenizer.create(config, storage, Resource("tokenizer"), execution_context())


@pytest.fixture(scope="module")
def storage(tmp_path_factory):
    return LocalModelStorage(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def trained(tokenizer, storage):
    messages = [Message.build(text=text, intent=intent) for intent, texts in EXAMPLES.items() for text in texts]
    messages.append(Message.build(text="你好", intent="greet"))
    training_data = tokenizer.process_training_data(TrainingData(messages))
    classifier = TriageClassifier.create({}, storage, Resource("triage"), execution_context())
    classifier.train(training_data)
    return TriageClassifier.load({}, storage, Resource("triage"), execution_context())


def parsed(tokenizer, text: str, ranking: list[dict]) -> Message:
    """A message as the intent classifier leaves it: tokens, an intent and a ranking."""
    message = Message.build(text=text)
    tokenizer.process([message])
    message.set("intent", dict(ranking[0]))
    message.set("intent_ranking", ranking)
    return message


def test_a_track_the_intent_classifier_chose_is_re_judged_and_keeps_its_confidence_in_the_tracks(tokenizer, trained):
    ranking = [{"name": "complaint", "confidence": 0.7}, ELSEWHERE]
    message = parsed(tokenizer, "我没买 但看见他们卖假药 请查处", ranking)
    trained.process([message])
    shares = {entry["name"]: entry["confidence"] for entry in message.get("intent_ranking")}
    assert message.get("intent")["name"] == "report"
    assert set(shares) == {"complaint", "report", "complaint_and_report", "faq"}
    assert sum(shares[track] for track in EXAMPLES) == pytest.approx(0.7)
    assert shares["faq"] == 0.3
    confidences = [entry["confidence"] for entry in message.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True)
    assert message.get("intent")["confidence"] == max(confidences)


def test_each_track_is_told_apart(tokenizer, trained):
    for text, track in [
        ("买的电视坏了 要退货退款", "complaint"),
        ("我是店员 老板让我们卖过期的东西 请查处", "report"),
        ("买到假酒 要退一赔三 还要你们查处", "complaint_and_report"),
    ]:
        message = parsed(tokenizer, text, [{"name": "report", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}])
        trained.process([message])
        assert message.get("intent")["name"] == track, text


def test_any_other_intent_is_left_as_the_intent_classifier_said(tokenizer, trained):
    ranking = [{"name": "greet", "confidence": 0.6}, {"name": "complaint", "confidence": 0.4}]
    message = parsed(tokenizer, "你好 我没买但他们卖假药", ranking)
    trained.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 0.6}
    assert message.get("intent_ranking") == ranking


def test_without_examples_of_two_tracks_it_saves_nothing_and_changes_nothing(tokenizer, tmp_path):
    storage = LocalModelStorage(tmp_path)
    only_complaints = [Message.build(text=text, intent="complaint") for text in EXAMPLES["complaint"]]
    classifier = TriageClassifier.create({}, storage, Resource("lonely"), execution_context())
    classifier.train(tokenizer.process_training_data(TrainingData(only_complaints)))
    loaded = TriageClassifier.load({}, storage, Resource("lonely"), execution_context())
    ranking = [{"name": "complaint", "confidence": 0.9}, ELSEWHERE]
    message = parsed(tokenizer, "我没买 但看见他们卖假药", ranking)
    loaded.process([message])
    assert message.get("intent_ranking") == ranking


def test_a_saved_model_holding_anything_else_is_refused(storage, trained, tmp_path):
    with storage.write_to(Resource("tampered")) as directory:
        skops_io.dump({"words": trained.features.words, "extra": Fraction(1, 3)}, directory / MODEL_FILE)
    with pytest.raises(TypeError, match="should not"):
        TriageClassifier.load({}, storage, Resource("tampered"), execution_context())
