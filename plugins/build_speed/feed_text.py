"""Feeds that escape each long text once per build, however many feeds carry it.

A post is in the all-posts feeds, its category's and each of its topics' (Atom and RSS each):
a 10 MB post was checked for control characters and XML-escaped fourteen times a build. The
feeds made here write each long text (a post's content or summary) the way feedgenerator's own
handler writes it, worked out by that handler the first time and taken from the build's
FeedTexts afterwards, so every feed is byte for byte what feedgenerator writes.
"""

from __future__ import annotations

import io
import os

from feedgenerator import Atom1Feed, Rss201rev2Feed
from feedgenerator.django.utils.xmlutils import SimplerXMLGenerator

# Shorter texts (titles, dates, names) are written as usual: looking them up saves nothing.
LONG = 1024


class FeedTexts:
    """The XML-escaped form of each long text written into a feed this build: {text: escaped},
    and its UTF-8 bytes once a feed file asks for them.

    Held by the build's writer and dropped with it. Memory: at most one escaped copy (and its
    bytes) of each post's content and summary, about the size of the posts themselves.
    """

    def __init__(self):
        self._escaped = {}
        self._encoded = {}

    def escaped(self, text: str) -> str:
        """TEXT as feedgenerator's handler writes it as an element's text (refusing control
        characters as it does), worked out once per distinct text."""
        found = self._escaped.get(text)
        if found is None:
            out = io.StringIO()
            SimplerXMLGenerator(out, "utf-8").characters(text)
            found = self._escaped[text] = out.getvalue()
        return found

    def encoded(self, text: str) -> bytes:
        """escaped(TEXT) less its first character, in UTF-8 (see _TextsOnce.characters)."""
        found = self._encoded.get(text)
        if found is None:
            found = self._encoded[text] = self.escaped(text)[1:].encode("utf-8")
        return found


class _TextsOnce(SimplerXMLGenerator):
    """A view of a feed's handler (sharing its state) that writes long texts from FeedTexts."""

    def characters(self, content):
        if isinstance(content, str) and len(content) >= LONG:
            # Written as is: ignorableWhitespace closes a pending start tag as characters()
            # does and escapes nothing, and the text is escaped already.
            escaped = self._feed_texts.escaped(content)
            out = getattr(self._write, "__self__", None)  # the file the feed is written to
            if not _writes_utf8_as_is(out):
                self.ignorableWhitespace(escaped)
                return
            # A feed file: the rest of the text goes in as the bytes it encodes to, encoded
            # once for every feed (a 10 MB post: 13 files).
            self.ignorableWhitespace(escaped[0])
            out.flush()
            out.buffer.write(self._feed_texts.encoded(content))
        else:
            super().characters(content)


def _writes_utf8_as_is(out):
    """True for a text file that writes str as its UTF-8 bytes, newlines unchanged.

    The feed files Pelican's writer opens: open(path, "w", encoding="utf-8"), whose newline
    translation is os.linesep ("\\n" changes nothing). A file opened with another newline=
    would change "\\n" but cannot be told from it: feeds are not written to one.
    """
    return (
        isinstance(out, io.TextIOWrapper)
        and out.encoding.lower().replace("_", "-") in ("utf-8", "utf8")
        and out.errors == "strict"
        and os.linesep == "\n"
    )


def _texts_once(handler, texts):
    """HANDLER seen as a _TextsOnce: the same instance state, so what either writes follows
    what the other wrote (an open tag, the output)."""
    view = object.__new__(_TextsOnce)
    view.__dict__ = handler.__dict__
    view._feed_texts = texts
    return view


class _ItemsOnce:
    """Mixin for a feedgenerator feed: its items' long texts come from the build's FeedTexts."""

    _feed_texts: FeedTexts

    def write_items(self, handler):
        if isinstance(handler, SimplerXMLGenerator):
            handler = _texts_once(handler, self._feed_texts)
        super().write_items(handler)


class _Atom1FeedOnce(_ItemsOnce, Atom1Feed):
    pass


class _Rss201rev2FeedOnce(_ItemsOnce, Rss201rev2Feed):
    pass


_ONCE = {Atom1Feed: _Atom1FeedOnce, Rss201rev2Feed: _Rss201rev2FeedOnce}


def escaping_once(feed, texts: FeedTexts):
    """FEED (a new feedgenerator feed) made to take its items' long texts from TEXTS; a feed of
    any other class is returned as it is."""
    once = _ONCE.get(type(feed))
    if once is not None:
        feed.__class__ = once  # the same feed; only its write_items differs
        feed._feed_texts = texts
    return feed
