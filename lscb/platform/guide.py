"""The user guide (docs/*.md) as pages of the product: Markdown rendered by markdown-it-py, in GOV.UK styles.

The guide is written once, in Markdown, where it reads well on GitHub and in an editor; this renders the same
files so the footer's "User guide" opens a page with its pictures. Raw HTML in the Markdown is not passed through.
"""

import functools
import re
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify
from markdown_it import MarkdownIt

# The guide's pages: a name in the address and the Markdown file it shows.
PAGES = {"": "user-guide.md", "power-bi": "power-bi.md"}
PICTURE = re.compile(r"^[a-z0-9][a-z0-9-]*\.png$")

CLASSES = {
    "h1": "govuk-heading-xl",
    "h2": "govuk-heading-l",
    "h3": "govuk-heading-m",
    "h4": "govuk-heading-s",
    "p": "govuk-body",
    "a": "govuk-link",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "table": "govuk-table",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "tr": "govuk-table__row",
    "img": "lscb-guide__picture",
}


def docs() -> Path:
    return Path(settings.BASE_DIR) / "docs"


def picture_path(name: str) -> Path | None:
    """A picture of the guide by its file name, or None: only plain names, so no path leaves docs/guide/img."""
    if not PICTURE.match(name):
        return None
    path = docs() / "guide" / "img" / name
    return path if path.is_file() else None


def _address(href: str) -> str:
    """Links between the guide's Markdown files and to its pictures, as the product's addresses."""
    if href.startswith("guide/img/"):
        return "/guide/img/" + href.removeprefix("guide/img/")
    for page, file_name in PAGES.items():
        if href == file_name or href.startswith(file_name + "#"):
            return f"/guide/{page + '/' if page else ''}" + href.removeprefix(file_name)
    return href


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render(page: str) -> tuple[str, str] | None:
    """(title, HTML) of one page of the guide, or None for a page it does not have."""
    if page not in PAGES:
        return None
    parser = _parser()
    tokens = parser.parse((docs() / PAGES[page]).read_text(encoding="utf-8"))
    title = ""
    for index, token in enumerate(tokens):
        if token.nesting == 1 or token.type == "inline":
            if token.tag in CLASSES:
                token.attrSet("class", CLASSES[token.tag])
        if token.type == "heading_open":
            text = tokens[index + 1].content
            token.attrSet("id", slugify(text))  # the guide's contents link to its headings (#agency-lead)
            title = title or text
        for child in token.children or ():
            if child.tag in CLASSES:
                child.attrSet("class", CLASSES[child.tag])
            for name in ("href", "src"):
                if child.attrGet(name):
                    child.attrSet(name, _address(child.attrGet(name)))
    return title, _scrolling(parser.renderer.render(tokens, parser.options, {}))


def _scrolling(html: str) -> str:
    """Code and tables scroll sideways inside a region the keyboard can reach, as every table of the product
    does ({% scrolling_table %}): the page itself never scrolls sideways at 320 px."""
    for tag, label in (("pre", "Example"), ("table", "Table")):
        region = f'<div class="lscb-scroll" role="region" aria-label="{label}" tabindex="0">'
        html = html.replace(f"<{tag}", region + f"<{tag}").replace(f"</{tag}>", f"</{tag}></div>")
    return html
