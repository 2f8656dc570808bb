"""What a visitor's words mean to the search: concepts, each a choice of terms the index holds.

A query is cut into words (catalogue.words). Each word, or run of words that a
synonym group names ("Kyrgyz Republic", "hydro power"), becomes a concept:

- a synonym group's concept is met by any of the group's phrases, a phrase by
  all of its words;
- a word's concept is met by any of its stems, by a stem the vocabulary holds
  that differs only in its ending ("текстильн" and "текстил"), and, for a word
  of five letters or more that the vocabulary does not know, by the nearest
  stems it does know (a typo: one edit, two from eight letters);
- two words that the vocabulary knows written as one ("hydro power") also
  mean that one.

A listing matches when it meets any concept; those meeting more concepts come
first, then the database's own relevance (BM25 on FTS5, ``ts_rank_cd`` on
PostgreSQL). All expansion happens here, against the vocabulary, so both
databases are asked for exactly the same terms.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from itertools import chain

from markupsafe import Markup, escape
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import select

from portal.catalogue import words
from portal.catalogue.models import SearchTerm, Synonym
from portal.core.extensions import db
from portal.core.freshness import PerVersion

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
#: a word this long or longer may be misspelt; shorter ones must be exact
TYPO_FROM = 5
#: the longest run of words a synonym phrase may have
MAX_PHRASE = 4

#: one word: any of these terms
Word = frozenset[str]
#: one phrase: all of these words
Phrase = tuple[Word, ...]


@dataclass(frozen=True)
class Concept:
    """One thing asked for: met by any of ``phrases``."""

    phrases: tuple[Phrase, ...]
    #: how telling it is, in hundredths: the rarer its terms in the catalogue, the higher (an IDF)
    weight: int = 100

    @property
    def terms(self) -> set[str]:
        return set(chain.from_iterable(chain.from_iterable(self.phrases)))


@dataclass
class Understood:
    concepts: list[Concept] = field(default_factory=list)

    @property
    def terms(self) -> set[str]:
        return set(chain.from_iterable(c.terms for c in self.concepts))


class Vocabulary:
    """The stems of published listings, each with a word to show and a count of listings."""

    def __init__(self, rows: list[tuple[str, str, int]]):
        self.words = {term: word for term, word, _ in rows}
        self.documents = {term: documents for term, _, documents in rows}
        self.sorted = sorted(self.words)
        #: about how many listings there are: the most common stem is in nearly all of them
        self.listings = max(self.documents.values(), default=0) + 1

    def weight(self, phrases: tuple[Phrase, ...]) -> int:
        """The inverse document frequency of a concept met by any of ``phrases``, in hundredths.

        A phrase is about as common as its rarest word, a word as all its terms together.
        """

        def common(word: Word) -> int:
            return sum(self.documents.get(t, 0) for t in word)

        documents = min(self.listings, sum(min(common(w) for w in phrase) for phrase in phrases))
        return round(100 * math.log(1 + self.listings / (1 + documents)))

    def __contains__(self, term: str) -> bool:
        return term in self.words

    def related(self, stem: str) -> set[str]:
        """Stems the vocabulary holds that differ from ``stem`` only at the end: a longer or shorter ending.

        Only for Cyrillic and Urdu words, whose suffix rules leave more than one stem per word
        ("текстильн", "текстил"); Snowball's English stems are exact.
        """
        found = {stem} & self.words.keys()
        if len(stem) < 4 or words.script(stem) == "latin":
            return found
        start = bisect.bisect_left(self.sorted, stem)
        for term in self.sorted[start:]:
            if not term.startswith(stem):
                break
            if len(term) - len(stem) <= 3:
                found.add(term)
        found.update(stem[:n] for n in range(max(4, len(stem) - 2), len(stem)) if stem[:n] in self.words)
        return found

    def near(self, stem: str, limit: int = 3, furthest: int | None = None) -> list[str]:
        """The vocabulary's stems nearest to a misspelt ``stem``, most common first among equals."""
        if furthest is None:
            furthest = 1 if len(stem) < 8 else 2
        matches = process.extract(stem, self.sorted, scorer=OSA.distance, score_cutoff=furthest, limit=limit * 4)
        ranked = sorted(matches, key=lambda m: (m[1], -self.documents[m[0]], m[0]))
        return [term for term, _, _ in ranked[:limit]]


def _load_vocabulary() -> Vocabulary:
    return Vocabulary(list(db.session.execute(select(SearchTerm.term, SearchTerm.word, SearchTerm.documents))))


def _load_synonyms() -> list[list[tuple[str, ...]]]:
    groups = []
    for (phrases,) in db.session.execute(select(Synonym.phrases).order_by(Synonym.id)):
        group = [tuple(words.words(phrase)) for phrase in Synonym.split(phrases)]
        group = [phrase for phrase in group if phrase]
        if len(group) > 1:
            groups.append(group)
    return groups


