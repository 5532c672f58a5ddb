"""jieba with the bot's domain dictionary, without blank tokens.

Rasa's JiebaTokenizer keeps every space as a token of its own. In English or mixed text those
tokens shift what the featurizers see and break entity alignment, so they are dropped here. The
dictionary (every file in `dictionary_path`, a directory) is loaded as JiebaTokenizer loads it."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class DomainJiebaTokenizer(JiebaTokenizer):
    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        return [token for token in super().tokenize(message, attribute) if token.text.strip()]
