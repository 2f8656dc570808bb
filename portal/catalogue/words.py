"""Text analysis for search: the same words in, the same terms out, at index and at query time.

A text is normalised (Unicode NFC, lower case, ё → е, the Arabic-script letters
Urdu writes in two ways folded to one, diacritics dropped), cut into words,
stripped of words that carry no meaning (stopwords), and each word reduced to
a stem:

- Latin script: Snowball English (PyStemmer);
- Cyrillic: Snowball Russian for Russian texts, and the Kyrgyz suffix rules
  below for Kyrgyz texts; a visitor's Cyrillic word is reduced both ways,
  because a query does not say which of the two it is in;
- Arabic script (Urdu): the Urdu suffix rules below.

Snowball has no Kyrgyz or Urdu stemmer. Kyrgyz is agglutinative: the rules peel
case, possessive and plural endings (in every vowel-harmony variant) and a few
derivational ones off the end of a word, at most three, always leaving a stem of
three letters or more. Urdu inflects little (postpositions are separate words and
are stopwords here): the rules strip the plural and oblique endings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import Stemmer

#: the longest word kept; longer runs of letters are cut
MAX_WORD = 60
_WORD = re.compile(r"[^\W_]+")
_FOLDED = str.maketrans({"ё": "е", "ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ۀ": "ہ", "ة": "ہ", "ۓ": "ے"})

_ENGLISH = Stemmer.Stemmer("english")
_RUSSIAN = Stemmer.Stemmer("russian")

#: English, Russian, Kyrgyz and Urdu words that say nothing about what a listing is
_STOPWORDS = """
    a an and are as at be by for from has have in into is its of on or our per the their this to was were will
    with within near
    а без в во для до его её и из или к как на над не о об от по под при с со также то что это эти этот у
    бир жана же менен үчүн боюнча ал алар бул ошол да дагы деп эле
    اور کا کی کے میں سے کو پر نے ہے ہیں یہ وہ و لیے لئے تک بھی ایک
"""
STOPWORDS = frozenset(_STOPWORDS.split())

_KYRGYZ_SUFFIXES = sorted(
    {
        # locative-attributive (-дагы: "in ... located")
        *["дагы", "деги", "догу", "дөгү", "тагы", "теги", "тогу", "төгү", "ндагы", "ндеги", "ндогу", "ндөгү"],
        # ablative, genitive, accusative, dative, locative
        *["дан", "ден", "дон", "дөн", "тан", "тен", "тон", "төн", "нан", "нен", "нон", "нөн"],
        *["дын", "дин", "дун", "дүн", "тын", "тин", "тун", "түн", "нын", "нин", "нун", "нүн"],
        *["ды", "ди", "ду", "дү", "ты", "ти", "ту", "тү", "ны", "ни", "ну", "нү"],
        *["га", "ге", "го", "гө", "ка", "ке", "ко", "кө", "на", "не", "но", "нө"],
        *["да", "де", "до", "дө", "та", "те", "то", "тө", "нда", "нде", "ндо", "ндө"],
        # possessive (third person) and its linking -н-
        *["сы", "си", "су", "сү", "ын", "ин", "ун", "үн", "ы", "и", "у", "ү"],
        # plural
        *["лар", "лер", "лор", "лөр", "дар", "дер", "дор", "дөр", "тар", "тер", "тор", "төр"],
        # derivational: -лык (-ness, -al), -луу (having), -чу (doer), -дагы handled above
        *["лык", "лик", "лук", "лүк", "дык", "дик", "дук", "дүк", "тык", "тик", "тук", "түк"],
        *["луу", "лүү", "дуу", "дүү", "туу", "түү"],
        *["чу", "чү", "чы", "чи"],
    },
    key=len,
    reverse=True,
)
_KYRGYZ_VOWELS = set("аеёиоөуүыэюя")
_URDU_ENDINGS = [("وں", ""), ("یاں", "ی"), ("ات", ""), ("یں", ""), ("ٹس", "ٹ"), ("نز", "ن"), ("لز", "ل"), ("رز", "ر")]


#: what normalising drops: combining marks (Latin, Cyrillic stress, Arabic-script vowel signs), tatweel,
#: joiners and direction marks. U+0306 stays: й written as и + breve must not become и.
_DROPPED = re.compile(
    "[\u0300-\u0305\u0307-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c-\u200f]"
)


def normalise(text: str) -> str:
    """Fold what should not tell two words apart: case, ё/е, Urdu's letter variants, diacritics."""
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLDED)
    return text if text.isascii() else _DROPPED.sub("", text)


def words(text: str) -> list[str]:
    """The normalised words of ``text``, stopwords and single letters left out."""
    return [w[:MAX_WORD] for w in _WORD.findall(normalise(text)) if len(w) > 1 and w not in STOPWORDS]


def script(word: str) -> str:
    """ "latin", "cyrillic", "arabic" or "other", by the word's first letter."""
    first = word[0]
    if first.isascii():
        return "latin"
    if "\u0400" <= first <= "\u04ff":
        return "cyrillic"
    if "\u0600" <= first <= "\u06ff" or "\u0750" <= first <= "\u077f" or "\ufb50" <= first <= "\ufeff":
        return "arabic"
    return "other"


@lru_cache(maxsize=100_000)
def kyrgyz_stem(word: str) -> str:
    """Peel up to three Kyrgyz endings off ``word``, leaving at least three letters."""
    for _ in range(3):
        for suffix in _KYRGYZ_SUFFIXES:
            rest = word[: -len(suffix)]
            # one-syllable endings only when four letters are left (roots ending like a suffix are still cut,
            # "фабрика" → "фабри", the same way at index and query time)
            minimum = 3 if len(suffix) >= 3 else 4
            if len(suffix) == 1 and (len(rest) < 4 or rest[-1] in _KYRGYZ_VOWELS):
                continue  # a lone vowel is a possessive ending only after a consonant
            if word.endswith(suffix) and len(rest) >= minimum and any(c in _KYRGYZ_VOWELS for c in rest):
                word = rest
                break
        else:
            break
    return word


@lru_cache(maxsize=100_000)
def urdu_stem(word: str) -> str:
    """Strip an Urdu plural or oblique ending from ``word``, leaving at least two letters."""
    for ending, replacement in _URDU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[: -len(ending)] + replacement
    if word.endswith("ے") and len(word) >= 4:
        return word[:-1] + "ہ"
    return word


@lru_cache(maxsize=100_000)
def _english(word: str) -> str:
    return _ENGLISH.stemWord(word)


@lru_cache(maxsize=100_000)
def _russian(word: str) -> str:
    return _RUSSIAN.stemWord(word)


def stem(word: str, lang: str) -> str:
    """The stem of a normalised ``word`` from a text in ``lang``."""
    kind = script(word)
    if kind == "latin":
        return _english(word)
    if kind == "cyrillic":
        return kyrgyz_stem(word) if lang == "ky" else _russian(word)
    if kind == "arabic":
        return urdu_stem(word)
    return word


def query_stems(word: str) -> set[str]:
    """Every stem a visitor's normalised ``word`` may have: a Cyrillic word is Russian or Kyrgyz."""
    if script(word) == "cyrillic":
        return {_russian(word), kyrgyz_stem(word)}
    return {stem(word, "en")}


def terms(text: str, lang: str) -> list[str]:
    """The stems of ``text``, in order, as the index stores them."""
    return [stem(word, lang) for word in words(text)]


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Where each word of ``text`` is: (start, end, normalised word), stopwords included."""
    for match in _WORD.finditer(text):
        yield match.start(), match.end(), normalise(match.group())
