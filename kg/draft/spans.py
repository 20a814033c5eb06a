"""Typed mentions in a report: actors, places, dates, weapons, platforms, vehicles, nationalities.

spaCy's blank English pipeline gives tokens and sentences (no statistical model). Mentions come,
in this order, from: the actor and place registries (spaCy ``PhraseMatcher``, longest match), date
expressions (:mod:`kg.draft.dates`), common-noun phrases headed by a lexicon noun ("the U.S.
military", "120 Iraqi soldiers", "a safehouse"), capitalised name chunks classified by their cue
words (titles, organisation and place heads, name particles, acronyms) and the gazetteer, and
personal pronouns. Later sources never overlap earlier ones.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.draft import lexicon as lx
from kg.draft.dates import DateMention, find_dates
from kg.draft.gazetteer import Registry, lookup_place

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

#: re3d entity types by mention kind
RE3D_TYPES = {"org": "Organisation", "person": "Person", "place": "Location", "date": "Temporal",
              "weapon": "Weapon", "platform": "MilitaryPlatform", "vehicle": "Vehicle", "nationality": "Nationality"}

_DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "our", "some", "all", "other", "several", "many",
                "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "these", "those",
                "this", "that", "both", "any", "each", "most", "few", "more"}
_VERBISH = re.compile(r"^[a-z]+(ed|ing)$")
_KEEP_ED = {"armed", "unidentified", "suspected", "allied", "united", "organized", "organised", "retired", "wounded",
            "unnamed", "alleged", "ruling", "leading", "fighting", "governing", "opposing", "trained"}
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z][A-Z0-9&]{1,6}$")


@dataclass
class Mention:
    """A typed span of the text; ``ref`` is a registry id when the mention was resolved."""

    start: int  # character offsets, end exclusive
    end: int
    text: str
    kind: str  # org | person | place | date | weapon | platform | vehicle | nationality
    rule: str
    t0: int = 0  # token offsets, end exclusive
    t1: int = 0
    ref: str | None = None
    proper: bool = True
    date: DateMention | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def re3d_type(self) -> str:
        return RE3D_TYPES[self.kind]

    @property
    def is_actor(self) -> bool:
        return self.kind in ("org", "person")


@functools.lru_cache(maxsize=1)
def nlp() -> Language:
    """spaCy's blank English pipeline with a sentencizer that also breaks at line ends."""
    import spacy
    from spacy.language import Language

    if "kg_newline_breaks" not in Language.factories:

        @Language.component("kg_newline_breaks")
        def newline_breaks(doc: Doc) -> Doc:
            for token in doc[1:]:
                prev = doc[token.i - 1]
                if "\n" in prev.text or "\n" in prev.whitespace_ or prev.text.endswith("\n"):
                    token.is_sent_start = True
                elif not token.is_space:
                    token.is_sent_start = None if token.is_sent_start is None else token.is_sent_start
            return doc

    pipeline = spacy.blank("en")
    pipeline.add_pipe("kg_newline_breaks")
    pipeline.add_pipe("sentencizer")
    return pipeline


