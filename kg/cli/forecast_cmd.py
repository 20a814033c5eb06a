"""``kg forecast``: who will do what to whom next, with the rules and events behind each answer;
``kg forecast evaluate``: the ICEWS benchmark (issue 15)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kg.base.errors import UsageError
from kg.cli.options import date_option, echo_rows, format_option
from kg.cli.progress import bars

EVAL_COLUMNS = ["split", "protocol", "mrr", "h1", "h3", "h10", "queries"]


@click.group("forecast", invoke_without_command=True)
@click.option("--actor", metavar="ACTOR", help="The actor (id or exact label) to forecast for.")
@click.option("--relation", metavar="TYPE",
              help="Only this event type: a class (Attack), a project type, or the dataset's own (Make statement).")
@date_option("--on", "on", help="The day to forecast (default: the day after the store's last event).")
@click.option("--horizon", metavar="Nd", help="Average over N days from --on (e.g. 7d), knowing only what precedes them.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many predictions.")
@click.option("--types", "vocabulary", type=click.Choice(["dataset", "project", "class"]),
              help="Relation vocabulary: the dataset's own types, the project's event types or classes "
                   "(default: from --relation, else dataset).")
@click.option("--explain", is_flag=True,
              help="After the rows, each prediction's contributions and a SPARQL query returning its supporting events.")
@format_option()
@click.pass_context
def forecast_group(
    ctx: click.Context, actor: str | None, relation: str | None, on: dt.date | None, horizon: str | None, top: int,
    vocabulary: str | None, explain: bool, fmt: str,
) -> None:
    """Forecast what an actor will do, and to whom, with the rules and past events behind each prediction.

    Rows are ranked predictions: direction (agent: the actor acts; target: it is acted on), the
    event type, the other actor, the score and the rules that fired; csv/json rows also carry each
    rule's contribution (they add up to the score), the supporting events and a SPARQL query that
    returns them. See docs/forecast.md.

    Example: kg forecast --actor isis --relation Attack --horizon 7d --top 5
    """
    if ctx.invoked_subcommand is not None:
        return
    if not actor:
        raise UsageError("kg forecast needs --actor (or the evaluate subcommand)")
    from kg.forecast.store import COLUMNS, TABLE_COLUMNS, forecasts

    graph = ctx.obj["store"].get()
    rows = forecasts(graph, actor=actor, relation=relation, on=on, horizon=horizon, top=top, vocabulary=vocabulary)
    echo_rows(rows, fmt, columns=COLUMNS, table_columns=TABLE_COLUMNS)
    if explain:
        for row in rows:
            click.echo(f"\n# {row['rank']}. {row['direction']} {row['relation_label']} {row['candidate_label']}: "
                       f"score {row['score']:.6f} = " + " + ".join(f"{c:.6f}" for c in row["contributions"]))
            for item in row["explanation"]:
                click.echo(f"#   {item['contribution']:+.6f}  {item['rule']}")
            click.echo(row["sparql"])


@forecast_group.command("evaluate")
@click.option("--dataset", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A benchmark folder: train/valid/test.txt with entity2id.txt and relation2id.txt.")
@click.option("--from-files", is_flag=True, help="Read the files directly instead of importing them into the store.")
@click.option("--tune-sample", type=click.IntRange(min=100), default=8000, show_default=True,
              help="Validation queries used to choose the hyperparameters (fixed seed).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@format_option()
@click.pass_context
def evaluate_command(ctx: click.Context, folder: Path, from_files: bool, tune_sample: int, quiet: bool, fmt: str) -> None:
    """Run the forecasting benchmark on a dataset folder: learn on train, tune on valid, score test.

    Protocol: single-step, both directions, time-aware filter; MRR and Hits@k under random ties
    (exact expectation), average and pessimistic ranks. The files are imported into the store
    (kg import icews, one source id per split) and read back from it, unless --from-files.

    Example: kg forecast evaluate --dataset ../shared/datasets/icews14/cen-icews14s
    """
    from kg.forecast.benchmark import run_benchmark
    from kg.forecast.data import import_into, load_folder, load_from_store

    if from_files:
        dataset = load_folder(folder)
    else:
        graph = ctx.obj["store"].get(write=True)
        import_into(graph, folder, progress=bars(quiet=quiet, unit=" rows"))
        dataset = load_from_store(graph, folder)
    result = run_benchmark(dataset, tune_sample=tune_sample, progress=bars(quiet=quiet, unit=" queries"))
    rows = [
        {"split": split, "protocol": protocol, **{k: round(v, 2) for k, v in figures.items()},
         "queries": result["queries"][split]}
        for split in ("valid", "test") for protocol, figures in result[split].items()
    ]
    echo_rows(rows, fmt, columns=EVAL_COLUMNS)
    if fmt == "table":
        seconds = result["seconds"]
        click.echo(f"{result['dataset']}: {seconds['total']:.0f} s, peak {result['peak_rss_mb']:.0f} MB; "
                   f"parameters (chosen on valid): {result['params']}")
