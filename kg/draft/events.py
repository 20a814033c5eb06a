"""Event candidates from sentences: trigger lexicons per class and role patterns by voice.

A trigger is a verb of :data:`kg.draft.lexicon.VERB_TRIGGERS`, a light verb with an event noun
("launched a wave of attacks"), an event noun with its own actor ("a meeting of X", "an attack by
X against Y", "the NATO Summit"), a modal with an actor subject ("NATO will expand": a Plan), or an
analyst's hedge ("likely", "demonstrates": an Assessment by the publisher). Roles:

- active voice: the agent is the nearest actor to the left that is not in a prepositional phrase
  (a relative "who" takes its antecedent; a coordinated verb shares the previous verb's agent);
  the target is the direct object or the actor after a cue ("targeting", "against", "on");
- passive voice ("was bombed and killed by X"): the agent follows "by", the target is the subject;
- statements and plans have no targets: the other actors they mention are what they are about.

Triggers in the content of a statement ("stated that ... will not engage in combat"), after a
negation, or in an irrealis complement ("the capability and intent to ...") are not events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.draft import lexicon as lx
from kg.draft.spans import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_VERBS = lx.verb_index()
_BE = {"was", "were", "is", "are", "been", "be", "being", "got", "get"}
_ADVERBS = {"also", "reportedly", "later", "briefly", "then", "allegedly", "subsequently", "formally", "instead",
            "repeatedly", "already", "still", "again", "successfully", "jointly", "first", "not", "never", "n't",
            "once", "further", "apparently", "initially", "eventually", "finally", "recently", "previously"}
_PREPS = {"of", "in", "at", "near", "from", "with", "for", "to", "against", "by", "on", "into", "towards", "toward",
          "during", "since", "between", "over", "under", "across", "inside", "outside", "around", "about", "like",
          "after", "before", "through", "within", "without", "among", "per", "via", "than", "as"}
_CLAUSE_BREAKS = {";", ":", "(", ")", "[", "]"}
_RELATIVE = {"who", "which", "that"}
_TARGET_CUES = {"targeting", "targetting", "targeted", "against", "on", "upon"}
_CONTINUING = {"continued", "continuing", "ongoing", "continues", "continue"}


@dataclass
class Candidate:
    """One drafted event (or state) before it is written as YAML."""

    cls: str
    concept: str
    sentence: int  # index of the sentence
    trigger: int  # token index of the trigger
    rule: str
    confidence: float
    agents: list[Mention] = field(default_factory=list)
    targets: list[Mention] = field(default_factory=list)
    participants: list[Mention] = field(default_factory=list)
    about: list[Mention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    destination: Mention | None = None
    weapon: str | None = None
    hedge: str | None = None
    continuing: bool = False
    repeated: bool = False
    part_of: int | None = None  # index of the campaign candidate
    notes: list[str] = field(default_factory=list)
    extra_tokens: set[int] = field(default_factory=set)  # tokens the trigger consumed ("attack" of "launched an attack")
    extra_places: list[str] = field(default_factory=list)  # place names read from a shared head ("Southern and Central Syria")
    date_start: dt.date = dt.date.min
    date_end: dt.date = dt.date.min
    precision: str = "day"
    date_rule: str = ""
    shares_date_with: Candidate | None = None  # a coordinated verb ("questioned ... while stressing")


def find_events(doc: Doc, sent_index: int, sent: Span, mentions: list[Mention]) -> list[Candidate]:
    """The candidates of one sentence, in text order."""
    ms = [m for m in mentions if sent.start <= m.t0 and m.t1 <= sent.end]
    by_token = {i: m for m in ms for i in range(m.t0, m.t1)}
    out: list[Candidate] = []
    complement_from: int | None = None  # statement content starts here
    used: set[int] = set()
    i = sent.start
    while i < sent.end:
        token = doc[i]
        word = token.lower_
        if i in by_token and by_token[i].kind != "date" or i in used:
            i += 1
            continue
        found = _verb_event(doc, sent, i, by_token, out) if word in _VERBS else None
        if found is None and word in lx.NOUN_TRIGGERS:
            found = _noun_event(doc, sent, i, by_token, ms)
        if found is None and (word in ("will", "shall") or word in ("plans", "intends") and _next(doc, i, sent) == "to"):
            found = _plan(doc, sent, i, by_token, out)
        if found is not None and complement_from is not None and i > complement_from:
            if found.cls != "Statement" or not _coordinated(doc, sent, i):
                found = None
        if found is not None and out and out[-1].cls == found.cls and _coordinated(doc, sent, i):
            found.shares_date_with = out[-1]
        if found is not None and _blocked(doc, sent, i) and found.cls != "Plan":
            found = None
        if found is not None:
            found.sentence = sent_index
            _finish(doc, sent, found, ms, by_token)
            used.update(found.extra_tokens)
            out.append(found)
            if found.cls == "Plan" and " as well as " in doc[i:sent.end].text:
                second = Candidate("Plan", "plan-announcement", sent_index, i, found.rule + ":as-well-as", 0.5)
                second.agents = list(found.agents)
                second.about = list(found.about)
                second.shares_date_with = found
                second.notes.append("a second plan: the objects joined by 'as well as'")
                out.append(second)
            if found.cls == "Statement" and _next(doc, i, sent) in ("that", "the", "a", "it"):
                complement_from = i
            i = _skip_coordinated(doc, sent, i, found)
            continue
        i += 1
    hedge = _hedge(sent)
    if hedge is not None:
        assessment = Candidate("Assessment", "assessment", sent_index, sent.start, f"assessment:hedge:{hedge}", 0.6)
        assessment.hedge = hedge
        assessment.about = [m for m in ms if m.is_actor and m.ref]
        out.insert(0, assessment)
    return out


def _next(doc: Doc, i: int, sent: Span) -> str:
    return doc[i + 1].lower_ if i + 1 < sent.end else ""


def _blocked(doc: Doc, sent: Span, i: int) -> bool:
    """Negated or irrealis: "will not engage", "the capability and intent to intensify"."""
    window = [t.lower_ for t in doc[max(sent.start, i - 4):i]]
    if any(w in lx.NEGATIONS for w in window[-2:]):
        return True
    if window and window[-1] == "to" or len(window) > 1 and window[-2] == "to" and window[-1] in _ADVERBS:
        before = window[:-1] if window[-1] == "to" else window[:-2]
        return any(w in lx.IRREALIS_NOUNS for w in before[-3:])
    return False


def _coordinated(doc: Doc, sent: Span, i: int) -> bool:
    """A reporting verb coordinated with the previous one ("but stressed", "while stressing")."""
    prev = [t.lower_ for t in doc[max(sent.start, i - 2):i]]
    return bool(prev) and prev[-1] in ("but", "and", "while", "also") or (len(prev) > 1 and prev[-2] in ("but", "and", "while"))


def _skip_coordinated(doc: Doc, sent: Span, i: int, found: Candidate) -> int:
    """'bombed and killed': one event; continue after the coordinated verb."""
    j = i + 1
    if found.cls in ("Attack", "Interception") and j + 1 < sent.end and doc[j].lower_ in ("and", "or", ",") \
            and doc[j + 1].lower_ in _VERBS and _VERBS[doc[j + 1].lower_][2] == "":
        lemma = _VERBS[doc[j + 1].lower_][0]
        if lx.VERB_TRIGGERS.get(lemma, ("",))[0] == "Attack":
            return j + 2
    return j


def _verb_event(doc: Doc, sent: Span, i: int, by_token: dict[int, Mention], out: list[Candidate]) -> Candidate | None:
    lemma, form, light = _VERBS[doc[i].lower_]
    token = doc[i]
    if token.text[:1].isupper() and i != sent.start:
        return None  # part of a name
    if light:
        for j in range(i + 1, min(sent.end, i + 8)):
            noun = doc[j].lower_
            if noun in lx.NOUN_TRIGGERS and lx.NOUN_TRIGGERS[noun][0] == "Attack":
                cls, concept = lx.NOUN_TRIGGERS[noun]
                words = {t.lower_ for t in doc[i:j]}
                if words & lx.CAMPAIGN_WORDS and noun.endswith("s"):
                    concept = "attack-campaign"
                cand = Candidate(cls, concept, 0, i, f"{cls.lower()}:light-verb:{lemma}+{noun}", 0.75)
                cand.extra_tokens = {j}
                return cand
            if doc[j].is_punct and doc[j].text not in ("-",):
                break
        return None
    cls, concept = lx.VERB_TRIGGERS[lemma]
    if lemma == "target" and any(c.cls == "Attack" for c in out):
        return None  # "detonated a VBIED targeting X": a role cue of the attack, not a new event
    if form == "ing" and i > sent.start and doc[i - 1].lower_ in ("the", "a", "of"):
        return None  # a gerund used as a noun
    if form in ("base", "s") and doc[i].lower_ in lx.NOUN_TRIGGERS and i > sent.start and not (
            (i - 1) in by_token and by_token[i - 1].is_actor or doc[i - 1].lower_ in _ADVERBS | {"to", "will", "would", "could",
                                                                                                "and", "who", "they", "we"}):
        return None  # "a major ground attack by X": a noun, handled as a noun
    if form == "s" and lemma in ("attack", "strike", "raid", "fight", "clash", "bomb", "report", "claim") and i > sent.start \
            and doc[i - 1].lower_ in ("the", "these", "those", "of", "such", "its", "their", "his", "her"):
        return None
    voice = "passive" if _passive(doc, sent, i) else "active"
    return Candidate(cls, concept, 0, i, f"{cls.lower()}:verb:{lemma}:{voice}", 0.7 if voice == "active" else 0.65)


def _passive(doc: Doc, sent: Span, i: int) -> bool:
    if _VERBS[doc[i].lower_][1] != "ed":
        return False
    j = i - 1
    while j >= sent.start and (doc[j].lower_ in _ADVERBS or doc[j].lower_ in ("and", ",") or
                               (doc[j].lower_ in _VERBS and _VERBS[doc[j].lower_][1] == "ed")):
        j -= 1
    return j >= sent.start and doc[j].lower_ in _BE


def _noun_event(doc: Doc, sent: Span, i: int, by_token: dict[int, Mention], ms: list[Mention]) -> Candidate | None:
    noun = doc[i].lower_
    cls, concept = lx.NOUN_TRIGGERS[noun]
    prev = doc[i - 1].lower_ if i > sent.start else ""
    if prev in ("these", "those", "this", "that", "such"):
        return None  # anaphoric: refers back to events already drafted
    if i + 1 < sent.end and doc[i + 1].lower_ in ("wave", "campaign") or prev in ("the",) and i - 1 == sent.start:
        return None  # "The attack wave demonstrates ...": refers back
    own = _noun_actors(doc, sent, i, by_token)
    if not own and cls != "Withdrawal":
        return None  # an event noun without its own actor is drafted only through a verb
    words = {t.lower_ for t in doc[max(sent.start, i - 3):i]}
    if words & lx.CAMPAIGN_WORDS:
        concept = "attack-campaign"
    cand = Candidate(cls, concept, 0, i, f"{cls.lower()}:noun:{noun}", 0.6)
    return cand


def _noun_actors(doc: Doc, sent: Span, i: int, by_token: dict[int, Mention]) -> list[Mention]:
    """Actors attached to an event noun: 'X's attack', 'the NATO Summit', 'a meeting of X', 'attack by X'."""
    out: list[Mention] = []
    j = i - 1
    while j >= sent.start and (doc[j].lower_ in {"-", "ground", "major", "double", "joint", "spectacular"} | _CONTINUING or
                               (j in by_token and by_token[j].kind in ("weapon", "date", "nationality"))):
        j -= 1
    if j >= sent.start and j in by_token and by_token[j].is_actor:
        out.append(by_token[j])
    elif j - 1 >= sent.start and doc[j].lower_ in ("'s", "its", "their", "his", "her") and (j - 1) in by_token:
        out.append(by_token[j - 1])
    elif j >= sent.start and doc[j].lower_ in ("its", "their"):
        out.append(Mention(doc[j].idx, doc[j].idx + len(doc[j].text), doc[j].text, "org", "pronoun", j, j + 1, proper=False))
    if i + 1 < sent.end and doc[i + 1].lower_ in ("of", "by", "between", "with"):
        k = i + 2
        while k < min(sent.end, i + 14):
            if k in by_token and by_token[k].is_actor:
                out.append(by_token[k])
                k = by_token[k].t1
                if doc[i + 1].lower_ != "between" or k >= sent.end or doc[k].lower_ not in ("and", ","):
                    break
                continue
            k += 1
    return out


