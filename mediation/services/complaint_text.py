"""Reading a complaint's own words: what went wrong in it (its problem types) and its keywords.

Both use jieba with the triage bot's domain dictionary (bot/data/dictionary), in a tokenizer of their
own so that the registry search's default tokenizer is left as it is.

The problem types come from a classifier trained on labelled complaints
(mediation/data/problem_types/training_*.jsonl): one logistic regression per type (scikit-learn)
over the text's jieba words, its character n-grams, and the weight of each type's cues in
mediation/data/problem_type_cues.yml. The cues carry what the labelled texts are too few to teach
(rare words of a type); the n-grams carry the many ways people say the same thing. It trains
once per process, in about a second, when first used.

`python -m mediation.services.complaint_text FILE...` measures it on labelled files (one JSON
object per line: text, types) written apart from the training data: tests/data/problem_types."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import re
import sys
import unicodedata
from pathlib import Path

import ahocorasick
import jieba
import jieba.analyse
import yaml

from mediation.models.analysis import ProblemType

jieba.setLogLevel(logging.WARNING)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_DICTIONARY = ROOT / "bot" / "data" / "dictionary" / "userdict.txt"
CUES_FILE = ROOT / "mediation" / "data" / "problem_type_cues.yml"
TRAINING_FILES = sorted((ROOT / "mediation" / "data" / "problem_types").glob("training_*.jsonl"))

# The weight of a strong cue and of a weak one (mediation/data/problem_type_cues.yml).
STRONG, WEAK = 2, 1
MOST_TYPES = 3
NEGATIONS = ("没有", "不是", "并非", "没", "无", "未")
LATIN_NEGATIONS = ("not", "no", "never", "n't")
KEYWORD_COUNT = 5

# Words every complaint has: as keywords they would rise with the number of complaints alone.
KEYWORD_STOPWORDS = frozenset(
    """投诉 举报 商家 老板 店家 客服 消费者 要求 希望 处理 问题 情况 现在 已经 时候 没有 一直 这个 那个
    他们 我们 自己 还是 但是 然后 因为 所以 而且 就是 什么 怎么 为什么 可以 不能 不会 知道 觉得 说是 告诉
    一下 一个 多少 之后 以后 今天 昨天 当时 后来 结果 实在 非常 真的 根本 太坑 坑人 无语 气死 元钱 块钱
    东西 一次 两次 几次 商品 产品 购买 买了
    the and for that this with was were have has had but not they them their then than from after
    before when what which would could should just about into also only very still again even""".split()
)


@dataclasses.dataclass(frozen=True)
class Cue:
    text: str
    weight: int
    latin: bool
    # One Chinese character: it counts only as a word of its own.
    single: bool


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    if DOMAIN_DICTIONARY.exists():
        tokenizer.load_userdict(str(DOMAIN_DICTIONARY))
    return tokenizer


@functools.cache
def _keyword_extractor() -> jieba.analyse.TFIDF:
    extractor = jieba.analyse.TFIDF()
    extractor.tokenizer = _tokenizer()
    extractor.stop_words = extractor.stop_words | KEYWORD_STOPWORDS
    return extractor


@functools.cache
def _cues() -> dict[str, list[Cue]]:
    table = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    unknown = set(table) - set(ProblemType.values)
    if unknown:
        raise ValueError(f"{CUES_FILE}: not problem types: {sorted(unknown)}")
    cues: dict[str, list[Cue]] = {}
    for problem_type, kinds in table.items():
        cues[problem_type] = [
            Cue(
                text=normalized(str(text)),
                weight=weight,
                latin=str(text).isascii(),
                single=len(str(text)) == 1 and not str(text).isascii(),
            )
            for kind, weight in (("strong", STRONG), ("weak", WEAK))
            for text in kinds.get(kind) or ()
        ]
    return cues


def normalized(text: str) -> str:
    """Full-width letters and digits to half-width, Latin letters to lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def words(text: str) -> list[str]:
    """The text's jieba words, with the domain dictionary."""
    return [word for word in _tokenizer().cut(normalized(text)) if word.strip()]


def _negated(text: str, start: int, *, latin: bool) -> bool:
    before = text[max(0, start - 12) : start]
    if latin:
        previous = re.findall(r"[a-z']+", before)
        return bool(previous) and (previous[-1] in LATIN_NEGATIONS or previous[-1].endswith("n't"))
    return before.endswith(NEGATIONS)


@functools.cache
def _phrase_automaton() -> ahocorasick.Automaton:
    """Every cue that is matched in the text itself, found in one pass (Aho-Corasick)."""
    automaton = ahocorasick.Automaton()
    for problem_type, cues in _cues().items():
        for cue in cues:
            if not cue.single:
                automaton.add_word(cue.text, automaton.get(cue.text, ()) + ((problem_type, cue),))
    automaton.make_automaton()
    return automaton


def _latin_word_at(text: str, start: int, end: int) -> bool:
    return not (start > 0 and text[start - 1].isascii() and text[start - 1].isalpha()) and not (
        end < len(text) and text[end].isascii() and text[end].isalpha()
    )


def problem_type_scores(text: str) -> dict[str, int]:
    """Each problem type's weight of cues found in the text (types without any are left out)."""
    text = normalized(text)
    found: set[tuple[str, Cue]] = set()
    for end, entries in _phrase_automaton().iter(text):
        for problem_type, cue in entries:
            start = end + 1 - len(cue.text)
            if cue.latin and not _latin_word_at(text, start, end + 1):
                continue
            if not _negated(text, start, latin=cue.latin):
                found.add((problem_type, cue))
    singles = _single_character_cues()
    for word, start, _end in _tokenizer().tokenize(text):
        for problem_type, cue in singles.get(word, ()):
            if not _negated(text, start, latin=False):
                found.add((problem_type, cue))
    scores: dict[str, int] = {}
    for problem_type, cue in found:
        scores[problem_type] = scores.get(problem_type, 0) + cue.weight
    return scores


