"""What the person wants (the intent), by a linear model on n-grams: trained in seconds, read in
well under a millisecond.

DIET did this before. On two cores its epochs took 3 to 5 s whatever its features or size (most
of it Rasa's batching in Python), so its 100 epochs were most of a 35-minute training. On the
development split (tools/dev_split.py --every-intent) this model, with the triage classifier after
it, reads the intents as well or better; the figures and the comparison are in the README.

Features: word and character n-grams (text_features.py), the length of the message in buckets,
and the sentence features of the RegexFeaturizer (case numbers; the word lists of data/lexicon.yml).
Model: a linear support vector machine, each intent weighted by the inverse of its number of
examples (a greeting with 20 examples counts as much as a track with 700). Its scores become
confidences by a softmax whose temperature is fitted on held-back folds of the training data, so
that a confidence of 0.6 is right about 60% of the time: the fallback threshold and the triage's
"sure enough to act" rule depend on that."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from text_features import NgramFeatures, TrainedHere, save_model, saved_model

logger = logging.getLogger(__name__)

MODEL_FILE = "intents.skops"
RANKING_LENGTH = 10


def regex_sentence_features(message: Message, width: int) -> csr_matrix:
    """The RegexFeaturizer's sentence features of the message (one column per pattern), or zeros."""
    for feature in message.features:
        if feature.attribute == TEXT and feature.type == "sentence" and feature.origin == "RegexFeaturizer":
            return csr_matrix(feature.features)
    return csr_matrix((1, width))


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exponentials = np.exp(scaled)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def fitted_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature that makes held-back scores most likely (their log-loss least)."""

    def log_loss(temperature: float) -> float:
        probabilities = softmax(scores, temperature)
        return -float(np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-12)))

    return float(minimize_scalar(log_loss, bounds=(0.01, 10.0), method="bounded").x)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(TrainedHere, GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer, RegexFeaturizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Development split (every intent): C 0.3 0.847, 1 0.854, 3 0.845 before the length features.
            "C": 1.0,
            "max_char_ngram": 4,
            "min_character_count": 2,  # a character n-gram seen once is noise; halves the features
            "calibration_folds": 3,
            "random_seed": 12315,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, model_storage, resource)
        self.features: NgramFeatures | None = None
        self.classifier: LinearSVC | None = None
        self.temperature = 1.0
        self.regex_width = 0

    def _matrix(self, messages: list[Message]) -> csr_matrix:
        regex = [regex_sentence_features(message, self.regex_width) for message in messages]
        return hstack([self.features.transform(messages), *([vstack(regex)] if self.regex_width else [])]).tocsr()

    def _new_classifier(self) -> LinearSVC:
        return LinearSVC(C=self.config["C"], class_weight="balanced", random_state=self.config["random_seed"])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [example for example in training_data.intent_examples if example.get(INTENT)]
        intents = np.array([example.get(INTENT) for example in examples])
        if len(set(intents)) < 2:
            logger.warning("LinearIntentClassifier: fewer than two intents have examples; it will say nothing.")
            return self._resource
        widths = {regex_sentence_features(example, 0).shape[1] for example in examples}
        self.regex_width = max(widths)
        self.features = NgramFeatures(
            max_char_ngram=self.config["max_char_ngram"],
            min_character_count=self.config["min_character_count"],
            with_length=True,
        ).fit(examples)
        matrix = self._matrix(examples)
        self.temperature = self._calibrate(matrix, intents)
        self.classifier = self._new_classifier().fit(matrix, intents)
        self._persist()
        return self._resource

    def _calibrate(self, matrix: csr_matrix, intents: np.ndarray) -> float:
        """Scores of each fold from a model trained on the others, then the temperature."""
        classes = np.unique(intents)
        smallest = min(int((intents == intent).sum()) for intent in classes)
        folds = min(self.config["calibration_folds"], smallest)
        if folds < 2:
            return 1.0
        scores = np.zeros((len(intents), len(classes)))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.config["random_seed"])
        for train_rows, held_rows in splitter.split(matrix, intents):
            fold_model = self._new_classifier().fit(matrix[train_rows], intents[train_rows])
            columns = np.searchsorted(classes, fold_model.classes_)
            fold_scores = np.full((len(held_rows), len(classes)), -10.0)
            fold_scores[:, columns] = _scores(fold_model, matrix[held_rows])
            scores[held_rows] = fold_scores
        return fitted_temperature(scores, np.searchsorted(classes, intents))

    def process(self, messages: list[Message]) -> list[Message]:
        if self.classifier is None:
            return messages
        probabilities = softmax(_scores(self.classifier, self._matrix(messages)), self.temperature)
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row)[:RANKING_LENGTH]
            ranking = [
                {INTENT_NAME_KEY: str(self.classifier.classes_[index]), PREDICTED_CONFIDENCE_KEY: float(row[index])}
                for index in order
            ]
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _persist(self) -> None:
        model = {
            "features": self.features.to_dict(),
            "classifier": self.classifier,
            "temperature": self.temperature,
            "regex_width": self.regex_width,
        }
        save_model(self._model_storage, self._resource, MODEL_FILE, model)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        component = cls(config, model_storage, resource)
        model = saved_model(model_storage, resource, MODEL_FILE, "intent model")
        if model is None:
            logger.warning("LinearIntentClassifier has no trained model; it says nothing.")
            return component
        component.features = NgramFeatures.from_dict(model["features"])
        component.classifier = model["classifier"]
        component.temperature = float(model["temperature"])
        component.regex_width = int(model["regex_width"])
        return component


def _scores(model: LinearSVC, matrix: csr_matrix) -> np.ndarray:
    """One score per class; a two-class model's single column made into two."""
    scores = model.decision_function(matrix)
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores
