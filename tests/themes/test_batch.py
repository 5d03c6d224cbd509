"""Speed-ups of the themes plugin give the answers of the plain, one-node-at-a-time algorithm."""

import contextlib
import gc
import pickle
import re
from pathlib import Path

from bs4 import BeautifulSoup

from plugins.themes import add_crosslinks, batch
from plugins.themes.crosslinks import (
    _POSSESSIVE,
    QUOTED,
    _inside_compound,
    _linkable,
    link_text_node,
    names_theme,
    quoted_spans,
)
from plugins.themes.detect import _APOSTROPHES, Match, _find, _patterns
from plugins.themes.markup import BLOCKS
from plugins.themes.settings import DEFAULTS, detection_options
from plugins.yaml_metadata.engine import markdown_engine

ROOT = Path(__file__).resolve().parents[2]

from bench.corpus import make_posts, yaml_text  # noqa: E402


def plain_crosslinks(html, themes, vocabulary):
    """Cross-links as first written, with every rule since: the full matcher on every text node.

    A mention links when it is the first of its theme that names the theme, is not half a
    hyphenated word, is in no quotation (element or marks) and has words between it and the
    topic link before it in the same block.
    """
    wanted = {theme.slug: theme for theme in themes}
    soup = BeautifulSoup(html, "html.parser")
    linked, last = [], None
    for node in list(soup.find_all(string=True)):
        if not wanted:
            break
        if not _linkable(node):
            continue
        block = node.find_parent(list(BLOCKS)) or soup
        strings = list(block.strings)
        offset = sum(len(s) for s in strings[: next(i for i, s in enumerate(strings) if s is node)])
        block_text = "".join(strings)
        in_quote_element = node.find_parent(list(QUOTED)) is not None
        text = str(node)
        picks = []
        for theme, match in _find(text.translate(_APOSTROPHES), _patterns(vocabulary), False, [0]):
            if theme.slug not in wanted or match.weak:
                continue
            if not names_theme(match.phrase, theme):
                continue
            end = match.end - len(_POSSESSIVE.search(match.text).group())
            if _inside_compound(text, match.start, end):
                continue
            where = (offset + match.start, offset + end)
            if in_quote_element or any(
                s < where[1] and where[0] < e for s, e in quoted_spans(block_text)
            ):
                continue
            if (
                last
                and last[0] is block
                and not re.search(r"[^\W_]", block_text[last[1] : where[0]])
            ):
                continue
            picks.append((match.start, end, wanted.pop(theme.slug)))
            last = (block, where[1])
        if not picks:
            continue
        # Splicing the links in is shared; what this reference checks is which text it links.
        linked += link_text_node(soup, node, picks, lambda theme: "{topic}" + theme.slug)
    return (str(soup), tuple(linked)) if linked else (html, ())


def _posts(count, seed):
    posts = []
    for post in make_posts(count, seed):
        body = yaml_text(post).split("---\n", 2)[2]
        posts.append((post.title, markdown_engine().convert(body)))
    return posts


# Mentions split by inline markup, inside links and headings, overlapping phrases of two
# themes, possessives and curly apostrophes: the places a whole-text search could go wrong.
AWKWARD = [
    "<p>A <em>blame</em> culture and a blame culture; <a href='x'>serious case review</a>.</p>"
    "<h2>Serious case review</h2><p>The serious case review's findings; Ofsted’s view.</p>",
    "<ul><li>multi-agency working</li><li>multi agency working with the police</li></ul>"
    "<p>The <code>blame culture</code> is not prose, but this blame culture is.</p>",
    "<p>Supervision</p><p>reflective supervision and supervision</p><pre>supervision</pre>",
    # Quotations (marks, elements), apostrophes, and mentions side by side.
    "<p>He said “a blame culture <em>here</em>” and ‘Ofsted’s view’; the council’s blame "
    "culture.</p><blockquote><p>serious case review</p></blockquote><p>A serious case review.</p>",
    "<p>A no-blame, systems approach; later <q>learning culture</q>, the systems approach.</p>"
    "<ul><li>Ofsted <b>supervision</b></li><li>Ofsted and then supervision</li></ul>",
]


def test_crosslinks_match_the_plain_algorithm_on_generated_and_awkward_posts(vocabulary):
    cases = [html for _, html in _posts(60, seed=11)] + AWKWARD
    slugs = list(vocabulary.slugs)
    checked = 0
    for number, html in enumerate(cases):
        # Every post with several themes, in a different order each time.
        themes = [vocabulary[slugs[(number * 3 + k) % len(slugs)]] for k in range(4)]
        expected = plain_crosslinks(html, themes, vocabulary)
        assert add_crosslinks(html, themes, vocabulary) == expected, html[:200]
        checked += bool(expected[1])
    assert checked > 20  # most cases link something, so the comparison means something