def _plan(doc: Doc, sent: Span, i: int, by_token: dict[int, Mention], out: list[Candidate]) -> Candidate | None:
    j = i + 1
    while j < sent.end and doc[j].lower_ in _ADVERBS | {"to"}:
        j += 1
    if j >= sent.end or not doc[j].is_alpha or doc[j].lower_ in ("be", "have", "not"):
        return None
    agent = _subject(doc, sent, i, by_token, out)
    if agent is None:
        return None
    cand = Candidate("Plan", "plan-announcement", 0, i, f"plan:modal:{doc[i].lower_}", 0.6)
    cand.agents = [agent]
    return cand


def _subject(doc: Doc, sent: Span, i: int, by_token: dict[int, Mention], out: list[Candidate]) -> Mention | None:
    """The agent of a trigger at ``i`` in the active voice."""
    j = i - 1
    while j >= sent.start:
        t = doc[j]
        if t.text in _CLAUSE_BREAKS:
            return None
        if t.lower_ in ("who",) or (t.lower_ == "which" and j > sent.start and doc[j - 1].text == ","):
            return _antecedent(doc, sent, j, by_token)
        if j in by_token and by_token[j].is_actor:
            m = by_token[j]
            before = doc[m.t0 - 1].lower_ if m.t0 > sent.start else ""
            if before not in _PREPS and not _in_parens(doc, sent, m.t0):
                return _head_actor(m, by_token, doc)
            j = m.t0 - 1
            continue
        earlier = next((c for c in out if c.trigger == j and c.agents), None)
        if earlier is not None:
            return earlier.agents[0]
        j -= 1
    return None


