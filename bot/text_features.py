"""The n-gram features the bot's linear classifiers read a message by, and how they are saved.

Words are the tokenizer's (jieba with the domain dictionary, blanks dropped); characters are read
across word boundaries, so a negation or a short phrase that jieba splits (不要赔, 没买, 你们查) is
still one feature. Both are TF-IDF weighted with sublinear counts: a long story does not outweigh a
short message by its length alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import skops.io as skops_io
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

# Upper bounds (in characters) of the length buckets. A one-word message that the model has never
# seen (早, 否, 停) carries no n-gram it knows; its length still says it is not a story.
LENGTH_BUCKETS = (1, 2, 3, 4, 6, 9, 14, 20, 30, 50)


def words_of(message: Message) -> str:
    """The tokenizer's words, space-joined: a word never holds a space (the tokenizer drops blanks)."""
    return " ".join(token.text.lower() for token in message.get(TOKENS_NAMES[TEXT]) or [])


def text_of(message: Message) -> str:
    return (message.get(TEXT) or "").lower()


def length_buckets(texts: list[str]) -> csr_matrix:
    """One column per bucket: 1 where the message is at most that long."""
    lengths = np.array([[len(text.strip())] for text in texts])
    return csr_matrix((lengths <= np.array(LENGTH_BUCKETS)).astype(np.float64))


class NgramFeatures:
    """Word (1-2) and character (1 to max_char_ngram) n-grams, fitted on the training examples."""

    def __init__(self, *, max_char_ngram: int = 4, min_character_count: int = 1, with_length: bool = False):
        self.words = TfidfVectorizer(token_pattern=r"[^ ]+", ngram_range=(1, 2), sublinear_tf=True, lowercase=False)
        self.characters = TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, max_char_ngram),
            sublinear_tf=True,
            lowercase=False,
            min_df=min_character_count,
        )
        self.with_length = with_length

    def fit(self, messages: list[Message]) -> NgramFeatures:
        self.words.fit([words_of(message) for message in messages])
        self.characters.fit([text_of(message) for message in messages])
        return self

    def transform(self, messages: list[Message]) -> csr_matrix:
        texts = [text_of(message) for message in messages]
        parts = [self.words.transform([words_of(message) for message in messages]), self.characters.transform(texts)]
        if self.with_length:
            parts.append(length_buckets(texts))
        return hstack(parts).tocsr()

    def to_dict(self) -> dict[str, Any]:
        return {"words": self.words, "characters": self.characters, "with_length": self.with_length}

    @classmethod
    def from_dict(cls, saved: dict[str, Any]) -> NgramFeatures:
        features = cls.__new__(cls)
        features.words, features.characters = saved["words"], saved["characters"]
        features.with_length = bool(saved.get("with_length", False))
        return features


# What a saved model may contain; anything else in the file is refused on load.
TRUSTED_TYPES = [
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.svm._classes.LinearSVC",
    "scipy.sparse._csr.csr_matrix",  # the idf weights
    "numpy.float64",
    "numpy.int64",
    "builtins.dict",
    "builtins.list",
    "builtins.str",
    "builtins.bool",
    "builtins.float",
]


def save_model(model_storage: ModelStorage, resource: Resource, file_name: str, model: dict[str, Any]) -> None:
    with model_storage.write_to(resource) as directory:
        skops_io.dump(model, directory / file_name)


def load_model(path: Path, what: str) -> dict[str, Any]:
    """The saved dict, refusing a file that holds any type not in TRUSTED_TYPES."""
    found = skops_io.get_untrusted_types(file=path)
    unexpected = [name for name in found if name not in TRUSTED_TYPES]
    if unexpected:
        raise TypeError(f"The saved {what} holds types it should not: {unexpected}")
    return skops_io.load(path, trusted=found)


def saved_model(model_storage: ModelStorage, resource: Resource, file_name: str, what: str) -> dict[str, Any] | None:
    """What the component saved when it was trained, or None if training saved nothing (too few
    examples to learn from)."""
    try:
        with model_storage.read_from(resource) as directory:
            path = directory / file_name
            return load_model(path, what) if path.exists() else None
    except ValueError:  # the resource was never written
        return None


class TrainedHere:
    """What the bot's own components share: made from their config and storage, and they leave
    the training data as they found it."""

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ):
        return cls(config, model_storage, resource)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
