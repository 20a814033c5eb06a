"""From a report's text to draft facts: sentences, mentions, candidates, dates, ids, relations.

>>> import datetime as dt
>>> d = analyse("ISIS detonated a VBIED in Homs on May 23.", issued=dt.date(2017, 5, 31))
>>> [(c.cls, c.concept, c.date_start.isoformat()) for c in d.candidates]
[('Attack', 'vehicle-bomb-attack', '2017-05-23')]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.draft.dates import DateMention
from kg.draft.events import Candidate, find_events
from kg.draft.gazetteer import Registry
from kg.draft.spans import Mention, Recognizer, nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc

HOSTILE = ("Attack", "Interception")
_NOT_SUBJECT = {"of", "in", "at", "near", "from", "with", "for", "to", "against", "by", "on", "and", "or", "both",
                "into", "towards", "between", "about"}


@dataclass
class Analysis:
    """Everything the drafter found in one text."""

    text: str
    issued: dt.date
    doc: Doc
    sentences: list[tuple[int, int]]  # character offsets of each sentence (stripped)
    paragraphs: list[int]  # paragraph number of each sentence
    mentions: list[Mention]
    candidates: list[Candidate]
    relations: list[tuple[str, Mention, Mention]] = field(default_factory=list)

    def quote(self, candidate: Candidate) -> str:
        a, b = self.sentences[candidate.sentence]
        return self.text[a:b]


_RECOGNIZERS: dict[int, Recognizer] = {}


def recognizer(registry: Registry) -> Recognizer:
    key = id(registry)
    if key not in _RECOGNIZERS:
        _RECOGNIZERS.clear()
        _RECOGNIZERS[key] = Recognizer(registry)
    return _RECOGNIZERS[key]


def analyse(text: str, *, issued: dt.date, registry: Registry | None = None, publishers: tuple[str, ...] = ()) -> Analysis:
    """Run the whole pipeline over ``text`` (already checked by :func:`kg.draft.text.check_text`)."""
    registry = registry if registry is not None else Registry()
    doc = nlp()(text)
    mentions = recognizer(registry).mentions(doc, issued)
    sentences: list[tuple[int, int]] = []
    paragraphs: list[int] = []
    paragraph = 0
    sents = [s for s in doc.sents if s.text.strip()]
    candidates: list[Candidate] = []
    for index, sent in enumerate(sents):
        a = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
        b = sent.start_char + len(sent.text.rstrip())
        if sentences and "\n" in text[sentences[-1][1]:a]:
            paragraph += 1
        sentences.append((a, b))
        paragraphs.append(paragraph)
        candidates.extend(find_events(doc, index, sent, mentions))
    analysis = Analysis(text, issued, doc, sentences, paragraphs, mentions, candidates)
    _resolve_pronouns(analysis)
    _date_all(analysis)
    _campaigns(analysis)
    analysis.relations = relations(analysis)
    for c in candidates:
        if c.cls == "Assessment" and publishers:
            c.rule += ":publisher"
    return analysis


# -- pronouns -------------------------------------------------------------------------------


def _resolve_pronouns(analysis: Analysis) -> None:
    """'its withdrawal', 'they': the nearest earlier actor that names someone."""
    doc = analysis.doc
    named = [m for m in analysis.mentions if m.is_actor and (m.ref or m.proper) and m.rule != "pronoun"
             and (m.t0 == 0 or doc[m.t0 - 1].lower_ not in _NOT_SUBJECT)]
    for c in analysis.candidates:
        for role in (c.agents, c.targets, c.participants):
            for m in role:
                if m.rule == "pronoun" and m.extra.get("antecedent") is None:
                    before = [n for n in named if n.end <= m.start and (m.kind != "person" or n.kind == "person")]
                    if before:
                        m.extra["antecedent"] = before[-1]


def actor_of(m: Mention) -> Mention:
    """The mention that names the actor (a pronoun's antecedent, else itself)."""
    antecedent = m.extra.get("antecedent")
    return antecedent if isinstance(antecedent, Mention) else m


# -- dates ----------------------------------------------------------------------------------


def _date_all(analysis: Analysis) -> None:
    dates = [m for m in analysis.mentions if m.kind == "date" and m.date is not None]
    for c in analysis.candidates:
        a, b = analysis.sentences[c.sentence]
        own = [m for m in dates if a <= m.start < b]
        trigger_at = analysis.doc[c.trigger].idx
        after = [m for m in own if m.start >= trigger_at]
        chosen: DateMention | None = None
        if c.shares_date_with is not None:
            o = c.shares_date_with
            _set(c, o.date_start, o.date_end, o.precision, o.date_rule + " (coordinated with the previous verb)")
            c.confidence = min(c.confidence, o.confidence)
            continue
        if c.cls == "Assessment":
            _set(c, analysis.issued, analysis.issued, "day", "date:report (an assessment is dated by its report)")
            continue
        if after or own:
            chosen = (after or own)[0].date
        if chosen is not None:
            _set(c, chosen.start_date, chosen.end_date, chosen.precision, f"date:{chosen.rule} '{chosen.text}'")
            continue
        if c.continuing:
            first = analysis.issued.replace(day=1)
            _set(c, first, analysis.issued, "month", "date:continuing (ongoing at the report date: its month)")
            continue
        if c.repeated:
            _set(c, analysis.issued - dt.timedelta(days=365), analysis.issued, "approximate",
                 "date:present-perfect (up to the report date; the start is a guess: one year before)")
            c.confidence = min(c.confidence, 0.4)
            continue
        earlier = [m for m in dates if m.start < a and analysis.paragraphs[_sentence_of(analysis, m.start)] ==
                   analysis.paragraphs[c.sentence] and m.date is not None and m.date.precision == "day"]
        if earlier:
            d = earlier[-1].date
            assert d is not None
            _set(c, d.start_date, d.end_date, d.precision, f"date:paragraph (the paragraph's last date, '{d.text}')")
            c.confidence = min(c.confidence, 0.5)
            continue
        _set(c, analysis.issued, analysis.issued, "day", "date:report (no date in the text: the report date)")
        c.confidence = min(c.confidence, 0.4)


def _set(c: Candidate, start: dt.date, end: dt.date, precision: str, rule: str) -> None:
    c.date_start, c.date_end, c.precision, c.date_rule = start, end, precision, rule


def _sentence_of(analysis: Analysis, offset: int) -> int:
    for k, (_a, b) in enumerate(analysis.sentences):
        if offset < b:
            return k
    return len(analysis.sentences) - 1


def _campaigns(analysis: Analysis) -> None:
    """A wave or campaign spans the attacks its paragraph reports, with the same agent."""
    for k, c in enumerate(analysis.candidates):
        if c.concept != "attack-campaign":
            continue
        agent = {_key(m) for m in c.agents}
        parts = [d for d in analysis.candidates if d is not c and d.cls in HOSTILE and
                 analysis.paragraphs[d.sentence] == analysis.paragraphs[c.sentence] and
                 (not agent or {_key(m) for m in d.agents} & agent)]
        if not parts:
            continue
        starts = [d.date_start for d in parts]
        ends = [d.date_end for d in parts]
        precision = "day" if all(d.precision == "day" for d in parts) else "approximate"
        _set(c, min(starts), max(ends), precision, f"date:campaign (spans its {len(parts)} attacks in the paragraph)")
        c.confidence = min(c.confidence, 0.6)
        seen = {_key(m) for m in c.targets}
        for d in parts:
            d.part_of = k
            for m in d.targets:
                if m.is_actor and _key(m) not in seen:
                    c.targets.append(m)
                    seen.add(_key(m))


def _key(m: Mention) -> str:
    m = actor_of(m)
    return m.ref or m.text.lower()


# -- relations for --mentions -------------------------------------------------------------------


def relations(analysis: Analysis) -> list[tuple[str, Mention, Mention]]:
    """Directed relations the candidates state (re3d's names): FightingAgainst, AlliesOf, BelongsTo."""
    out: list[tuple[str, Mention, Mention]] = []
    seen: set[tuple[str, int, int]] = set()

    def add(kind: str, a: Mention, b: Mention) -> None:
        if a is b or (a.start, a.end) == (b.start, b.end) or (kind, a.start, b.start) in seen:
            return
        seen.add((kind, a.start, b.start))
        out.append((kind, a, b))

    for c in analysis.candidates:
        if c.concept == "attack-campaign":
            continue
        if c.cls in HOSTILE:
            for a in c.agents:
                for t in c.targets:
                    add("FightingAgainst", a, t)
            if c.concept == "armed-clash" and not c.targets and len(c.participants) >= 2:
                for a in c.participants:
                    for t in c.participants:
                        add("FightingAgainst", a, t)
        if c.concept == "alliance-agreement":
            parties = c.agents + c.participants + c.targets
            for a in parties:
                for t in parties:
                    add("AlliesOf", a, t)
        if c.cls == "Joining":
            for a in c.agents:
                for t in c.targets:
                    add("BelongsTo", a, t)
    _membership_patterns(analysis, add)
    return out


def _membership_patterns(analysis: Analysis, add) -> None:  # type: ignore[no-untyped-def]
    """'members of X', 'a commander in the navy', 'an Iraqi tribal sheikh of the Al-Karabla clan'."""
    doc = analysis.doc
    ms = analysis.mentions
    for k, m in enumerate(ms[:-1]):
        n = ms[k + 1]
        if not (m.is_actor and n.kind == "org") or n.t0 - m.t1 != 1 or doc[m.t1].lower_ not in ("of", "in"):
            continue
        head = doc[m.t1 - 1].lower_
        if m.kind == "person" and not m.proper or head in ("members", "member", "officers", "fighters", "commanders"):
            add("BelongsTo", m, n)