def _antecedent(doc: Doc, sent: Span, j: int, by_token: dict[int, Mention]) -> Mention | None:
    for k in range(j - 1, max(sent.start, j - 6) - 1, -1):
        if k in by_token and by_token[k].is_actor:
            return by_token[k]
    return None


def _head_actor(m: Mention, by_token: dict[int, Mention], doc: Doc) -> Mention:
    """'NATO leaders': a common noun right after a registry actor stands for that actor."""
    if m.ref is None and not m.proper and m.t0 - 1 in by_token and by_token[m.t0 - 1].ref and by_token[m.t0 - 1].is_actor:
        return by_token[m.t0 - 1]
    return m


def _in_parens(doc: Doc, sent: Span, t: int) -> bool:
    depth = 0
    for k in range(sent.start, t):
        depth += doc[k].text == "("
        depth -= doc[k].text == ")"
    return depth > 0


def _object(doc: Doc, sent: Span, i: int, by_token: dict[int, Mention], *, places: bool) -> list[Mention]:
    """The direct object, or the actors after a target cue, right of the trigger."""
    out: list[Mention] = []
    j = i + 1
    cue = False
    while j < sent.end and j < i + 16:
        t = doc[j]
        if t.text in _CLAUSE_BREAKS or (t.lower_ in _VERBS and not cue and j > i + 1 and t.lower_ not in _TARGET_CUES
                                         and _VERBS[t.lower_][2] == ""):
            if not (doc[j - 1].lower_ in ("and", "or") and j == i + 2):
                break
        if t.lower_ in _TARGET_CUES:
            cue = True
        if j in by_token:
            m = by_token[j]
            before = doc[m.t0 - 1].lower_ if m.t0 > sent.start else ""
            direct = before not in _PREPS or (cue and before in ("of", "against", "on"))
            if m.is_actor and direct:
                out.append(_head_actor(m, by_token, doc))
                if doc[m.t1].lower_ not in ("and", ",") if m.t1 < sent.end else True:
                    break
            elif places and m.kind == "place" and direct and not out:
                out.append(m)
                break
            j = m.t1
            continue
        if t.lower_ in ("by", "in", "at", "during") and not cue and out == []:
            if t.lower_ == "by":
                break
        j += 1
    return out


