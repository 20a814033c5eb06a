"""``kg draft``: a report's text -> candidate facts for a curator to review."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("draft")
@click.argument("report", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--issued", metavar="DATE", help="The report's date (YYYY-MM-DD or '31 May 2017'); relative dates resolve against it.")
@click.option("--publisher", "publishers", multiple=True, metavar="ACTOR",
              help="Publishing actor (id or name; repeatable). The first is the author of assessments.")
@click.option("--title", help="The report's title (default: from the file name).")
@click.option("--id", "source_id", metavar="SLUG", help="Source id (default: from the file name).")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("data"), show_default=True,
              help="Curated data folder: its registries resolve names; the draft is written into it.")
@click.option("--mentions", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Also write the typed spans and relations found (JSON, re3d types and character offsets).")
@click.option("--force", is_flag=True, help="Replace an earlier draft with the same id.")
def draft_command(
    report: Path, issued: str | None, publishers: tuple[str, ...], title: str | None, source_id: str | None,
    data_dir: Path, mentions: Path | None, force: bool,
) -> None:
    """Draft the events, states, actors and places of a report's text for review.

    Writes DATA/sources/<id>.txt (the text byte for byte, with front matter) and
    DATA/events/<id>.yaml: candidates with a verbatim quote, class and type, roles from the
    actor registry (unknown names become proposed actors), places from the registry and
    GeoNames, dates resolved against --issued, a confidence, the rule that produced each, and
    a `draft:` review marker. `kg build` refuses marked records unless --include-drafts.
    Nothing is written when the report cannot be read (empty, binary, not UTF-8 or not English,
    over 2 MB) or the date does not parse. See docs/draft.md.

    Example: kg draft report.txt --issued 2017-05-31 --publisher isw --data ./data
    """
    from kg.draft.report import draft_report

    result = draft_report(report, data_dir=data_dir, issued=issued, publishers=publishers, title=title,
                          source_id=source_id, mentions=mentions, force=force)
    click.echo(
        f"Drafted {result.events} events, {result.states} states, {result.new_actors} proposed actors and "
        f"{result.new_places} proposed places: {result.events_path} (source {result.source_path})"
        + (f"; mentions in {result.mentions_path}" if result.mentions_path else "")
    )
