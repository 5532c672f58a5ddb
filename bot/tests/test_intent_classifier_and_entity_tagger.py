"""The intent classifier and the entity tagger on their own, with the real tokenizer, real training
and a real save and load: what they say of messages they were not trained on, how sure they say
they are, and that a saved model holding anything but their own parts is refused."""

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import skops.io as skops_io
from chinese_tokenizer import DomainJiebaTokenizer
from entity_tagger import CrfEntityTagger, bio_labels, spans
from intent_classifier import MODEL_FILE, LinearIntentClassifier, fitted_temperature, softmax
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from tests.test_triage_classifier import EXAMPLES as TRACK_EXAMPLES

BOT = Path(__file__).resolve().parent.parent
DICTIONARY = str(BOT / "data" / "dictionary")
EXAMPLES = {
    "greet": ["你好", "在吗", "hello", "您好 请问", "hi", "早上好", "喂 有人吗", "嗨"],
    "thank": ["谢谢", "多谢", "thanks", "感谢帮忙", "谢了", "辛苦了 谢谢", "thank you", "太感谢了"],
    "case_progress": [
        "查一下TS20261012000031的进度",
        "我的投诉处理到哪了",
        "JB20261028000004有结果了吗",
        "商家回复了没有",
        "受理了没",
        "调解时间定了吗",
        "我的举报查得怎么样了",
        "check the status of my complaint",
    ],
    "complaint": [
        *TRACK_EXAMPLES["complaint"],
        "the blender I bought broke in a week, I want a refund",
        "装修拖了两个月 要赔违约金",
    ],
}


def execution_context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


