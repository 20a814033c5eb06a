"""The table of jobs a worker runs, and :func:`execute`, which never raises."""

from __future__ import annotations

import time
from dataclasses import replace

import pyoxigraph as ox

from kg.server.dataset import dump, service_description, void
from kg.server.editor import editor
from kg.server.ontology_doc import context, ontology, shapes
from kg.server.render import query_page
from kg.server.resource import graph_document, resource
from kg.server.work import Answer, Failed, Job, error, run_query, run_update
from kg.sparql.checks import Refused
from kg.sparql.formats import NotAcceptable

TASKS = {"query": run_query, "update": run_update, "editor": editor, "resource": resource, "graph": graph_document,
         "ontology": ontology, "shapes": shapes, "context": context, "page": query_page, "void": void,
         "description": service_description, "dump": dump}


def execute(store: ox.Store, job: Job) -> Answer:
    """Run ``job`` on ``store``; every failure becomes an error answer, never an exception."""
    started = time.perf_counter()
    try:
        handler = TASKS[job.task]
        answer = handler(store, job)
    except Refused as err:
        return error(400, str(err))
    except NotAcceptable as err:
        return error(406, str(err))
    except Failed as err:
        return error(err.status, str(err))
    except SyntaxError as err:
        return error(400, f"SPARQL syntax error: {err}")
    except MemoryError:
        return error(503, "the query needed more memory than the server allows (--max-memory)")
    except (OSError, RuntimeError, ValueError) as err:
        return error(500, f"SPARQL {'update' if job.task == 'update' else 'query'} failed: {err}")
    return replace(answer, seconds=time.perf_counter() - started)