_vocabulary = PerVersion(_load_vocabulary)
_synonyms = PerVersion(_load_synonyms)


def query_words(query: str) -> list[str]:
    """The words of a visitor's query that count, bounded in length and number."""
    return words.words(query[:MAX_QUERY_LENGTH])[:MAX_WORDS]


def _same_word(said: str, written: str) -> bool:
    return said == written or bool(words.query_stems(said) & words.query_stems(written))


def _phrase_at(said: list[str], start: int, groups: list[list[tuple[str, ...]]]) -> tuple[int, list[tuple[str, ...]]]:
    """The longest synonym phrase at ``said[start:]``: its length in words and its group (0 and [] if none)."""
    best: tuple[int, list[tuple[str, ...]]] = (0, [])
    for group in groups:
        for phrase in group:
            n = len(phrase)
            fits = best[0] < n <= MAX_PHRASE and start + n <= len(said)
            if fits and all(_same_word(said[start + k], phrase[k]) for k in range(n)):
                best = (n, group)
    return best


def _word(word: str, vocabulary: Vocabulary, typos: bool = True) -> Word:
    stems = words.query_stems(word)
    known = set(chain.from_iterable(vocabulary.related(s) for s in stems))
    if not known and typos and len(word) >= TYPO_FROM:
        known = set(chain.from_iterable(vocabulary.near(s) for s in stems))
    return frozenset(known or stems)


def _concept(phrases: set[Phrase], vocabulary: Vocabulary) -> Concept:
    ordered = tuple(sorted(phrases, key=sorted))
    return Concept(ordered, vocabulary.weight(ordered))


def understand(query: str) -> Understood:
    """The concepts of a visitor's query, expanded against the vocabulary and the synonyms."""
    said = query_words(query)
    vocabulary, groups = _vocabulary.get(), _synonyms.get()
    out = Understood()
    i = 0
    while i < len(said):
        length, group = _phrase_at(said, i, groups)
        if length:
            own = tuple(_word(w, vocabulary) for w in said[i : i + length])
            phrases = {own} | {tuple(_word(w, vocabulary, typos=False) for w in phrase) for phrase in group}
            out.concepts.append(_concept(phrases, vocabulary))
            i += length
            continue
        if i + 1 < len(said):
            joined = said[i] + said[i + 1]
            if any(s in vocabulary for s in words.query_stems(joined)):
                pair = (_word(said[i], vocabulary, typos=False), _word(said[i + 1], vocabulary, typos=False))
                phrases = {pair, (_word(joined, vocabulary, typos=False),)}
                out.concepts.append(_concept(phrases, vocabulary))
                i += 2
                continue
        out.concepts.append(_concept({(_word(said[i], vocabulary),)}, vocabulary))
        i += 1
    return out


def suggestion(query: str) -> str | None:
    """A query the catalogue's own words make of a query that found nothing: "did you mean"."""
    said = query_words(query)
    vocabulary = _vocabulary.get()
    changed = False
    out = []
    for word in said:
        stems = words.query_stems(word)
        if any(vocabulary.related(s) for s in stems) or len(word) < 3:
            out.append(word)
            continue
        near = [term for s in stems for term in vocabulary.near(s, limit=1, furthest=2 if len(word) >= 5 else 1)]
        if near:
            out.append(vocabulary.words[near[0]])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None


# -- the two databases' query languages ------------------------------------------------------------


def _join(parts: list[str], operator: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"


def _expression(concepts: list[Concept], term: str, any_: str, all_: str) -> str:
    return _join(
        [
            _join([_join([_join([term.format(t) for t in sorted(w)], any_) for w in p], all_) for p in c.phrases], any_)
            for c in concepts
        ],
        any_,
    )


def fts5(concepts: list[Concept], field: str | None = None) -> str:
    """An FTS5 MATCH expression for ``concepts``, in ``field`` only if given.

    Terms are letters and digits only: safe to quote.
    """
    expression = _expression(concepts, '"{}"', "OR", "AND")
    return f"{field} : ({expression})" if field else expression


def tsquery(concepts: list[Concept], weight: str = "") -> str:
    """A PostgreSQL tsquery for ``concepts``, in the fields of ``weight`` (A: the title) only if given."""
    return _expression(concepts, "'{}'" + (f":{weight}" if weight else ""), "|", "&")


# -- showing what matched --------------------------------------------------------------------------


def highlight(text: str, terms: set[str], lang: str) -> Markup:
    """``text``, escaped, with the words whose stem is among ``terms`` marked."""
    if not terms or not text:
        return escape(text)
    out = []
    last = 0
    for start, end, word in words.spans(text):
        stems = {words.stem(word, lang)} | words.query_stems(word)
        if stems & terms:
            out.append(escape(text[last:start]))
            out.append(Markup("<mark>%s</mark>") % text[start:end])
            last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)
