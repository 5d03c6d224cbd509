"""The fast matcher, text extraction and report give what the plain, slow versions give."""

import os
import random
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from plugins.themes import batch, parse_vocabulary, themes_for_post
from plugins.themes.crosslinks import _linkable
from plugins.themes.detect import (
    _APOSTROPHES,
    Match,
    _find,
    _fold,
    _patterns,
    _sentence_starts,
    _snippet,
    _specificity,
    compile_phrase,
    detect_themes,
    first_word,
    straighten,
)
from plugins.themes.markup import BLOCKS, read_tree
from plugins.themes.report import ADVICE, detection_line, detection_message
from plugins.themes.settings import DEFAULTS, detection_options
from plugins.themes.tagging import html_text
from plugins.yaml_metadata.engine import markdown_engine

ROOT = Path(__file__).resolve().parents[2]

from bench.corpus import load_theme_phrases, make_posts, yaml_text  # noqa: E402
from tests.themes.vocabularies import TRICKY  # noqa: E402

AWKWARD_TEXTS = [
    "İstanbul ſocial worK and ſocial work; SOCIAL WORK, social-work.",
    "Children’s homes, children's home, childrens home, CHILDREN'S HOME.",
    "The case‐load and case‑load; no‐blame culture; no blame culture; noblame culture.",
    "MPs, MP's, MPs', the MP; mp; UNCRCs; S.47 enquiries, s.47 enquiry, S.47-enquiry.",
    "parties, party's, partying, parties'; blamed, blaming, blames; boxes, boxed, boxing.",
    "re-referrals, rereferral, re referral; policy makers, policymakers, policy-makers.",
    "Café culture, CAFÉ CULTURE, cafe culture; élan, Élan, ÉLAN; x x-ray x_y; abc ab ab_",
    "_under __under under_; 24-hour cover, 24 hour cover; A-levels, A level; CP-IS, CPIS.",
    "A say in it; a-say-in; say in. The party line and the party. Social care system.",
    "Blame culture\x00culture blame\x00blame-the-victim. Climbié, CLIMBIÉ, Climbie.",
    "ΟΔΟΣ child ΣΑΣ'Β children ΣΑΣ Home office; the home office's; home-office.",
    "",
    "x",
    "Thing thing THING things thing's; working working-class work-life.",
]


def _generated_texts(count, seed):
    phrases = load_theme_phrases(ROOT / "content" / "themes.yaml")
    texts = []
    for post in make_posts(count, seed, phrases):
        body = yaml_text(post).split("---\n", 2)[2]
        texts.append(html_text(markdown_engine().convert(body)))
    return texts


def plain_find(text, patterns, in_title, starts):
    """_find as first written: every regex over all the text, every overlap checked."""
    found, vetoes = [], []
    for pattern in patterns:
        for m in pattern.regex.finditer(text):
            if pattern.weak is None:
                vetoes.append((m.start(), m.end(), pattern.theme))
            else:
                found.append((m.start(), m.end(), pattern))
    found = [
        (start, end, p)
        for start, end, p in found
        if not any(t is p.theme and s < end and start < e for s, e, t in vetoes)
    ]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    kept = []
    for start, end, p in found:
        if any(s < end and start < e and (s, e) != (start, end) for s, e, _ in kept):
            continue
        if any((s, e) == (start, end) and q.theme is p.theme for s, e, q in kept):
            continue
        kept.append((start, end, p))
    kept.sort(key=lambda k: k[0])
    matches = []
    for start, end, p in kept:
        sentence = -1 if in_title else max(i for i, s in enumerate(starts) if s <= start)
        match = Match(p.phrase, text[start:end], start, end, sentence, in_title, p.weak)
        matches.append((p.theme, match))
    return matches


