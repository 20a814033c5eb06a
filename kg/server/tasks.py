"""The table of jobs a worker runs, and :func:`execute`, which never raises."""

from __future__ import annotations

import time

import pyoxigraph as ox

from kg.server.editor import editor
from kg.server.render import TASKS as PAGES
from kg.server.work import Answer, Failed, Job, error, run_query, run_update
from kg.sparql.checks import Refused
from kg.sparql.formats import NotAcceptable

TASKS = {"query": run_query, "update": run_update, "editor": editor, **PAGES}


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
    return Answer(answer.status, answer.body, answer.content_type, answer.kind, answer.fmt, answer.truncated,
                  time.perf_counter() - started)
