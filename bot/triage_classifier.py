"""Which track, once the intent classifier has said the message is a complaint, a report or both.

The intent classifier (intent_classifier.py) decides whether a message is about a complaint or
report at all among every intent the bot knows. Between the three tracks a model trained on the
tracks' examples alone separates them better and says honestly how sure it is: a logistic
regression on word and character n-grams (text_features.py).

This component keeps the intent classifier's probability that the message is one of the three
tracks and shares it among them by the regression's probabilities; every other intent keeps its
confidence. It was written for DIET, which gave one track a confidence near 1.0 whether right or
not (development split, tools/dev_split.py: 0.853 alone, 0.895 with this component); with the
linear intent classifier the README gives the figures of both together."""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression
from text_features import NgramFeatures, TrainedHere, save_model, saved_model

logger = logging.getLogger(__name__)

MODEL_FILE = "triage.skops"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TriageClassifier(TrainedHere, GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intents": ["complaint", "report", "complaint_and_report"],
            "C": 10.0,  # inverse regularisation; 10 and 30 did equally on the development split, 3 worse
            "max_char_ngram": 4,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, model_storage, resource)
        self.features: NgramFeatures | None = None
        self.classifier: LogisticRegression | None = None

    def train(self, training_data: TrainingData) -> Resource:
        intents = set(self.config["intents"])
        examples = [example for example in training_data.intent_examples if example.get(INTENT) in intents]
        if len({example.get(INTENT) for example in examples}) < 2:
            logger.warning("TriageClassifier: fewer than two of %s have examples; it will change nothing.", intents)
            return self._resource
        self.features = NgramFeatures(max_char_ngram=self.config["max_char_ngram"]).fit(examples)
        self.classifier = LogisticRegression(C=self.config["C"], max_iter=3000)
        self.classifier.fit(self.features.transform(examples), [example.get(INTENT) for example in examples])
        self._persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self.classifier is None:
            return messages
        judged = [message for message in messages if self._is_triage(message)]
        if not judged:
            return messages
        probabilities = self.classifier.predict_proba(self.features.transform(judged))
        tracks = self.classifier.classes_
        for message, track_probabilities in zip(judged, probabilities, strict=True):
            self._share_triage_confidence(message, dict(zip(tracks, track_probabilities, strict=True)))
        return messages

    def _is_triage(self, message: Message) -> bool:
        """Only a message the intent classifier puts on one of the tracks is re-judged: a greeting
        or a question stays what it said it is."""
        intent = message.get(INTENT) or {}
        return intent.get(INTENT_NAME_KEY) in self.config["intents"] and bool(message.get(INTENT_RANKING_KEY))

    def _share_triage_confidence(self, message: Message, track_probabilities: dict[str, float]) -> None:
        ranking = [dict(entry) for entry in message.get(INTENT_RANKING_KEY)]
        triage_mass = sum(
            entry[PREDICTED_CONFIDENCE_KEY] for entry in ranking if entry[INTENT_NAME_KEY] in track_probabilities
        )
        present = {entry[INTENT_NAME_KEY] for entry in ranking}
        # The ranking is cut to its top entries: a track missing from it gets its share too.
        missing = [track for track in track_probabilities if track not in present]
        ranking += [{INTENT_NAME_KEY: track, PREDICTED_CONFIDENCE_KEY: 0.0} for track in missing]
        for entry in ranking:
            if entry[INTENT_NAME_KEY] in track_probabilities:
                entry[PREDICTED_CONFIDENCE_KEY] = float(triage_mass * track_probabilities[entry[INTENT_NAME_KEY]])
        ranking.sort(key=lambda entry: entry[PREDICTED_CONFIDENCE_KEY], reverse=True)
        message.set(INTENT, dict(ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def _persist(self) -> None:
        model = {"features": self.features.to_dict(), "classifier": self.classifier}
        save_model(self._model_storage, self._resource, MODEL_FILE, model)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TriageClassifier:
        component = cls(config, model_storage, resource)
        model = saved_model(model_storage, resource, MODEL_FILE, "triage model")
        if model is None:
            # Trained without examples of two tracks (train() saved nothing): the ranking stands.
            logger.warning("TriageClassifier has no trained model; the intent classifier's ranking stands.")
            return component
        component.features = NgramFeatures.from_dict(model["features"])
        component.classifier = model["classifier"]
        return component