@pytest.mark.slow  # every phrase of the vocabulary against every regex
def test_the_fast_matcher_finds_what_every_regex_finds(vocabulary):
    texts = _generated_texts(40, seed=3) + AWKWARD_TEXTS
    checked = 0
    for vocab in (vocabulary, TRICKY):
        patterns = _patterns(vocab)
        for raw in texts:
            text = raw.translate(_APOSTROPHES)
            starts = [0, len(text) // 3, len(text) // 2]
            expected = plain_find(text, patterns, False, starts)
            assert _find(text, patterns, False, starts) == expected, text[:100]
            # The same patterns as a plain list take the slow path, with the same answer.
            assert _find(text, list(patterns), False, starts) == expected
            checked += len(expected)
    assert checked > 1000  # the texts mention many phrases, so the comparison means something


@pytest.mark.parametrize(
    "phrase, texts",
    [
        ("no-blame culture", ["no-blame cultures", "noblame culture", "no blame culture"]),
        ("S.47 enquiry", ["s.47 enquiries", "S.47 ENQUIRY"]),
        ("children's home", ["children’s homes".translate(_APOSTROPHES), "CHILDREN'S HOME"]),
        ("party", ["parties", "party's", "PARTIES'"]),
        ("blame", ["blamed", "blaming", "BLAME"]),
        ("re-referral*", ["rereferrals", "re referral", "RE-REFERRALS"]),
        ("MP", ["MPs", "MP's"]),
        ("café culture", ["CAFÉ culture"]),
        ("a say in", ["A say in"]),
        ("social work", ["ſocial work", "SOCIAL WORKS", "ſOCIAL work"]),
        ("kid", ["\u212aids", "KID'S"]),
        ("idea", ["\u0130DEAS", "\u0131deas"]),
    ],
)
def test_every_match_begins_with_the_first_word_the_index_expects(phrase, texts):
    word, whole = first_word(phrase)
    regex = compile_phrase(phrase)
    for text in texts:
        (match,) = regex.finditer(text)
        run = _fold(text)[match.start() :].split()[0]
        run = run[: next((i for i, c in enumerate(run) if not (c.isalnum() or c == "_")), None)]
        assert run == word if whole else run.startswith(word), (phrase, text, run)


def test_an_unindexable_phrase_is_still_found():
    assert first_word("élan") is None
    vocab = parse_vocabulary("themes:\n  - {slug: e, name: E, description: d, phrases: [élan]}\n")
    assert [m.text for _, m in _find("Élan and élans", _patterns(vocab), False, [0])] == [
        "Élan",
        "élans",
    ]


@pytest.mark.parametrize(
    "text",
    ["plain", "Children’s ‘quoted’ case‐load, non‑breaking", "İſK ı", "‐‑’‘" * 3, "", "ÉİΣ"],
)
def test_replacing_characters_one_by_one_equals_translate(text):
    assert straighten(text) == text.translate(_APOSTROPHES)
    fold = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
    assert _fold(text) == text.translate(fold).lower()
    assert len(_fold(text)) == len(text)


HTML_CASES = [
    "<p>One.</p><p>Two <em>and</em> three.</p>",
    "<ul><li>a<ul><li>b</li></ul></li></ul><ol><li>c</li></ol>",
    "<h2>Head</h2><p>x<br>y<br/>z</p><hr><p>after</p>",
    "<p>Comment <!-- not text --> and <script>var x = 'no';</script><style>p{}</style>.</p>",
    "<template><p>template text</p></template><ruby>漢<rt>kan</rt><rp>(</rp></ruby>",
    "<![CDATA[cdata text]]><p>&amp; &lt;b&gt; &nbsp; &#8217; &unknown; &copy</p>",
    "<!DOCTYPE html><div><section><article><p>deep<p>unclosed</article></section>",
    "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table><dl><dt>t<dd>d</dl>",
    "<p>Link <a href='x'>in a link <b>bold</b></a>, <code>code</code>, <kbd>k</kbd></p>",
    "<figure><img src=x><figcaption>Caption</figcaption></figure>   \n  <p> </p>",
    "text with no tags at all",
    "",
    "<p>stray</b> end tag</i></p></p><svg><text>svg</text></svg><math><mi>x</mi></math>",
    "<pre>pre <b>bold</b></pre><label>L</label><button>B</button><select><option>o</select>",
]


def plain_text(html):
    """html_text as first written: append a blank line to every block, then get_text()."""
    soup = BeautifulSoup(html or "", "html.parser")
    for tag in soup.find_all(BLOCKS):
        tag.append("\n\n")
    return soup.get_text()


def test_one_walk_gives_the_text_and_nodes_of_the_plain_versions():
    posts = [
        markdown_engine().convert(yaml_text(post).split("---\n", 2)[2])
        for post in make_posts(30, seed=9)
    ]
    for html in HTML_CASES + posts:
        page = read_tree(html)
        assert page.text == plain_text(html), html[:100]
        soup = BeautifulSoup(html, "html.parser")
        expected = [str(node) for node in soup.find_all(string=True) if _linkable(node)]
        assert [str(node) for node in page.nodes] == expected, html[:100]
        assert all(_linkable(node) for node in page.nodes)
        assert str(page.soup) == str(soup)  # the walk leaves the soup as parsed


def test_one_parse_per_post_gives_the_answers_of_two(vocabulary):
    options = detection_options(DEFAULTS)
    for number, html in enumerate(HTML_CASES[:3] + [f"<p>{t}</p>" for t in AWKWARD_TEXTS]):
        job = batch.Job(html=html, title=f"Title {number}", tags=(), exclude=())
        decision = themes_for_post(job.title, plain_text(html), [], vocabulary, **options)
        assert batch.answer(job, vocabulary, options, "theme-link")[0] == decision


def _decision(vocabulary, text, tags=()):
    options = detection_options(DEFAULTS)
    return themes_for_post("A title", text, list(tags), vocabulary, **options)


INSPECTION = (
    "Ofsted's inspection praised our paperwork. Inspectors read records for two days. "
    "The inspection report said little about families."
)


def test_one_untagged_post_is_reported_in_the_words_it_always_was(vocabulary):
    decision = _decision(vocabulary, INSPECTION)
    assert decision.themes
    line = detection_line("articles/a.md", decision)
    message = detection_message([None, line])
    why = "; ".join(
        f"{t.name} ({decision.evidence_for(t.slug).summary()})" for t in decision.themes
    )
    assert message == (
        f"themes: articles/a.md has no theme tags; detected {why}. Add them to tags: to keep "
        "them, or list a slug in themes_exclude: to drop one."
    )
    nothing = detection_line("articles/b.md", _decision(vocabulary, "Nothing to see."))
    assert detection_message([nothing]) == (
        "themes: articles/b.md has no theme tags and no theme was detected"
    )


def test_many_untagged_posts_are_one_message_with_every_post_and_why(vocabulary):
    detected = _decision(vocabulary, INSPECTION)
    reports = [
        detection_line("articles/a.md", detected),
        detection_line("articles/tagged.md", _decision(vocabulary, INSPECTION, ["Supervision"])),
        detection_line("articles/b.md", _decision(vocabulary, "Nothing to see.")),
        detection_line("articles/c.md", detected),
    ]
    assert reports[1] is None  # the author's theme tags: nothing to report
    message = detection_message(reports)
    lines = message.split("\n")
    assert lines[0] == "themes: 3 posts have no theme tags:"
    summary = detected.evidence_for(detected.themes[0].slug).summary()
    assert lines[1].startswith(f"articles/a.md has no theme tags; detected {detected.themes[0]}")
    assert summary in lines[1] and summary in lines[3]
    assert lines[2] == "articles/b.md has no theme tags and no theme was detected"
    assert lines[3].startswith("articles/c.md has no theme tags; detected")
    assert lines[4:] == [ADVICE]
    assert detection_message([reports[2], reports[2]]).count(ADVICE) == 0
    assert detection_message([None, None]) is None


def test_posts_unchanged_since_an_earlier_build_are_counted_not_listed_again(vocabulary):
    edited = detection_line("articles/edited.md", _decision(vocabulary, INSPECTION))
    message = detection_message([edited], remembered=2)
    first, note = message.split("\n")
    assert first.startswith("themes: articles/edited.md has no theme tags; detected")
    assert note.startswith("themes: 2 other posts without theme tags kept the themes detected")
    assert "make themes" in note
    alone = detection_message([None], remembered=1)
    assert alone.startswith("themes: 1 post without theme tags kept the themes detected")
    assert detection_message([], remembered=0) is None


@pytest.mark.slow
def test_a_rebuild_reports_only_the_edited_post_in_full(tmp_path):
    from tests.sitebuild import build_site

    content = tmp_path / "content"
    articles = content / "articles"
    articles.mkdir(parents=True)
    body = "The Ofsted inspection report came out. Ofsted inspectors and the inspection team."
    for name in ("first", "second"):
        (articles / f"{name}.md").write_text(
            f"---\ntitle: The {name} post\ndate: 2020-01-0{1 if name == 'first' else 2}\n---\n\n"
            f"{body}\n",
            encoding="utf-8",
        )
    cache = {"CACHE_PATH": f'"{tmp_path / "cache"}"', "THEMES_REPORT_LEVEL": '"warning"'}
    wide = {**os.environ, "COLUMNS": "1000"}  # one log line per line, whatever the terminal
    cold = build_site(content, tmp_path / "one", extra_settings=cache, env=wide)
    cold_log = " ".join(cold.log.split())
    assert "first.md has no theme tags; detected" in cold_log
    assert "second.md has no theme tags; detected" in cold_log
    edited = articles / "second.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMore inspection.\n", "utf-8")
    warm = build_site(content, tmp_path / "two", extra_settings=cache, env=wide)
    warm_log = " ".join(warm.log.split())
    assert "second.md has no theme tags; detected" in warm_log
    assert "first.md has no theme tags" not in warm_log
    assert "1 other post without theme tags kept the themes detected" in warm_log


