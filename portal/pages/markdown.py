"""Safe Markdown for descriptions: CommonMark without raw HTML, then cleaned by nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from portal.pages.links import SAFE_SCHEMES

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "code", "pre", "blockquote",
                "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr"}


def render_markdown(text: str | None) -> Markup:
    """HTML of ``text``; headings shift down so descriptions never outrank the page's h1/h2."""
    if not text:
        return Markup("")
    html = _md.render(text)
    for level in (2, 1):  # h1 -> h3, h2 -> h4
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                        link_rel="nofollow noopener", url_schemes=set(SAFE_SCHEMES))
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


def plain_text(text: str | None) -> str:
    """``text`` as words without its Markdown marks, for snippets and meta descriptions
    (``**bụi mịn**`` read as asterisks in search results)."""
    return render_markdown(text).striptags()
