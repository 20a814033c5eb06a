"""Errors that say what to change: checks on a user's query text before it runs, and one-line
explanations of the engine's syntax errors.

The engine reports an undeclared prefix or a variable missing from ``GROUP BY`` as a list of
expected characters; these read the text with the one tokenizer (:mod:`kg.sparql.lexer`)
and name the prefix or variable instead.

>>> check_query("SELECT * WHERE { ?s foaf:name ?n }")
Traceback (most recent call last):
...
kg.base.errors.QueryError: unknown prefix 'foaf:' (in foaf:name): declare it first, e.g. PREFIX foaf: <http://xmlns.com/foaf/0.1/>
>>> check_query("DROP GRAPH <http://example.org/g>")
Traceback (most recent call last):
...
kg.base.errors.QueryError: DROP is a SPARQL update, and kg query only reads (SELECT, ASK, CONSTRUCT, DESCRIBE): change the store with kg build or kg import, or send updates to kg serve started with an update token (KG_UPDATE_TOKEN), POST /update
>>> print(explain("SELECT ?a ?b (COUNT(*) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a", "error at 1:1: ..."))
?b is selected but not in GROUP BY (GROUP BY ?a): add it there (GROUP BY ?a ?b) or aggregate it, e.g. (SAMPLE(?b) AS ?b1)
"""

from __future__ import annotations

from kg.base.errors import QueryError
from kg.base.namespaces import PREFIXES
from kg.sparql.lexer import Token, tokens

#: The first keyword of every SPARQL 1.1 Update operation.
UPDATE_KEYWORDS = ("INSERT", "DELETE", "DROP", "CLEAR", "LOAD", "CREATE", "ADD", "MOVE", "COPY", "WITH")

#: Namespaces users often forget to declare, for the example in the message.
_KNOWN_NAMESPACES = {
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "dc": "http://purl.org/dc/elements/1.1/",
}

_CLAUSE_END = {"ORDER", "HAVING", "LIMIT", "OFFSET", "VALUES"}


def check_query(sparql: str) -> None:
    """:raises QueryError: the text is an update, or uses a prefix it does not declare (the
    predeclared ones of :data:`kg.base.namespaces.PREFIXES` count as declared)."""
    words = _body(list(tokens(sparql)))
    if words and words[0].word in UPDATE_KEYWORDS:
        raise QueryError(
            f"{words[0].word} is a SPARQL update, and kg query only reads (SELECT, ASK, CONSTRUCT, DESCRIBE): "
            "change the store with kg build or kg import, or send updates to kg serve started with an update "
            "token (KG_UPDATE_TOKEN), POST /update"
        )
    prefix = undeclared_prefix(sparql)
    if prefix is not None:
        name, used = prefix
        example = _KNOWN_NAMESPACES.get(name, f"http://example.org/{name}#")
        raise QueryError(f"unknown prefix '{name}:' (in {used}): declare it first, e.g. PREFIX {name}: <{example}>")


def undeclared_prefix(sparql: str) -> tuple[str, str] | None:
    """``(prefix, the prefixed name using it)`` of the first prefix neither declared nor predeclared.

    >>> undeclared_prefix("PREFIX ex: <http://x/> SELECT * { ?s ex:p xsd:date ; bad:q 'a:b' }")
    ('bad', 'bad:q')
    """
    declared = set(PREFIXES)
    items = list(tokens(sparql))
    for i, token in enumerate(items):
        if token.word == "PREFIX" and i + 1 < len(items):
            declared.add(items[i + 1].text.split(":", 1)[0])
    for i, token in enumerate(items):
        if token.kind != "name" or ":" not in token.text or (i and items[i - 1].word == "PREFIX"):
            continue
        name = token.text.split(":", 1)[0]
        if name == "_" or name.upper() in ("SERVICE", "GRAPH"):  # blank nodes; keywords glued to a name
            continue
        if name not in declared:
            return name, token.text
    return None


def explain(sparql: str, message: str) -> str | None:
    """One line for an engine error on ``sparql`` when the text shows its cause, else None:
    an undeclared prefix, a selected variable missing from ``GROUP BY``."""
    prefix = undeclared_prefix(sparql)
    if prefix is not None:
        name, used = prefix
        example = _KNOWN_NAMESPACES.get(name, f"http://example.org/{name}#")
        return f"unknown prefix '{name}:' (in {used}): declare it first, e.g. PREFIX {name}: <{example}>"
    return _ungrouped(list(tokens(sparql)))


def _body(items: list[Token]) -> list[Token]:
    """The tokens after the prologue (PREFIX and BASE declarations)."""
    i = 0
    while i < len(items) and items[i].word in ("PREFIX", "BASE"):
        i += 3 if items[i].word == "PREFIX" else 2
    return items[i:]


def _ungrouped(items: list[Token]) -> str | None:
    """The message for the first variable the SELECT clause projects bare while GROUP BY leaves it out."""
    body = _body(items)
    if not body or body[0].word != "SELECT":
        return None
    grouped: list[str] = []
    for i, token in enumerate(body):
        if token.word == "GROUP" and i + 1 < len(body) and body[i + 1].word == "BY":
            for later in body[i + 2 :]:
                if later.word in _CLAUSE_END or later.text == "}":
                    break
                if later.kind == "var":
                    grouped.append(later.text)
    if not grouped:
        return None
    depth = 0
    for token in body[1:]:
        if token.word == "WHERE" or token.text == "{":
            break
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.kind == "var" and depth == 0 and token.text not in grouped:
            var = token.text
            return (f"{var} is selected but not in GROUP BY ({'GROUP BY ' + ' '.join(grouped)}): add it there "
                    f"(GROUP BY {' '.join([*grouped, var])}) or aggregate it, e.g. (SAMPLE({var}) AS {var}1)")
    return None
