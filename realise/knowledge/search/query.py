"""What a person typed in the search box, parsed once for every backend.

The syntax follows common web search: words must all appear (`vetting backlog`), a quoted
phrase must appear as written (`"case management"`), `OR` offers alternatives
(`vetting OR clearance`) and a leading minus excludes (`procurement -tyres`). Common English
words are left out here, once for both databases, so that `Kent's vetting` asks for the same
on each (PostgreSQL would ignore the `s`, SQLite would not) and a query of only such words,
punctuation or words to leave out asks for nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

WORD = re.compile(r"\w+", re.UNICODE)
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
MAX_TERMS = 32


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common English words (PostgreSQL's English stop list, with the `s`, `t` and `don` left by
# splitting "Kent's" and "don't" at the apostrophe): not worth matching on.
ENGLISH_STOP_WORDS = _words(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing don down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own s same she should so some such t than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves"""
)
# Words every collaboration record shares, which say nothing about what it is about.
RELATED_STOP_WORDS = ENGLISH_STOP_WORDS | _words(
    """also one two three new use used using make made within across per via every year
    years month months police policing force forces section act lead member members
    collaboration collaborations 22a"""
)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def is_common(self) -> bool:
        """Made of common words only: nothing to match on."""
        return all(word in ENGLISH_STOP_WORDS for word in self.words)


@dataclass
class ParsedQuery:
    """Alternatives (OR) of groups of terms that must all match (AND), minus exclusions."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(self.groups)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


def _terms_of(text: str) -> list[Term]:
    return [Term((word.lower(),)) for word in WORD.findall(text)]


def _searchable(terms: list[Term]) -> list[Term]:
    return [term for term in terms if not term.is_common]


def parse(text: str) -> ParsedQuery:
    query = ParsedQuery(groups=[[]])
    count = 0
    for match in TOKEN.finditer(text or ""):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare == "OR":
            if query.groups[-1]:
                query.groups.append([])
            continue
        if phrase is not None:
            words = tuple(word.lower() for word in WORD.findall(phrase))
            terms = _searchable([Term(words)] if words else [])
        else:
            negated = bare.startswith("-") and len(bare) > 1
            terms = _searchable(_terms_of(bare[1:] if negated else bare))
        if count + len(terms) > MAX_TERMS:
            break
        count += len(terms)
        (query.excluded if negated else query.groups[-1]).extend(terms)
    query.groups = [group for group in query.groups if group]
    return query


def any_of(words: list[str]) -> ParsedQuery:
    """A query matching any of the words, best when it matches many (used by "Related")."""
    return ParsedQuery(groups=[[Term((word,))] for word in words])


def key_terms(title: str, body: str, count: int = 8, keep: float = 0.4) -> list[str]:
    """The words that best characterise a text, most telling first.

    Title words count three times. Only words weighing at least `keep` of the heaviest are
    kept (at least three, at most `count`), so that one passing word shared with an
    unrelated item does not make it look similar.
    """
    tally: Counter[str] = Counter()
    for weight, text in ((3, title), (1, body)):
        for word in WORD.findall(text.lower()):
            if len(word) < 3 or word.isdigit() or word in RELATED_STOP_WORDS:
                continue
            tally[word] += weight
    ranked = tally.most_common(count)
    if not ranked:
        return []
    floor = ranked[0][1] * keep
    return [word for index, (word, weight) in enumerate(ranked) if index < 3 or weight >= floor]