class Recognizer:
    """Finds the mentions of one text against a registry (built once per registry)."""

    def __init__(self, registry: Registry) -> None:
        from spacy.matcher import PhraseMatcher

        self.registry = registry
        pipeline = nlp()
        self.exact = PhraseMatcher(pipeline.vocab, attr="ORTH")
        self.folded = PhraseMatcher(pipeline.vocab, attr="LOWER")
        for slug, entry in registry.actors.items():
            self._add(f"actor:{slug}", (entry.label, *entry.aliases))
        for slug, place in registry.places.items():
            self._add(f"place:{slug}", (place.label, *place.aliases))

    def _add(self, key: str, names: tuple[str, ...]) -> None:
        exact: list[Any] = []
        folded: list[Any] = []
        for name in {n.replace("’", "'") for n in names} | set(names):
            if not name:
                continue
            if name.lower() == name:  # "pro-regime forces": any case
                folded.append(nlp().make_doc(name))
            else:  # "IS", "Eastern Hama": as written, and with a capital or small first letter
                for variant in {name, name[0].upper() + name[1:], name[0].lower() + name[1:]}:
                    if len(name) <= 3 and variant != name:
                        continue
                    exact.append(nlp().make_doc(variant))
        if exact:
            self.exact.add(key, exact)
        if folded:
            self.folded.add(key, folded)

    def mentions(self, doc: Doc, issued: dt.date) -> list[Mention]:
        """Every mention of ``doc``, sorted by position, without overlaps."""
        taken = [False] * len(doc)
        out: list[Mention] = []

        def claim(m: Mention) -> None:
            for i in range(m.t0, m.t1):
                taken[i] = True
            out.append(m)

        for m in self._registry(doc):
            claim(m)
        for m in self._dates(doc, issued, taken):
            claim(m)
        for m in self._noun_phrases(doc, taken):
            claim(m)
        persons: set[str] = set()
        for m in self._names(doc, taken, persons):
            claim(m)
        for token in doc:
            if not taken[token.i] and token.lower_ in lx.PERSON_PRONOUNS | lx.GROUP_PRONOUNS:
                if token.text == "I" or token.lower_ in lx.PERSON_PRONOUNS:
                    kind = "person"
                else:
                    kind = "org"
                claim(_mention(doc, token.i, token.i + 1, kind, "pronoun", proper=False))
        out.sort(key=lambda m: m.start)
        return out

    # -- registry ---------------------------------------------------------------------------

    def _registry(self, doc: Doc) -> list[Mention]:
        from spacy.util import filter_spans

        spans = []
        vocab = doc.vocab
        for matcher in (self.exact, self.folded):
            for match_id, a, b in matcher(doc):
                span = doc[a:b]
                span.label_ = vocab.strings[match_id]
                spans.append(span)
        out = []
        for span in filter_spans(spans):
            kind_ref = span.label_
            kind, _, ref = kind_ref.partition(":")
            if kind == "actor":
                entry = self.registry.actors[ref]
                mkind = "person" if entry.kind == "Person" else "org"
            else:
                mkind = "place"
            a = span.start
            if a > 0 and doc[a - 1].lower_ == "the" and mkind != "person":
                a -= 1
            out.append(_mention(doc, a, span.end, mkind, "registry", ref=ref))
        return out

    # -- dates --------------------------------------------------------------------------------

    def _dates(self, doc: Doc, issued: dt.date, taken: list[bool]) -> list[Mention]:
        out: list[Mention] = []
        previous: dt.date | None = None
        for sent in doc.sents:
            found = find_dates(sent.text, issued, previous=previous, offset=sent.start_char)
            for d in found:
                span = doc.char_span(d.start, d.end, alignment_mode="expand")
                if span is None or any(taken[i] for i in range(span.start, span.end)):
                    continue
                m = _mention(doc, span.start, span.end, "date", f"date:{d.rule}", proper=False)
                m.start, m.end, m.text, m.date = d.start, d.end, d.text, d
                out.append(m)
                if d.precision == "day":
                    previous = d.start_date
        return out

    # -- common-noun phrases ----------------------------------------------------------------------

    def _noun_phrases(self, doc: Doc, taken: list[bool]) -> list[Mention]:
        out: list[Mention] = []
        for token in doc:
            if taken[token.i] or not token.text.islower() and not token.text.isupper():
                continue
            word = token.lower_
            kind = _noun_kind(word, token)
            if kind is None:
                continue
            if token.i + 1 < len(doc) and _noun_kind(doc[token.i + 1].lower_, doc[token.i + 1]) is not None:
                continue  # "coalition aircraft": the last noun is the head
            if kind in ("org", "person", "place") and token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper() \
                    and doc[token.i + 1].lower_ not in lx.CHUNK_STOP:
                continue  # "the city of"/"militant Abu ...": a name follows, the chunker takes it
            a = token.i
            while a > 0 and not taken[a - 1] and _modifier(doc[a - 1]):
                a -= 1
            while a < token.i and doc[a].is_punct:
                a += 1
            if a > 0 and not taken[a - 1] and doc[a - 1].lower_ in _DETERMINERS:
                a -= 1
            if kind in ("org", "place") and a == token.i and word in ("group", "area", "center", "centre", "positions",
                                                                     "members", "people", "parties", "state", "ward"):
                continue  # a bare generic noun is rarely a mention
            out.append(_mention(doc, a, token.i + 1, kind, f"noun:{word}", proper=False))
            for i in range(a, token.i + 1):
                taken[i] = True
        for m in out:  # give the tokens back; the caller claims them
            for i in range(m.t0, m.t1):
                taken[i] = False
        return out

    # -- capitalised names ----------------------------------------------------------------------

    def _names(self, doc: Doc, taken: list[bool], persons: set[str]) -> list[Mention]:
        out: list[Mention] = []
        i = 0
        n = len(doc)
        while i < n:
            if taken[i] or not _can_start(doc, i):
                i += 1
                continue
            j = i + 1
            while j < n and not taken[j]:
                t = doc[j]
                if _capital(t) or (re.fullmatch(r"\d+(st|nd|rd|th)", t.text) and j + 1 < n and _capital(doc[j + 1])) \
                        or (t.text in ("-", "'s") and j + 1 < n and _capital(doc[j + 1]) and t.whitespace_ == "") \
                        or (t.lower_ in lx.NAME_PARTICLES and j + 1 < n and (doc[j + 1].text == "-" or _capital(doc[j + 1]))):
                    j += 1
                    continue
                if t.lower_ in ("of", "for") and j + 1 < n and not taken[j + 1] and (
                        _capital(doc[j + 1]) or (doc[j + 1].lower_ == "the" and j + 2 < n and _capital(doc[j + 2]))):
                    j += 2 if doc[j + 1].lower_ != "the" else 3
                    continue
                if t.lower_ == "and" and " of " in f" {doc[i:j].text.lower()} " and j + 1 < n and (
                        _capital(doc[j + 1]) or (doc[j + 1].lower_ == "the" and j + 2 < n and _capital(doc[j + 2]))):
                    j += 2 if doc[j + 1].lower_ != "the" else 3
                    continue
                break
            while j > i + 1 and (doc[j - 1].is_punct or doc[j - 1].lower_ in ("of", "the", "and", "for", "'s")):
                j -= 1
            out.extend(self._classify(doc, i, j, persons))
            i = j
        return out

    def _classify(self, doc: Doc, i: int, j: int, persons: set[str]) -> list[Mention]:
        words = [t.lower_ for t in doc[i:j]]
        text = doc[i:j].text
        head = words[-1]
        the = i > 0 and doc[i - 1].lower_ == "the"
        # a demonym in front of an unclassified rest: "Jordanian" + ...
        if words[0] in lx.DEMONYMS and j - i == 1:
            kind = "org" if head.endswith("s") and lx.DEMONYMS[head] != "" and head not in ("swiss",) or head in (
                "iraqis", "syrians", "afghans", "americans") else "nationality"
            return [_mention(doc, i, j, kind, "name:demonym")]
        title_at = next((k for k, w in enumerate(words) if w in lx.PERSON_TITLES), None)
        if title_at is not None and (any(_capital(t) and t.lower_ not in lx.PERSON_TITLES and t.lower_ not in lx.DEMONYMS
                                         for t in doc[i + title_at + 1:j]) or (the and "of" in words)):
            persons.add(words[-1])
            return [_mention(doc, i - 1 if the and "of" in words else i, j, "person", "name:title")]
        if head in lx.ORG_HEADS or words[0] in lx.ORG_FIRST or "qaeda" in words or "brigades" in words:
            return [_mention(doc, i - 1 if the else i, j, "org", "name:org-head")]
        if head in lx.LOC_HEADS or (words[0] in lx.COMPASS and j - i > 1):
            return [_mention(doc, i - 1 if the else i, j, "place", "name:place-head")]
        if head in lx.WEAPON_WORDS or head in ("vbied", "svest", "ied"):
            return [_mention(doc, i, j, "weapon", "name:weapon")]
        geo = lookup_place(text)
        if geo is not None:
            m = _mention(doc, i - 1 if the else i, j, "place", f"gazetteer:{geo.kind.lower()}")
            m.extra["geo"] = geo
            return [m]
        if j - i > 1 and words[0] in lx.DEMONYMS:
            first = _mention(doc, i, i + 1, "nationality", "name:demonym")
            return [first, *self._classify(doc, i + 1, j, persons)]
        if any(w in lx.NOT_NAMES for w in words) or words[0] in lx.MONTHS or words[0] in lx.DAYS:
            return []
        if j - i == 1 and _ACRONYM.match(doc[i].text) and len(doc[i].text) <= 7:
            return [_mention(doc, i, j, "org", "name:acronym")]
        if any(w in lx.NAME_PARTICLES for w in words) or (j - i == 1 and head in persons):
            persons.add(head)
            return [_mention(doc, i, j, "person", "name:particle" if j - i > 1 else "name:known-person")]
        if 2 <= j - i <= 4 and all(t.text[:1].isupper() and t.text[1:].islower() for t in doc[i:j] if t.is_alpha):
            persons.add(head)
            return [_mention(doc, i, j, "person", "name:capitalised")]
        return []


