"""`tinbai show`: one article, every URL it was seen under, its versions and what changed between two."""

from __future__ import annotations

import json

import click

from crawler.cli import DEFAULT_DB, cli
from crawler.cli.query import open_readonly


@cli.command()
@click.argument("ref", metavar="URL|ID")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Archive file (SQLite).")
@click.option("--diff", "versions", nargs=2, type=int, metavar="A B",
              help="Compare these two versions (default: the last two).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: the record, URLs, versions and the diff.")
def show(ref: str, db: str, versions: tuple[int, int] | None, as_json: bool) -> None:
    """Show an article by id or by any URL it was seen under, with its versions.

    When it has two versions or more, a word-level diff follows: [-removed-] {+added+}.

    Example: tinbai show https://nghean.dcs.vn/vi-vn/tin/x/1-2-34842 --db nghean.db --diff 1 2
    """
    from archive.query.history import NoSuchArticle, article_history, find_article, version_text, word_diff
    from crawler.extract.urls import canonical_url

    with open_readonly(db) as archive:
        try:
            try:
                article_id = find_article(archive, ref)
            except NoSuchArticle:
                if ref.isdigit():
                    raise
                article_id = find_article(archive, canonical_url(ref))
            history = article_history(archive, article_id)
            numbers = [version["version"] for version in history["versions"]]
            if versions is None and len(numbers) >= 2:
                versions = (numbers[-2], numbers[-1])
            diff = None
            if versions is not None:
                old, new = (version_text(archive, article_id, number) for number in versions)
                diff = word_diff(f"{old[0]}\n\n{old[1]}", f"{new[0]}\n\n{new[1]}")
        except NoSuchArticle as error:
            raise click.ClickException(str(error)) from None

    if as_json:
        history["diff"] = None if diff is None else {
            "versions": list(versions or ()), "changes": [{"op": op, "text": text} for op, text in diff],
        }
        click.echo(json.dumps(history, ensure_ascii=False, indent=2))
        return
    _print(history, versions, diff)


def _print(history: dict, versions: tuple[int, int] | None, diff: list[tuple[str, str]] | None) -> None:
    from archive.query.history import render_diff

    click.echo(f"{history['id']}  {history['title']}")
    click.echo(f"  {history['site']}  published {history['published'] or '?'}  category {history['category'] or '?'}")
    click.echo(f"  first seen {history['first_seen']}  last seen {history['last_seen']}")
    if history["near_duplicate_of"]:
        click.echo(f"  re-post of article {history['near_duplicate_of']}")
    for url in history["urls"]:
        click.echo(f"  {url}")
    click.echo("versions:")
    for version in history["versions"]:
        click.echo(
            f"  v{version['version']}  {version['fetched_at']}  {version['characters']} characters"
            f"  {version['extraction'] or ''}  {version['content_hash'][:12]}"
        )
    if diff is not None and versions is not None:
        click.echo(f"\ndiff v{versions[0]} -> v{versions[1]}:\n")
        click.echo(render_diff(diff))