@functools.cache
def _single_character_cues() -> dict[str, tuple[tuple[str, Cue], ...]]:
    singles: dict[str, tuple[tuple[str, Cue], ...]] = {}
    for problem_type, cues in _cues().items():
        for cue in cues:
            if cue.single:
                singles[cue.text] = singles.get(cue.text, ()) + ((problem_type, cue),)
    return singles


# A type is read from the text when the classifier gives it at least this probability; when none
# reaches it, the likeliest type is read if it reaches FALLBACK_PROBABILITY, else `other`.
# Chosen on tests/data/problem_types/development.jsonl, never on the held-out file.
PROBABILITY = 0.4
FALLBACK_PROBABILITY = 0.2


class _CueWeights:
    """The weight of each problem type's cues in each text, as features (scikit-learn transformer)."""

    def fit(self, texts, labels=None):
        return self

    def transform(self, texts):
        import numpy
        from scipy.sparse import csr_matrix

        types = ProblemType.values
        rows = [[problem_type_scores(text).get(type_, 0) / 4 for type_ in types] for text in texts]
        return csr_matrix(numpy.array(rows, dtype=float))

    def get_params(self, deep=True):
        return {}


@functools.cache
def _classifier():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer

    labelled = [row for path in TRAINING_FILES for row in read_labelled(path)]
    texts = [normalized(row["text"]) for row in labelled]
    binarizer = MultiLabelBinarizer(classes=ProblemType.values)
    targets = binarizer.fit_transform([row["types"] for row in labelled])
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False, sublinear_tf=True)),
            ("characters", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
            ("cues", _CueWeights()),
        ]
    )
    model = make_pipeline(
        features, OneVsRestClassifier(LogisticRegression(C=10, class_weight="balanced", solver="liblinear"))
    )
    model.fit(texts, targets)
    return model, binarizer.classes_


def _read_types(probabilities: dict[str, float]) -> list[str]:
    other = ProblemType.OTHER.value
    ranked = sorted((type_ for type_ in probabilities if type_ != other), key=lambda t: -probabilities[t])
    found = [type_ for type_ in ranked if probabilities[type_] >= PROBABILITY][:MOST_TYPES]
    if found:
        return found
    if probabilities[ranked[0]] >= FALLBACK_PROBABILITY and probabilities[ranked[0]] > probabilities[other]:
        return ranked[:1]
    return [other]


def problem_type_probabilities(texts: list[str]) -> list[dict[str, float]]:
    """Each problem type's probability, for each text (many at once are much faster than one by one)."""
    model, types = _classifier()
    rows = model.predict_proba([normalized(text) for text in texts])
    return [dict(zip(types, (float(p) for p in row), strict=True)) for row in rows]


def problem_types_of_many(texts: list[str]) -> list[list[str]]:
    return [_read_types(probabilities) for probabilities in problem_type_probabilities(texts)] if texts else []


def problem_types_of(text: str) -> list[str]:
    """What went wrong, likeliest first: at most three types, or `other`."""
    return problem_types_of_many([text])[0]


def keywords_of(text: str) -> list[str]:
    """The text's most telling words (jieba's TF-IDF, with the domain dictionary), at most five."""
    extractor = _keyword_extractor()
    return [
        word
        for word in extractor.extract_tags(normalized(text), topK=KEYWORD_COUNT * 2)
        if len(word) > 1 and not word.isdigit() and word not in KEYWORD_STOPWORDS and len(word) <= 32
    ][:KEYWORD_COUNT]


@dataclasses.dataclass
class TypeScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclasses.dataclass
class Evaluation:
    texts: int
    first_type_right: int
    per_type: dict[str, TypeScore]

    @property
    def first_type_accuracy(self) -> float:
        return self.first_type_right / self.texts if self.texts else 0.0


def evaluate(labelled: list[dict]) -> Evaluation:
    """Per type: precision, recall and F1 of the types read against the labelled ones (a text may
    have several); over all texts: how often the weightiest type read is the first one labelled."""
    per_type = {type_: TypeScore() for type_ in ProblemType.values}
    first_right = 0
    for row, found in zip(labelled, problem_types_of_many([row["text"] for row in labelled]), strict=True):
        expected = set(row["types"])
        first_right += found[0] == row["types"][0]
        for type_ in per_type:
            if type_ in found and type_ in expected:
                per_type[type_].true_positives += 1
            elif type_ in found:
                per_type[type_].false_positives += 1
            elif type_ in expected:
                per_type[type_].false_negatives += 1
    return Evaluation(texts=len(labelled), first_type_right=first_right, per_type=per_type)


def read_labelled(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str]) -> None:
    for name in argv:
        result = evaluate(read_labelled(Path(name)))
        print(f"{name}: {result.texts} texts; first type right {result.first_type_accuracy:.1%}")
        print(f"{'type':<22}{'labelled':>9}{'precision':>11}{'recall':>8}{'F1':>7}")
        for type_, score in result.per_type.items():
            labelled = score.true_positives + score.false_negatives
            print(f"{type_:<22}{labelled:>9}{score.precision:>11.2f}{score.recall:>8.2f}{score.f1:>7.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
