"""``kg import``: real datasets (ICEWS, ACLED, UCDP GED, GDELT) into the store."""

from __future__ import annotations

from pathlib import Path

import click

from kg.base.errors import UsageError
from kg.cli.base import pass_writable_kg
from kg.cli.progress import bars, count_lines, shown
from kg.contract.ontology import ensure_ontology
from kg.ingest import FORMATS, get_format
from kg.ingest.base import import_file
from kg.ingest.identity import apply_mapping
from kg.store.graph import KnowledgeGraph


@click.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(sorted(FORMATS)))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source-id", metavar="ID", help="Names the source and its graph (default: FORMAT-<file name>).")
@click.option("--skip-bad-rows", is_flag=True, help="Write bad rows to FILE.rejects.tsv and import the rest.")
@click.option("--replace", is_flag=True, help="The file's content is already in the store under another source id: replace that source.")
@click.option("--as-new", is_flag=True, help="The file's content is already in the store under another source id: keep both.")
@click.option("--actors", "actors", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="MAPPING",
              help="Apply this actor mapping file (YAML or CSV, see `kg map`) after the import.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--no-validate", "no_validate", is_flag=True,
              help="Skip the core SHACL check of the mapped records (about 0.1 s per 1,000 rows); 'kg validate' runs it later.")
@click.option("--epoch", metavar="DATE", help="ICEWS id files: the day their time counts from.")
@click.option("--time-unit", type=click.Choice(["date", "hours", "days", "days-from-1"]), default="date", show_default=True, help="ICEWS: what the time column holds.")
@pass_writable_kg
def import_command(
    kg: KnowledgeGraph,
    fmt: str,
    files: tuple[Path, ...],
    source_id: str | None,
    skip_bad_rows: bool,
    replace: bool,
    as_new: bool,
    actors: Path | None,
    quiet: bool,
    no_validate: bool,
    epoch: str | None,
    time_unit: str,
) -> None:
    """Import dataset files, each into its own named graph, all or nothing per file.

    A malformed row stops that file's import with FILE:LINE: COLUMN: PROBLEM and leaves the
    store unchanged (or, with --skip-bad-rows, goes to a reject file). Importing the
    same file again changes nothing; a newer export of the same source updates it. A file
    whose content (checksum or dataset event ids) is already in the store under another source
    id is refused unless --replace or --as-new says what you want.

    Example: kg import acled acled-2022-syria.csv
    """
    if source_id and len(files) > 1:
        raise UsageError("--source-id names one file's source: import the files one by one")
    options = {"epoch": epoch, "time_unit": time_unit} if fmt == "icews" else {}
    if fmt != "icews" and (epoch or time_unit != "date"):
        raise UsageError("--epoch and --time-unit are for ICEWS files only")
    ensure_ontology(kg)
    stage = bars(quiet=quiet, unit=" rows")
    for path in files:
        importer = get_format(fmt, **options)
        with stage(path.name, count_lines(path) if shown(quiet) else None) as tick:
            report = import_file(kg, importer, path, source_id=source_id, skip_bad_rows=skip_bad_rows,
                                 progress=tick, replace=replace, as_new=as_new, validate=not no_validate)
        click.echo(report.summary())
    if actors is not None:
        click.echo(apply_mapping(kg, actors).summary())