@pytest.fixture(scope="module")
def storage(tmp_path_factory):
    return LocalModelStorage(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def preprocess(storage):
    """The tokenizer and the case-number regex features, as the pipeline runs them before."""
    tokenizer = DomainJiebaTokenizer.create(
        {**DomainJiebaTokenizer.get_default_config(), "dictionary_path": DICTIONARY},
        storage,
        Resource("tokenizer"),
        execution_context("tokenizer"),
    )
    patterns = [{"name": "case_number", "pattern": r"(?:TS|JB|ts|jb)20\d{12}"}]
    regex = RegexFeaturizer.create(
        {**RegexFeaturizer.get_default_config(), "use_word_boundaries": False},
        storage,
        Resource("regex"),
        execution_context("regex"),
    )

    def run(messages: list[Message], training: bool = False) -> list[Message]:
        if training:
            data = tokenizer.process_training_data(TrainingData(messages, regex_features=patterns))
            regex.train(data)
            return regex.process_training_data(data).nlu_examples
        return regex.process(tokenizer.process(messages))

    return run


@pytest.fixture(scope="module")
def intents(storage, preprocess):
    messages = [Message.build(text=text, intent=intent) for intent, texts in EXAMPLES.items() for text in texts]
    classifier = LinearIntentClassifier.create({}, storage, Resource("intents"), execution_context("intents"))
    classifier.train(TrainingData(preprocess(messages, training=True)))
    return LinearIntentClassifier.load({}, storage, Resource("intents"), execution_context("intents"))


def judged(intents, preprocess, text: str) -> Message:
    message = Message.build(text=text)
    intents.process(preprocess([message]))
    return message


@pytest.mark.parametrize(
    "text, intent",
    [
        ("你好呀", "greet"),
        ("非常感谢", "thank"),
        ("TS20261101000157现在什么情况", "case_progress"),
        ("我的案子有进展吗", "case_progress"),
        ("买的电视机坏了 要退款", "complaint"),
    ],
)
def test_messages_it_was_not_trained_on_get_their_intent(intents, preprocess, text, intent):
    assert judged(intents, preprocess, text).get("intent")["name"] == intent


def test_the_ranking_is_a_probability_distribution_best_first(intents, preprocess):
    message = judged(intents, preprocess, "买的电视机坏了 要退款")
    ranking = message.get("intent_ranking")
    confidences = [entry["confidence"] for entry in ranking]
    assert {entry["name"] for entry in ranking} == set(EXAMPLES)
    assert sum(confidences) == pytest.approx(1.0)
    assert confidences == sorted(confidences, reverse=True)
    assert message.get("intent") == ranking[0]


def test_the_temperature_makes_held_back_scores_most_likely():
    # Scores that rank the right class first but are three times too sure of it: the fitted
    # temperature is about three.
    rng = np.random.default_rng(12315)
    truth = rng.integers(0, 3, size=600)
    honest = rng.normal(size=(600, 3))
    honest[np.arange(600), truth] += 1.0
    temperature = fitted_temperature(honest * 3, truth)
    assert 2.4 < temperature < 3.6
    probabilities = softmax(honest * 3, temperature)
    assert np.allclose(probabilities.sum(axis=1), 1.0)


def test_a_saved_intent_model_holding_anything_else_is_refused(storage, intents):
    with storage.write_to(Resource("tampered")) as directory:
        skops_io.dump({"classifier": intents.classifier, "extra": Fraction(1, 3)}, directory / MODEL_FILE)
    with pytest.raises(TypeError, match="should not"):
        LinearIntentClassifier.load({}, storage, Resource("tampered"), execution_context("intents"))


TAGGED = [
    "我在[星辰电器](merchant)买的[冰箱](product)坏了",
    "[上个月](date)在[国美](merchant)买的[空调](product)漏水",
    "[华为](brand)的[手机](product)花了[三千](amount)",
    "在[苏宁](merchant)买的[洗衣机](product)不转了",
    "[京东](merchant)上买的[耳机](product)没声音",
    "[海尔](brand)[冰箱](product)花了[两千八](amount)",
    "[昨天](date)在[永辉超市](merchant)买的[牛奶](product)过期了",
    "[格力](brand)[空调](product)[五千](amount)块买的",
]


def annotated(example: str) -> Message:
    import re

    plain, entities, position = "", [], 0
    for match in re.finditer(r"\[([^\]]+)\]\(([a-z_]+)\)", example):
        plain += example[position : match.start()]
        entities.append({"start": len(plain), "end": len(plain) + len(match[1]), "value": match[1], "entity": match[2]})
        plain += match[1]
        position = match.end()
    plain += example[position:]
    return Message.build(text=plain, intent="complaint", entities=entities)


def test_the_tagger_finds_the_merchant_and_product_of_a_sentence_it_was_not_trained_on(storage, preprocess):
    examples = [annotated(example) for example in TAGGED] * 3
    config = {"dictionary_path": DICTIONARY}
    tagger = CrfEntityTagger.create(config, storage, Resource("tagger"), execution_context("t"))
    tagger.train(TrainingData(preprocess(examples, training=True)))
    loaded = CrfEntityTagger.load(config, storage, Resource("tagger"), execution_context("t"))
    message = Message.build(text="在苏宁买的冰箱坏了")
    loaded.process(preprocess([message]))
    found = {(entity["entity"], entity["value"]) for entity in message.get("entities")}
    assert {("merchant", "苏宁"), ("product", "冰箱")} <= found
    assert all(entity["extractor"] == "CrfEntityTagger" for entity in message.get("entities"))
    assert all(0 < entity["confidence"] <= 1 for entity in message.get("entities"))


def test_labels_and_spans_are_each_others_inverse():
    tokens = [Token("在", 0), Token("星辰", 1), Token("电器", 3), Token("买", 5), Token("冰箱", 6)]
    entities = [{"entity": "merchant", "start": 1, "end": 5}, {"entity": "product", "start": 6, "end": 8}]
    labels = bio_labels(tokens, entities)
    assert labels == ["O", "B-merchant", "I-merchant", "O", "B-product"]
    assert spans(tokens, labels, [0.9, 0.8, 0.7, 0.9, 0.6]) == [("merchant", 1, 5, 0.7), ("product", 6, 8, 0.6)]
