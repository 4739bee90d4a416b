"""Showing a message body safely: sanitised HTML, remote content blocked, every link tracked.

No script, no style, no remote image ever reaches the candidate's page; every link points to
the room's own redirect, which logs the click and shows a warning instead of leaving.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import nh3
from markupsafe import Markup

# (url, visible text) -> the room's tracked address for it
LinkRewriter = Callable[[str, str], str]

_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "caption", "code", "div", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"alt", "src", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "p": {"align"},
    "div": {"align"},
}
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»"
_BLOCK_TAGS = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}


@dataclass(frozen=True, slots=True)
class SafeBody:
    html: Markup
    blocked_images: int


def sanitize_html(html: str, rewrite: LinkRewriter) -> SafeBody:
    """The HTML body, cleaned: allowed tags only, links rewritten, images blocked."""
    # Cleaned once as is, then again with the rewriting: the second pass sees exactly the links
    # the first one kept, so each link's text is its own even when a javascript: one was dropped.
    html = _clean(html, None)
    texts = _link_texts(html)
    blocked = 0
    position = 0

    def attribute(tag: str, name: str, value: str) -> str | None:
        nonlocal blocked, position
        if tag == "a" and name == "href":
            text = texts[position] if position < len(texts) else ""
            position += 1
            return rewrite(value, text)
        if tag == "img" and name == "src":
            blocked += 1
            return None
        return value

    return SafeBody(Markup(_clean(html, attribute)), blocked)  # noqa: S704 - nh3 has just sanitised it


def _clean(html: str, attribute: Callable[[str, str, str], str | None] | None) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        clean_content_tags={"script", "style", "title", "head"},
        attributes=_ALLOWED_ATTRIBUTES,
        attribute_filter=attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def linkify_text(text: str, rewrite: LinkRewriter) -> Markup:
    """A plain-text body as HTML: escaped, with every address turned into a tracked link."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        out.append(escape(text[last : match.start()]))
        target = url if "://" in url else "http://" + url
        out.append(f'<a href="{escape(rewrite(target, url))}" rel="noopener noreferrer nofollow">{escape(url)}</a>')
        last = end
    out.append(escape(text[last:]))
    return Markup("".join(out))  # noqa: S704 - every piece is escaped above


def html_to_text(html: str) -> str:
    """The readable text of an HTML body (for search, for graders, for quoting in a reply)."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; if it still fails, fall back to stripping tags
        return re.sub(r"<[^>]*>", " ", html)
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _link_texts(html: str) -> list[str]:
    collector = _LinkTextCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:
        return []
    return collector.texts


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


class _LinkTextCollector(HTMLParser):
    """The visible text of each ``<a href>``, in document order (for the click's log)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and any(name == "href" for name, _ in attrs):
            if self._open is not None:
                self.texts.append(" ".join("".join(self._open).split()))
            self._open = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.texts.append(" ".join("".join(self._open).split()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)