def _by_agent(doc: Doc, sent: Span, i: int, by_token: dict[int, Mention]) -> Mention | None:
    for j in range(i + 1, min(sent.end, i + 10)):
        if doc[j].lower_ == "by":
            for k in range(j + 1, min(sent.end, j + 6)):
                if k in by_token and by_token[k].kind in ("org", "person", "platform"):
                    return by_token[k]
            return None
        if doc[j].text in _CLAUSE_BREAKS:
            return None
    return None


def _passive_subject(doc: Doc, sent: Span, i: int, by_token: dict[int, Mention], out: list[Candidate]) -> Mention | None:
    j = i - 1
    while j >= sent.start:
        if j in by_token and by_token[j].kind in ("org", "person", "place"):
            m = by_token[j]
            before = doc[m.t0 - 1].lower_ if m.t0 > sent.start else ""
            if before not in _PREPS:
                return m
            j = m.t0 - 1
            continue
        if doc[j].lower_ in ("who", "which"):
            return _antecedent(doc, sent, j, by_token)
        j -= 1
    return None


def _finish(doc: Doc, sent: Span, cand: Candidate, ms: list[Mention], by_token: dict[int, Mention]) -> None:
    i = cand.trigger
    text = sent.text.lower()
    if cand.cls in ("Attack", "Interception"):
        for words, concept in lx.WEAPON_CONCEPTS:
            if any(w in text for w in words) and cand.concept in ("attack", "ground-attack"):
                cand.concept = concept
                break
        weapon = next((m for m in ms if m.kind == "weapon" and m.t0 > i - 8 and m.t0 < i + 8), None)
        if weapon is not None:
            cand.weapon = " ".join(w for w in weapon.text.split() if w.lower() not in ("one", "a", "an", "the", "double"))
    if ":noun:" in cand.rule:
        actors = _noun_actors(doc, sent, i, by_token)
        if cand.cls == "Attack" and i + 1 < sent.end and doc[i + 1].lower_ == "by":
            cand.agents = actors[-1:]
            cand.targets = _object(doc, sent, i + 2 + (cand.agents[0].t1 - cand.agents[0].t0 if cand.agents else 0),
                                   by_token, places=True) if cand.agents else []
        elif cand.cls in ("Meeting", "Event"):
            cand.agents = actors[:1]
            cand.participants = actors[1:]
        else:
            cand.agents = actors[:1]
    elif ":passive" in cand.rule:
        agent = _by_agent(doc, sent, i, by_token)
        cand.agents = [agent] if agent else []
        target = _passive_subject(doc, sent, i, by_token, [])
        cand.targets = [target] if target else []
    elif cand.cls != "Plan":
        agent = _subject(doc, sent, i, by_token, [])
        cand.agents = [agent] if agent else []
        if cand.cls in ("Attack", "Interception", "Joining", "Event"):
            start = max(cand.extra_tokens) if cand.extra_tokens else i
            cand.targets = [m for m in _object(doc, sent, start, by_token, places=cand.cls == "Attack") if m not in cand.agents]
    if cand.cls in ("Statement", "Plan", "Meeting", "Withdrawal"):
        cand.about = [m for m in ms if m.is_actor and m.ref and m not in cand.agents and m.t0 > i]
    if cand.cls == "Meeting" and doc[i].lower_ in ("met", "meet", "meets") and i + 1 < sent.end and doc[i + 1].lower_ == "with":
        cand.participants = _object(doc, sent, i + 1, by_token, places=False)
    if cand.cls == "Withdrawal":
        _movement(doc, sent, cand, by_token)
    else:
        cand.places = _places(doc, sent, ms)
    window = {t.lower_ for t in doc[max(sent.start, i - 3):i + 1]}
    cand.continuing = bool(window & _CONTINUING)
    cand.repeated = "repeatedly" in window or any(t.lower_ in ("has", "have") for t in doc[max(sent.start, i - 3):i])


