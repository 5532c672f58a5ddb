"""The things a message names (merchant, brand, product, amount, date, place, which answer a
correction is about), by a conditional random field over the tokenizer's words.

DIET did this before, at 3 to 5 s an epoch on two cores. Rasa's own CRFEntityExtractor keeps only
its training data in the model and trains again every time the model is loaded, so a bot would
take minutes to start; this one saves the trained tagger in CRFsuite's own file format (no pickle)
and loads it in milliseconds.

Each word is described by itself and its neighbours (two either side), its first and last
characters (元, 块, 号, 店, 公司 end amounts, dates and names), its shape (digits, Latin letters)
and the tag the domain dictionary gives it (nz brand, n goods, nt organisation, ns place, m amount,
t time). Tags are B-/I-/O per word: an annotation always falls on word boundaries
(tools/check_entity_alignment.py)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pycrfsuite
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from text_features import TrainedHere

logger = logging.getLogger(__name__)

MODEL_FILE = "entities.crfsuite"
DICTIONARY_FILE = "dictionary_tags.json"
OUTSIDE = "O"


def dictionary_tags(directory: Path) -> dict[str, str]:
    """word → part-of-speech tag of every entry of the jieba user dictionaries in `directory`."""
    tags: dict[str, str] = {}
    for path in sorted(directory.glob("*")):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) >= 3:
                    tags[parts[0].lower()] = parts[2]
    return tags


def shape(word: str) -> str:
    if word.isdigit():
        return "digits"
    if any(character.isdigit() for character in word):
        return "has-digit"
    if word.isascii() and word.isalpha():
        return "latin"
    return "other"


def word_features(words: list[str], position: int, tags: dict[str, str]) -> list[str]:
    word = words[position]
    features = [
        "bias",
        f"w={word}",
        f"first={word[:1]}",
        f"last={word[-1:]}",
        f"last2={word[-2:]}",
        f"len={min(len(word), 5)}",
        f"shape={shape(word)}",
        f"tag={tags.get(word, '-')}",
    ]
    for offset in (-2, -1, 1, 2):
        neighbour = position + offset
        if 0 <= neighbour < len(words):
            other = words[neighbour]
            features += [f"{offset}:w={other}", f"{offset}:tag={tags.get(other, '-')}", f"{offset}:last={other[-1:]}"]
        else:
            features.append(f"{offset}:edge")
    if position > 0:
        features.append(f"pair-before={words[position - 1]}|{word}")
    if position + 1 < len(words):
        features.append(f"pair-after={word}|{words[position + 1]}")
    return features


def sentence_features(tokens: list[Token], tags: dict[str, str]) -> list[list[str]]:
    words = [token.text.lower() for token in tokens]
    return [word_features(words, position, tags) for position in range(len(words))]


def bio_labels(tokens: list[Token], entities: list[dict[str, Any]]) -> list[str]:
    labels = []
    for token in tokens:
        entity = next(
            (
                entity
                for entity in entities
                if entity[ENTITY_ATTRIBUTE_START] <= token.start < entity[ENTITY_ATTRIBUTE_END]
            ),
            None,
        )
        if entity is None:
            labels.append(OUTSIDE)
        else:
            prefix = "B" if token.start <= entity[ENTITY_ATTRIBUTE_START] else "I"
            labels.append(f"{prefix}-{entity[ENTITY_ATTRIBUTE_TYPE]}")
    return labels


def spans(tokens: list[Token], labels: list[str], confidences: list[float]) -> list[tuple[str, int, int, float]]:
    """(entity, start, end, confidence) of each run B- I- I-… of one entity type."""
    found: list[list[Any]] = []
    previous = OUTSIDE
    for token, label, confidence in zip(tokens, labels, confidences, strict=True):
        if label != OUTSIDE:
            prefix, entity = label.split("-", 1)
            if prefix == "I" and previous != OUTSIDE and previous.split("-", 1)[1] == entity:
                found[-1][2] = token.end
                found[-1][3] = min(found[-1][3], confidence)
            else:
                found.append([entity, token.start, token.end, confidence])
        previous = label
    return [tuple(span) for span in found]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class CrfEntityTagger(TrainedHere, GraphComponent, EntityExtractorMixin):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "dictionary_path": "data/dictionary",
            # Entities the buttons and the regular expressions fill are not learnt from words.
            "ignore": ["case_number", "category", "violation", "anonymous", "merchant_id"],
            "L1": 0.05,
            "L2": 0.01,
            "max_iterations": 150,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, model_storage, resource)
        self.tags: dict[str, str] = {}
        self.tagger: pycrfsuite.Tagger | None = None

    def train(self, training_data: TrainingData) -> Resource:
        self.tags = dictionary_tags(Path(self.config["dictionary_path"]))
        ignored = set(self.config["ignore"])
        trainer = pycrfsuite.Trainer(verbose=False)
        for example in training_data.nlu_examples:
            tokens = example.get(TOKENS_NAMES[TEXT])
            if not tokens or example.get(TEXT, "").startswith("/"):
                continue
            entities = [
                entity for entity in example.get(ENTITIES) or [] if entity[ENTITY_ATTRIBUTE_TYPE] not in ignored
            ]
            trainer.append(sentence_features(tokens, self.tags), bio_labels(tokens, entities))
        trainer.set_params(
            {
                "c1": self.config["L1"],
                "c2": self.config["L2"],
                "max_iterations": self.config["max_iterations"],
                "feature.possible_transitions": True,
            }
        )
        with self._model_storage.write_to(self._resource) as directory:
            trainer.train(str(directory / MODEL_FILE))
            (directory / DICTIONARY_FILE).write_text(json.dumps(self.tags, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrfEntityTagger:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                component.tags = json.loads((directory / DICTIONARY_FILE).read_text(encoding="utf-8"))
                component.tagger = pycrfsuite.Tagger()
                component.tagger.open(str(directory / MODEL_FILE))
        except (ValueError, FileNotFoundError):
            logger.warning("CrfEntityTagger has no trained model; it finds nothing.")
            component.tagger = None
        return component

    def process(self, messages: list[Message]) -> list[Message]:
        if self.tagger is None:
            return messages
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if not tokens:
                continue
            labels = self.tagger.tag(sentence_features(tokens, self.tags))
            confidences = [self.tagger.marginal(label, position) for position, label in enumerate(labels)]
            text = message.get(TEXT)
            entities = [
                {
                    ENTITY_ATTRIBUTE_TYPE: entity,
                    ENTITY_ATTRIBUTE_START: start,
                    ENTITY_ATTRIBUTE_END: end,
                    ENTITY_ATTRIBUTE_VALUE: text[start:end],
                    ENTITY_ATTRIBUTE_CONFIDENCE: confidence,
                }
                for entity, start, end, confidence in spans(tokens, labels, confidences)
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(entities), add_to_output=True)
        return messages