@pytest.mark.slow
def test_phrases_overlapping_in_chains_are_settled_as_all_at_once(vocabulary):
    # _settle settles each cluster of overlapping matches on its own: random runs of words
    # that start, end and nest phrases of both vocabularies (chains of overlaps, the same
    # span for two themes, vetoes) are settled as the plain version settles all at once.
    rng = random.Random(17)
    checked = 0
    for vocab in (vocabulary, TRICKY):
        patterns = _patterns(vocab)
        words = sorted({w for p in patterns for w in p.phrase.replace("*", "").split()})
        words += ["the", "-", ",", ".", "\n\n", "care", "system", "culture", "work"]
        for _ in range(400):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
            text = text.translate(_APOSTROPHES)
            starts = [0, len(text) // 2]
            expected = plain_find(text, patterns, False, starts)
            assert _find(text, patterns, False, starts) == expected, text
            checked += len(expected)
    assert checked > 5000


def scored_as_it_was(matches, opts):
    """The score, sentence count and spread of a theme's MATCHES, as detect_themes first did."""
    title_phrases = {m.phrase: m.weak for m in matches if m.in_title}
    title_score = sum(
        opts["title_weight"] * (opts["weak_weight"] if weak else 1.0)
        for weak in title_phrases.values()
    )
    sentences = {}
    for m in matches:
        if not m.in_title:
            sentences.setdefault(m.sentence, []).append(m)
    body_score, strong, weak_only = 0.0, set(), set()
    for index, found_here in sentences.items():
        phrases = {m.phrase: m.weak for m in found_here}
        weight = sum(
            opts["weak_weight"] if weak else _specificity(phrase, opts)
            for phrase, weak in phrases.items()
        )
        weak_kinds = {m.phrase for m in found_here if m.weak}
        if any(not m.weak for m in found_here):
            strong.add(index)
        elif opts["cooccurrence"] and len(weak_kinds) >= opts["cooccurrence"]:
            strong.add(index)
            weight = max(weight, 1.0)
        else:
            weak_only.add(index)
        body_score += min(opts["sentence_cap"], weight)
    firsts = dict.fromkeys(m.sentence for m in matches if not m.in_title and not m.weak)
    support = len(strong) + 0.5 * len(weak_only)
    return round(title_score + body_score, 2), support, list(firsts)[:2]


@pytest.mark.slow
def test_themes_are_scored_as_they_were(vocabulary):
    # detect_themes scores each theme in one pass over each sentence's matches; the scores,
    # spreads and snippets are those of the comprehensions it used before (bench/size.py).
    opts = {key[len("THEMES_") :].lower(): value for key, value in DEFAULTS.items()}
    texts = _generated_texts(60, seed=11) + AWKWARD_TEXTS
    texts.append("\n\n".join(texts[:40]))  # a long post: many sentences per theme
    checked = 0
    for vocab in (vocabulary, TRICKY):
        for options in ({}, {"cooccurrence": 0}, {"cooccurrence": 3, "weak_weight": 0.3}):
            settings = {**opts, **options}
            for text in texts:
                for evidence in detect_themes(text, vocab, title=text[:60], **options):
                    score, support, firsts = scored_as_it_was(evidence.matches, settings)
                    assert evidence.score == score
                    assert (
                        f"{support:g}" in evidence.reason
                        or "title" in evidence.reason
                        or (evidence.reason.startswith(("only weak", "score", "already")))
                    )
                    starts = _sentence_starts(straighten(text))
                    expected = tuple(_snippet(straighten(text), starts, i) for i in firsts)
                    assert evidence.snippets == expected
                    checked += 1
    assert checked > 500