def test_pool_gives_the_answers_worked_out_here(vocabulary):
    options = detection_options(DEFAULTS)
    jobs = [
        batch.Job(html=html, title=title, tags=("Supervision",) if n % 5 == 0 else (), exclude=())
        for n, (title, html) in enumerate(_posts(30, seed=5))
    ]
    pooled = batch.answer_all(
        jobs, vocabulary, options, "theme-link", {"BUILD_WORKERS": 2, "BUILD_POOL_MIN": 0}
    )
    assert all(result is not None for result in pooled)
    dropped = 0
    for job, (kept, linked) in zip(jobs, pooled, strict=True):
        decision = batch.unpack(kept, vocabulary)
        here = batch.answer(job, vocabulary, options, "theme-link")
        # The same answer, with the evidence of the chosen themes only (all the build uses).
        assert (decision, linked) == (batch.chosen_evidence(here[0]), here[1])
        assert {e.theme.slug for e in decision.evidence} <= {t.slug for t in decision.themes}
        for theme in decision.themes:
            assert decision.evidence_for(theme.slug) == here[0].evidence_for(theme.slug)
        dropped += len(here[0].evidence) - len(decision.evidence)
        # The pool's Theme objects are the vocabulary's own, not copies from the pickle.
        assert all(theme is vocabulary[theme.slug] for theme in decision.themes)
    # Memory at 10,000 posts: evidence of themes not chosen never comes back from the pool.
    assert dropped > 0, "no post had evidence of a theme it was not given: nothing was tested"
    assert any(linked for _, linked in pooled)


def test_an_answer_is_kept_packed_and_unpacks_to_the_same_decision(vocabulary, monkeypatch):
    """The build memo keeps each post's answer as plain data (pickled in C), and reading it
    back gives the decision the build used: the vocabulary's own Theme objects, Match tuples."""
    options = detection_options(DEFAULTS)
    states, paused = [], batch.collector_paused

    @contextlib.contextmanager
    def watched():
        with paused():
            yield
            states.append(gc.isenabled())  # after the copying, still paused

    monkeypatch.setattr(batch, "collector_paused", watched)
    matched = 0
    for title, html in _posts(20, seed=7):
        decision, _ = batch.answer(batch.Job(html, title, (), ()), vocabulary, options, None)
        kept = batch.packed(decision)
        assert all(type(slug) is str for slug in kept.themes)
        for item in kept.evidence:
            assert type(item.theme) is str
            assert all(type(match) is tuple for match in item.matches)
        assert pickle.loads(pickle.dumps(kept)) == kept
        back = batch.unpack(pickle.loads(pickle.dumps(kept)), vocabulary)
        assert back == batch.chosen_evidence(decision)
        assert all(theme is vocabulary[theme.slug] for theme in back.themes)
        for item in back.evidence:
            assert item.theme is vocabulary[item.theme.slug]
            assert all(type(match) is Match for match in item.matches)
            assert item.summary() == decision.evidence_for(item.theme.slug).summary()
            matched += len(item.matches)
    assert matched > 100, "too few matches to compare"
    # A long post's matches are copied with no collector pass walking them (bench/size.py).
    assert states == [False] * 60  # each of the 20 answered, packed, then unpacked


def test_remembered_links_are_used_only_for_the_same_html_and_themes(vocabulary):
    job = batch.Job(html="<p>A blame culture.</p>", title="Blame", tags=(), exclude=())
    decision, linked = batch.answer(job, vocabulary, detection_options(DEFAULTS), "theme-link")
    assert batch.links_for(linked, job.html, decision.themes) == linked[:2]
    assert batch.links_for(linked, "<p>A blame culture!</p>", decision.themes) is None
    assert batch.links_for(linked, job.html, [vocabulary["supervision"]]) is None
    assert batch.links_for(None, job.html, decision.themes) is None


def test_a_changed_input_or_vocabulary_changes_the_key(vocabulary):
    options = detection_options(DEFAULTS)
    build = batch.build_key(vocabulary, options, "theme-link")
    job = batch.Job(html="<p>x</p>", title="T", tags=("a",), exclude=())
    same = batch.job_key(job, build)
    assert same == batch.job_key(batch.Job("<p>x</p>", "T", ("a",), ()), build)
    for other in (
        batch.Job("<p>y</p>", "T", ("a",), ()),
        batch.Job("<p>x</p>", "U", ("a",), ()),
        batch.Job("<p>x</p>", "T", ("a", "b"), ()),
        batch.Job("<p>x</p>", "T", ("a",), ("supervision",)),
    ):
        assert batch.job_key(other, build) != same
    fewer = type(vocabulary)(themes=vocabulary.themes[1:])
    assert batch.build_key(fewer, options, "theme-link") != build
    assert batch.build_key(vocabulary, {**options, "threshold": 9}, "theme-link") != build
    assert batch.build_key(vocabulary, options, None) != build
