"""`tinbai extract`: one saved page -> one JSON record."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler.cli import cli


@cli.command()
@click.argument("page", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option("--content-type", help="The Content-Type header it was served with, if known.")
def extract(page: str, url: str, content_type: str | None) -> None:
    """Extract the article of one saved page and print it as JSON.

    The portal profile is chosen by the URL's host; other sites get the generic path.

    Example: tinbai extract fixtures/nghean/pages/tin/21523.html --url https://nghean.dcs.vn/vi-vn/tin/x/1-8-21523
    """
    from crawler import sites as registry
    from crawler.extract import ArticlePage, NotAnArticle, Page
    from crawler.extract import extract as extract_article

    profile = registry.for_url(url)
    if profile is not None and profile.is_listing(url):
        raise click.ClickException(f"{url} is a category listing of {profile.key}, not an article")
    headers = {"Content-Type": content_type} if content_type else {}
    record = Page(url=url, body=Path(page).read_bytes(), headers=headers)
    try:
        article = extract_article(record, profile.page_class if profile else ArticlePage)
    except NotAnArticle as error:
        raise click.ClickException(f"{page}: no article: {error}") from None
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


