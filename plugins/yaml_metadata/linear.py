"""Keep Markdown's inline pass linear in the length of a long post.

Python-Markdown's inline tree processors (the one for emphasis and links, and smarty's for
quotes and dashes) walk the document with a queue and look children up by position in their
parent, both of which cost time in proportion to the document, for every element: a post of
10 MB took a minute in that pass alone, a post of 20 MB four. Run on the top-level blocks of
a long post a few hundred at a time, the same processors do the same work on small trees: the
time grows with the post's length, and the HTML is the same, byte for byte
(tests/robustness/test_sizes.py compares both).

Only the processors' own code runs; this only decides what tree it is given. A post with
footnotes is converted whole: footnotes are numbered in the order the pass meets them.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

# Top-level blocks given to the inline processor at a time. Below twice this many, a post is
# converted in one piece (every real post).
CHUNK = 500
WRAPPED = ("inline", "smarty")


class ChunkedInline(Treeprocessor):
    """Run INNER (an InlineProcessor) over the top-level blocks of a long tree in chunks."""

    def __init__(self, md, inner):
        super().__init__(md)
        self.inner = inner

    def __getattr__(self, name):
        # Inline patterns read the processor's state (stashed_nodes) through the registry.
        return getattr(self.__dict__["inner"], name)

    def _has_footnotes(self):
        """True when the document defines footnotes (read before any tree processor runs)."""
        try:
            pattern = self.md.inlinePatterns["footnote"]
        except KeyError:  # the footnotes extension is not loaded
            return False
        extension = getattr(pattern, "footnotes", None)
        return bool(getattr(extension, "footnotes", None))

    def run(self, root):
        children = list(root)
        if len(children) < 2 * CHUNK or self._has_footnotes():
            return self.inner.run(root)
        done = []
        for start in range(0, len(children), CHUNK):
            part = etree.Element(root.tag)
            part.extend(children[start : start + CHUNK])
            self.inner.run(part)
            done.extend(part)  # with what the pass inserted after the blocks
        root[:] = done
        return root


def make_linear(md):
    """Wrap MD's inline tree processors in ChunkedInline; return the wrappers."""
    wrappers = []
    for name in WRAPPED:
        if name not in md.treeprocessors:
            continue
        inner = md.treeprocessors[name]
        priority = next(item.priority for item in md.treeprocessors._priority if item.name == name)
        wrapper = ChunkedInline(md, inner)
        md.treeprocessors.register(wrapper, name, priority)
        wrappers.append(wrapper)
    return wrappers