def _movement(doc: Doc, sent: Span, cand: Candidate, by_token: dict[int, Mention]) -> None:
    mode = ""
    for j in range(cand.trigger + 1, sent.end):
        word = doc[j].lower_
        if word == "from":
            mode = "from"
        elif word in ("towards", "toward", "to", "into"):
            mode = "to"
        if j in by_token and by_token[j].kind == "place" and by_token[j].t0 == j:
            if mode == "to" and cand.destination is None:
                cand.destination = by_token[j]
            elif mode == "from":
                cand.places.append(by_token[j])
        if j > sent.start and doc[j].lower_ == "and" and j + 1 < sent.end and doc[j + 1].text[:1].isupper() and mode == "from":
            # "Southern and Central Syria": a shared head noun
            nxt = by_token.get(j + 1)
            prev = doc[j - 1]
            if nxt is not None and nxt.kind == "place" and prev.i not in by_token:
                head = nxt.text.split()[-1]
                cand.notes.append(f"'{prev.text} {head}' read from '{prev.text} and {nxt.text}'")
                cand.extra_places.append(f"{prev.text} {head}")


def _places(doc: Doc, sent: Span, ms: list[Mention]) -> list[Mention]:
    """Place mentions of the sentence, without the containers named after them ('X in Y')."""
    places = [m for m in ms if m.kind == "place" and (m.ref or m.extra.get("geo") is not None)]
    keep: list[Mention] = []
    for m in places:
        before = doc[m.t0 - 1].lower_ if m.t0 > sent.start else ""
        if keep and before in ("in", "of", ",") and keep[-1].t1 == m.t0 - 1:
            continue  # 'the shrine in Damascus': Damascus contains the shrine
        keep.append(m)
    return keep


def _hedge(sent: Span) -> str | None:
    words = [t.lower_ for t in sent]
    text = " " + " ".join(words) + " "
    for hedge in lx.HEDGES:
        if f" {hedge} " in text:
            if hedge == "remains" and not (len(words) > 2 and words[0] == "the" and words[1] in lx.ANAPHORIC_EVENT_NOUNS):
                continue
            return hedge
    return None
