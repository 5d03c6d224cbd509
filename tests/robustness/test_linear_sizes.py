"""Long posts: the work grows with the length of the post, not with its square.

A 20 MB post took 490 s to build: Markdown's inline pass (a queue popped from the front and a
child looked up by position, per element) and the theme detector's settling of phrase matches
(a sorted-list insert per match, and every match compared with every veto) were quadratic.
Markdown now runs that pass on a few hundred top-level blocks at a time (the same HTML, byte
for byte), and the detector uses masks of the text.
"""

from __future__ import annotations

import glob
from pathlib import Path

import markdown
import pytest
from robust_helpers import ROOT

from plugins.yaml_metadata import linear

EXTENSIONS = ["markdown.extensions.extra", "markdown.extensions.smarty", "markdown.extensions.toc"]
MIXED = """## A heading

A paragraph with *emphasis*, **strong**, `code`, "quotes" -- and dashes, a [link][ref],
an <abbr title="x">LSCB</abbr> and a [second link](https://example.org/ "A 'title'").

- a list item with [an inline link](../x/)
- another, with a line
  that continues

> A quotation with *emphasis* in it.

| a | b |
|---|---|
| 1 | 2 |

    indented code <b>

<div markdown="1">Raw *HTML* block</div>

"""
REFERENCE = "\n[ref]: https://example.org/reference 'Defined at the very end'\n"


def _converter(chunked):
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html5")
    return md, (linear.make_linear(md) if chunked else [])


def _texts():
    for path in sorted(glob.glob(str(ROOT / "content" / "articles" / "*" / "*.md"))):
        yield Path(path).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    yield MIXED * 40 + REFERENCE
    yield (MIXED * 5).replace("A paragraph", "A paragraph[^1]") + "\n[^1]: A footnote.\n"


@pytest.mark.parametrize("chunk", [1, 3, 50])
def test_the_chunked_inline_pass_gives_the_same_html_byte_for_byte(monkeypatch, chunk):
    monkeypatch.setattr(linear, "CHUNK", chunk)
    for text in _texts():
        whole, _ = _converter(False)
        md, wrappers = _converter(True)
        assert md.convert(text) == whole.convert(text)


def test_the_reader_converts_with_the_chunked_pass():
    from pelican.settings import read_settings

    from plugins.yaml_metadata.reader import YAMLMarkdownReader

    reader = YAMLMarkdownReader(read_settings(str(ROOT / "pelican.conf.py")))
    md = reader._markdown()
    assert isinstance(md.treeprocessors["inline"], linear.ChunkedInline)
    assert isinstance(md.treeprocessors["smarty"], linear.ChunkedInline)


def test_the_inline_pass_never_sees_more_than_a_chunk_of_a_long_post(monkeypatch):
    md, wrappers = _converter(True)
    sizes = []
    inner = wrappers[0].inner
    original = inner.run

    def spy(tree, *args):
        sizes.append(len(tree))
        return original(tree, *args)

    monkeypatch.setattr(inner, "run", spy)
    html = md.convert("A *paragraph*.\n\n" * (3 * linear.CHUNK))
    assert html.count("<em>paragraph</em>") == 3 * linear.CHUNK
    assert len(sizes) == 3 and max(sizes) == linear.CHUNK
