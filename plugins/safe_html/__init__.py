"""Neutralise script URLs and drop HTML comments in the HTML that posts render to.

Decision (documented in README and tests/robustness): authors may write raw HTML in their
Markdown and it is theirs, but a URL that runs code when followed (`javascript:`,
`vbscript:`, or `data:` other than a `data:image/...` picture) is never published. The
build removes such an attribute (the link text stays, as plain text) and warns, naming
the post, so the author can fix it. HTML comments are authors' private notes: they are
not shown to readers and are dropped from the published pages, feeds and search index.
The site's Content-Security-Policy (theme/templates/base.html) is the second wall.
"""

from __future__ import annotations

import html
import logging
import re

from pelican import signals

log = logging.getLogger(__name__)

# Attributes that browsers follow or load as URLs.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "background")
_NAMES = "|".join(re.escape(name) for name in URL_ATTRIBUTES)
_ATTRIBUTE = re.compile(
    rf"""(?P<space>\s+)(?P<name>{_NAMES})\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"'=<>`]+)""",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[A-Za-z][^>]*>")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# Browsers ignore ASCII control characters and whitespace anywhere in a scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
SAFE_DATA = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")


def is_unsafe_url(value: str) -> bool:
    """True when following or loading the URL VALUE (as written in HTML) could run code."""
    url = _IGNORED_IN_SCHEME.sub("", html.unescape(value)).lower()
    # Percent-encoded leading spaces (`%20javascript:`) make a relative link, not a script.
    if not url.startswith(UNSAFE_SCHEMES):
        return False
    return not url.startswith(SAFE_DATA)


def neutralise_urls(fragment: str) -> tuple[str, list[str]]:
    """Return FRAGMENT without unsafe URL attributes, and the URLs removed."""
    removed: list[str] = []

    def attribute(match):
        value = match["value"]
        if value[:1] in "\"'":
            value = value[1:-1]
        if is_unsafe_url(value):
            removed.append(value)
            return ""
        return match.group(0)

    def tag(match):
        return _ATTRIBUTE.sub(attribute, match.group(0))

    return _TAG.sub(tag, fragment), removed


def strip_comments(fragment: str) -> str:
    """Return FRAGMENT without HTML comments (an author's notes to themselves)."""
    return _COMMENT.sub("", fragment)


def clean(fragment: str | None) -> tuple[str | None, list[str]]:
    """Return the cleaned FRAGMENT and the unsafe URLs removed from it."""
    if not fragment:
        return fragment, []
    return neutralise_urls(strip_comments(fragment))


def clean_content(content):
    """Clean one article's or page's HTML (body and summary) and warn about removed URLs."""
    content._content, removed = clean(content._content)
    if "summary" in content.metadata:
        summary, more = clean(content.metadata["summary"])
        content.metadata["summary"] = summary
        if hasattr(content, "_summary"):
            content._summary = summary
        removed += more
    source = getattr(content, "source_path", None) or "?"
    for url in removed:
        log.warning(
            "%s: removed the link to '%s': a link that runs code is never published. "
            "Fix: link to a web page (https://...) or remove the link.",
            source,
            url,
        )


def register():
    # content_object_init fires once each article or page is read, before any generator
    # builds summaries, feeds or pages from it, so every output sees the cleaned HTML.
    signals.content_object_init.connect(clean_content)
