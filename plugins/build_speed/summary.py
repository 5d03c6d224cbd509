"""Each post's summary cut from its body once a build, not once for each page depth.

Pelican's Content.get_summary(siteurl) is kept per site URL: for each page depth a listing
shows the post at (the home page, a tag page, a page of a tag page...), it makes the post's
content with links for that depth (the whole body) and cuts that to SUMMARY_MAX_LENGTH
words. The links differ from one depth to the next only inside tags, where the cut never
looks (it counts the words of the text), so the summary for a depth is the body cut once,
with links then made for that depth in the short summary alone. tests/bench/
test_summary_once.py compares it with Pelican's own for every post of the fixtures and the
synthetic corpus, at every depth. Pinned to Pelican 4.12's get_summary (requirements.txt).
"""

from __future__ import annotations

from pelican.utils import (
    strip_toc_elements_from_html,
    truncate_html_paragraphs,
    truncate_html_words,
)


class SummaryOnce:
    """Stands for one post's get_summary(siteurl): the body cut once, its links per URL."""

    def __init__(self, content):
        self.content = content
        self._cut = None
        self._by_url = {}

    def __call__(self, siteurl):
        summary = self._by_url.get(siteurl)
        if summary is None:
            summary = self._by_url[siteurl] = self._summary(siteurl)
        return summary

    def _summary(self, siteurl):
        content = self.content
        if "summary" in content.metadata:
            return content.metadata["summary"]
        if self._cut is None:
            self._cut = cut_body(content)
        return content._update_content(self._cut, siteurl)


def cut_body(content):
    """CONTENT's body (links not made) cut as Pelican 4.12's get_summary cuts its content."""
    body = content._get_content() if hasattr(content, "_get_content") else content._content
    settings = content.settings
    if settings.get("SUMMARY_MAX_PARAGRAPHS") is not None:
        body = truncate_html_paragraphs(body, settings["SUMMARY_MAX_PARAGRAPHS"])
    if settings["SUMMARY_MAX_LENGTH"] is not None:
        body = truncate_html_words(
            body, settings["SUMMARY_MAX_LENGTH"], settings["SUMMARY_END_SUFFIX"]
        )
    return strip_toc_elements_from_html(body)


def summaries_once(contents):
    """Give each of CONTENTS (its body final) a get_summary that cuts the body once."""
    for content in contents:
        # An instance attribute goes before Pelican's memoized method (not a data descriptor).
        content.get_summary = SummaryOnce(content)
