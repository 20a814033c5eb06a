"""The one SPARQL tokenizer: strings, comments, IRIs, variables, names and punctuation, in linear time.

It is not a parser: it tells what is inside a string, an IRI or a comment (so a ``{`` or a
keyword there is not syntax) and finds words, braces and prefixed names. Parameter
binding (:mod:`kg.sparql.params`), the nesting limit and the dataset scan
(:mod:`kg.sparql.checks`) read its tokens. Whether a text calls ``SERVICE`` or ``LOAD`` is
decided by a parser (:func:`kg.sparql.checks.federation`), never by this lexer.

Every pattern either consumes what it scanned or fails on its first character, so the
time is linear in the text (a 1 MB ``a.a.a...`` takes well under a second); a string left
open runs to the end of the text as one ``error`` token (SPARQL never accepts that).

>>> [(t.kind, t.text) for t in tokens("SELECT ?s { ?s ex:p 'a{' } # }\\r.")]  # doctest: +NORMALIZE_WHITESPACE
[('name', 'SELECT'), ('var', '?s'), ('punct', '{'), ('var', '?s'), ('name', 'ex:p'),
 ('string', "'a{'"), ('punct', '}'), ('punct', '.')]
>>> [t.text for t in tokens("SERVICE:x{")]  # one name, as the engine reads a keyword glued to a local name
['SERVICE:x', '{']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Characters of names (keywords, prefixed names, numbers, blank node labels): \w plus what
# PN_CHARS adds; a '.' belongs to a name only between name characters (``a.b`` but not ``a.``).
_NC = r"\w\-:%\u00b7\u0300-\u036f\u203f\u2040"
_NAME = rf"(?:[{_NC}]|\\.)(?:[{_NC}]|\\.|\.+(?=[{_NC}\\]))*"
_IRI_CHARS = r"[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<error>["'].*)
  | (?P<iri><(?:{_IRI_CHARS})*>)
  | (?P<var>[?$][{_NC}]*)
  | (?P<name>{_NAME})
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: Opening and closing brackets that nest in the grammar (groups, expressions, collections).
OPEN = {"{": "}", "(": ")", "[": "]"}
CLOSE = {v: k for k, v in OPEN.items()}


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is string, iri, var, name, punct, or error (an unterminated string)."""

    kind: str
    text: str
    start: int

    @property
    def word(self) -> str:
        """The upper-cased text of a name (a keyword candidate), else ''."""
        return self.text.upper() if self.kind == "name" else ""


def tokens(text: str, *, comments: bool = False) -> Iterator[Token]:
    """The tokens of ``text`` in order, without whitespace (and comments unless asked)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind == "ws" or (kind == "comment" and not comments):
            continue
        yield Token(kind, match.group(), match.start())


def nesting_depth(text: str, *, stop_above: int | None = None) -> int:
    """The deepest nesting of ``{ ( [`` outside strings, IRIs and comments.

    Stops counting (and returns) as soon as the depth passes ``stop_above``.

    >>> nesting_depth("SELECT * { { ?s ?p '{{{{' FILTER((1)) } }")
    4
    """
    depth = deepest = 0
    for token in tokens(text):
        if token.kind != "punct":
            continue
        if token.text in OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    return deepest
        elif token.text in CLOSE and depth > 0:
            depth -= 1
    return deepest


#: Tokens that each add a level to the engine's algebra or expression tree even at the same
#: nesting depth: ``{} UNION {} UNION ...``, ``OPTIONAL``/``MINUS``/``BIND``/``FILTER`` chains,
#: ``1 + 1 + ...``, ``a || b || ...``, ``!!!...``, property paths ``p/p/...``, ``p|p|...``.
CHAINING_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "VALUES", "GRAPH", "SERVICE", "EXISTS"})
CHAINING_PUNCT = frozenset("|&!=<>+-*/")


def chain_length(text: str, *, stop_above: int | None = None) -> int:
    """How many chaining operators and pattern keywords ``text`` has (outside strings, IRIs
    and comments); a bound on how deep the engine's trees get from a flat text.

    Stops counting (and returns) as soon as the count passes ``stop_above``.

    >>> chain_length("SELECT * { {} UNION {} FILTER(?a || ?b + 1 -1-1) } # UNION")
    8
    """
    count = 0
    for token in tokens(text):
        if token.kind == "punct":
            count += token.text in CHAINING_PUNCT
        elif token.kind == "name":
            if token.word in CHAINING_WORDS:
                count += 1
            elif token.text[:1] in "-.0123456789":  # numbers, glued ones too: 1-1-1 is 1 - 1 - 1
                count += token.text.count("-")
        if stop_above is not None and count > stop_above:
            return count
    return count