def _mention(doc: Doc, a: int, b: int, kind: str, rule: str, *, ref: str | None = None, proper: bool = True) -> Mention:
    span = doc[a:b]
    return Mention(span.start_char, span.end_char, span.text, kind, rule, a, b, ref=ref, proper=proper)


def _capital(t: Token) -> bool:
    text = t.text
    return bool(text) and text[0].isupper() and text.lower() not in lx.CHUNK_STOP and not t.is_punct


def _can_start(doc: Doc, i: int) -> bool:
    t = doc[i]
    if t.lower_ in lx.NAME_PARTICLES and i + 1 < len(doc) and doc[i + 1].text == "-" and i + 2 < len(doc) \
            and _capital(doc[i + 2]):
        return True
    return _capital(t) and t.lower_ not in lx.MONTHS and t.lower_ not in lx.DAYS and not t.like_num


def _noun_kind(word: str, token: Token) -> str | None:
    if word in lx.ORG_NOUNS:
        return "org"
    if word in lx.PERSON_NOUNS:
        return "person"
    if word in lx.LOC_NOUNS:
        return "place"
    if word in lx.PLATFORM_WORDS:
        return "platform"
    if word in lx.WEAPON_WORDS:
        return "weapon"
    if word in lx.VEHICLE_WORDS:
        return "vehicle"
    return None


def _modifier(t: Token) -> bool:
    w = t.lower_
    if t.is_punct:
        return t.text == "-" and t.whitespace_ == ""
    if t.like_num:
        return True
    if w in lx.DEMONYMS or (t.text[:1].isupper() and (_ACRONYM.match(t.text) or lookup_place(t.text) is not None)):
        return True
    if not t.is_alpha and "-" not in t.text and "'" not in t.text:
        return False
    if t.text[:1].isupper() or t.is_stop or w in _DETERMINERS:
        return False
    if _VERBISH.match(w) and w not in _KEEP_ED:
        return False
    return w not in _VERB_FORMS


_VERB_FORMS = set(lx.verb_index())
