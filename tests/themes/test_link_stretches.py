"""Topic links found a stretch of text at a time are the links one run over the whole post gives."""

import bisect
import gc
import random
import re
from pathlib import Path

import pytest

from bench.corpus import make_posts, yaml_text
from plugins.themes import batch, crosslinks, decision
from plugins.themes.crosslinks import (
    _JOINT,
    _POSSESSIVE,
    _WORD,
    _context,
    _inside_compound,
    _overlaps,
    add_crosslinks,
    link_text_node,
    names_theme,
)
from plugins.themes.detect import _patterns, _settle, straighten
from plugins.themes.markup import read_tree
from plugins.themes.settings import DEFAULTS, detection_options
from plugins.yaml_metadata.engine import markdown_engine

ROOT = Path(__file__).resolve().parents[2]
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def one_run(html, themes, vocabulary):
    """The reference: add_crosslinks as it was, one matcher run over all the linkable text."""
    page = read_tree(html)
    wanted = {theme.slug: theme for theme in themes}
    if not html or not wanted or not page.nodes:
        return html, ()
    texts = [str(node) for node in page.nodes]
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + len(_JOINT)
    joined = straighten(_JOINT.join(texts))
    candidates = []
    for found_start, found_end, pattern in _settle(joined, _patterns(vocabulary)):
        if pattern.theme.slug not in wanted or pattern.weak:
            continue
        index = bisect.bisect_right(starts, found_start) - 1
        start = found_start - starts[index]
        possessive = _POSSESSIVE.search(joined[found_start:found_end]).group()
        end = found_end - starts[index] - len(possessive)
        candidates.append((index, start, end, pattern))
    picks, contexts, blocks, last = {}, {}, {}, None
    for index, start, end, pattern in candidates:
        theme = pattern.theme
        if theme.slug not in wanted or not names_theme(pattern.phrase, theme, vocabulary):
            continue
        if _inside_compound(texts[index], start, end):
            continue
        context = contexts.get(index)
        if context is None:
            context = contexts[index] = _context(page.nodes[index], blocks)
        block, offset, quoted = context
        if quoted or _overlaps(block.quotes, offset + start, offset + end):
            continue
        if (
            last is not None
            and last[0] is block
            and not _WORD.search(block.text, last[1], offset + start)
        ):
            continue
        picks.setdefault(index, []).append((start, end, wanted.pop(theme.slug)))
        last = (block, offset + end)
        if not wanted:
            break
    linked = []
    href = lambda theme: crosslinks.PLACEHOLDER + theme.slug  # noqa: E731
    for index, node_picks in sorted(picks.items()):
        linked += link_text_node(page.soup, page.nodes[index], node_picks, href)
    if not linked:
        return html, ()
    return str(page.soup), tuple(linked)


def real_html():
    paths = sorted((ROOT / "content" / "articles").rglob("*.md"))
    paths += sorted((ROOT / "tests" / "fixtures").glob("*/**/*.md"))
    return [
        markdown_engine().convert(
            FRONT_MATTER.sub("", path.read_text(encoding="utf-8", errors="replace"))
        )
        for path in paths
    ]


def corpus_html(count, seed=3):
    return [
        markdown_engine().convert(yaml_text(post).split("---\n", 2)[2])
        for post in make_posts(count, seed=seed)
    ]


def _same(html, vocabulary, stretch, monkeypatch, theme_sets):
    monkeypatch.setattr(crosslinks, "_STRETCH", stretch)
    for themes in theme_sets:
        assert add_crosslinks(html, themes, vocabulary) == one_run(html, themes, vocabulary)


@pytest.mark.parametrize("stretch", [1, 150, 20_000])
def test_the_real_posts_get_the_links_of_one_run(vocabulary, monkeypatch, stretch):
    themes = list(vocabulary)
    rng = random.Random(stretch)
    linked = 0
    for html in real_html():
        sets = [themes, rng.sample(themes, 4), themes[::-1]]
        _same(html, vocabulary, stretch, monkeypatch, sets)
        linked += len(add_crosslinks(html, themes, vocabulary)[1])
    assert linked > 20  # the posts do mention their themes


@pytest.mark.slow
@pytest.mark.parametrize("stretch", [1, 300, 20_000])
def test_the_bench_corpus_and_long_posts_get_the_links_of_one_run(vocabulary, monkeypatch, stretch):
    themes = list(vocabulary)
    bodies = corpus_html(120)
    rng = random.Random(stretch)
    long_posts = ["\n".join(rng.sample(bodies, 25)) for _ in range(4)]
    for html in bodies + long_posts:
        _same(html, vocabulary, stretch, monkeypatch, [themes, rng.sample(themes, 3)])


def test_a_long_post_whose_themes_link_early_is_not_read_to_its_end(vocabulary, monkeypatch):
    read = []

    def counted(text, patterns):
        read.append(len(text))
        return _settle(text, patterns)

    monkeypatch.setattr(crosslinks, "_settle", counted)
    filler = "<p>Supervision and blame culture were discussed again at length today.</p>\n"
    html = "<p>Supervision matters in a blame culture.</p>\n" + filler * 20_000
    themes = [vocabulary["supervision"], vocabulary["blame-culture"]]
    out, slugs = add_crosslinks(html, themes, vocabulary)
    assert set(slugs) == {"supervision", "blame-culture"}
    assert out.count('class="theme-link"') == 2
    assert sum(read) < len(html) / 20  # read a stretch, not the 1.4 MB of text


def test_the_collector_is_paused_while_a_post_is_worked_on(vocabulary, collector_states):
    states = collector_states(batch, "decide")
    options = detection_options(DEFAULTS)
    job = batch.Job(html="<p>Supervision, supervision.</p>", title="Supervision", tags=())
    assert gc.isenabled()
    decision, _ = batch.answer(job, vocabulary, options, "theme-link")
    assert states == [False] and gc.isenabled()
    assert [theme.slug for theme in decision.themes] == ["supervision"]


def test_every_decision_pauses_the_collector_while_the_tree_is_alive(vocabulary, collector_states):
    # `make check`, `make themes` and the importer decide without the build's batch.
    states = collector_states(decision, "themes_for_post")
    options = detection_options(DEFAULTS)
    tags = decision.tags_for_import("Supervision", "<p>Supervision.</p>", [], vocabulary, **options)
    assert tags == ["Supervision"]
    assert states == [False] and gc.isenabled()


def test_a_long_post_whose_theme_never_links_settles_only_the_texts_that_name_it(
    vocabulary, monkeypatch
):
    # A theme named only in quotations is never linked, so the whole post is read for it;
    # only the texts where a phrase naming it matches are settled with every phrase.
    read = []

    def counted(text, patterns):
        read.append(len(text))
        return _settle(text, patterns)

    monkeypatch.setattr(crosslinks, "_settle", counted)
    filler = "<p>Supervision was discussed again at length today with the whole team.</p>\n"
    quoted = "<blockquote><p>A blame culture, they said.</p></blockquote>\n"
    html = "<p>Supervision matters.</p>\n" + (filler * 50 + quoted) * 400
    themes = [vocabulary["supervision"], vocabulary["blame-culture"]]
    out, slugs = add_crosslinks(html, themes, vocabulary)
    assert (out, slugs) == one_run(html, themes, vocabulary)
    assert slugs == ("supervision",)
    assert sum(read) < len(html) / 20  # the 400 quoted paragraphs, not the 1.5 MB of text
