"""Nothing is lost: every sentence of every real source appears in its articles, or a named
rule accounts for it."""

from pathlib import Path

import pytest
from importer_helpers import norm, rendered_text, sentences, split_article

from importer import blogger, furniture, read_sources
from importer.decode import decode
from importer.emit import emit

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"
SOURCE_FILES = sorted(p.name for p in SOURCES.glob("*.txt"))
KNOWN_RULES = {*blogger.RULE_NAMES, *furniture.RULE_NAMES, "duplicate_title"}


def article_text(post):
    """What a reader sees of an emitted article: its title, then its rendered body."""
    _, body = split_article(emit(post, "slug"))
    return norm(post.title + "\n" + rendered_text(body))


def lost_sentences(source_text, shown, removed):
    """Return sentences of the source that are neither shown nor removed by a known rule."""
    shown = norm(shown)
    accounted = [norm(r.text) for r in removed if r.rule in KNOWN_RULES]
    return [
        s for s in sentences(source_text) if s not in shown and not any(s in a for a in accounted)
    ]


@pytest.fixture(scope="module")
def posts_by_file():
    posts = read_sources(SOURCES)
    grouped = {}
    for post in posts:
        grouped.setdefault(post.source_file, []).append(post)
    return grouped


def test_there_are_real_sources_to_check():
    assert len(SOURCE_FILES) >= 5


@pytest.mark.parametrize("name", SOURCE_FILES)
def test_every_source_sentence_is_in_an_article_or_removed_by_a_named_rule(name, posts_by_file):
    text, _ = decode((SOURCES / name).read_bytes(), name)
    posts = posts_by_file[name]
    shown = "\n".join(article_text(post) for post in posts)
    removed = [r for post in posts for r in post.removed]
    assert {r.rule for r in removed} <= KNOWN_RULES
    assert lost_sentences(text, shown, removed) == []


@pytest.mark.parametrize("name", SOURCE_FILES)
def test_removed_furniture_is_not_in_the_articles(name, posts_by_file):
    posts = posts_by_file[name]
    bodies = "\n".join(norm(rendered_text(split_article(emit(p, "s"))[1])) for p in posts)
    for post in posts:
        for removal in post.removed:
            if removal.rule != "duplicate_title":
                assert norm(removal.text) not in bodies, (removal.rule, removal.text)


def test_the_check_fails_when_a_paragraph_goes_missing(posts_by_file):
    import dataclasses

    name = SOURCE_FILES[0]
    text, _ = decode((SOURCES / name).read_bytes(), name)
    [post, *_] = posts_by_file[name]
    damaged = dataclasses.replace(post, body=post.body[:3] + post.body[4:])
    lost = lost_sentences(text, article_text(damaged), post.removed)
    assert lost and all(s in norm(post.body[3].text) or s in norm(str(post.body[3])) for s in lost)


def test_the_check_fails_when_a_removal_has_no_named_rule(posts_by_file):
    import dataclasses

    name = "004_043ac94eefa8843d.txt"
    text, _ = decode((SOURCES / name).read_bytes(), name)
    [post] = posts_by_file[name]
    unnamed = [dataclasses.replace(r, rule="mystery") for r in post.removed]
    assert "Should SCRs be anonymised?" in lost_sentences(text, article_text(post), unnamed)


def test_which_rules_removed_what_from_the_real_news_pages(posts_by_file):
    removed = {
        name: [
            (r.rule, r.text.split("\n")[0]) for post in posts_by_file[name] for r in post.removed
        ]
        for name in (
            "000_4f844751b5996527.txt",
            "003_3e5c61aa72e328a3.txt",
            "004_043ac94eefa8843d.txt",
        )
    }
    assert removed["000_4f844751b5996527.txt"] == [
        ("duplicate_title", "Blame culture results in risk aversion in social work"),
        (
            "publisher_footer",
            "Delivering a diverse, reliable range of services to children and "
            "their families across the UK",
        ),
        (
            "design_credits",
            "A Mackman Group collaboration - market research by Mackman Research | "
            "website design by Mackman",
        ),
    ]
    assert removed["003_3e5c61aa72e328a3.txt"] == [
        ("more_from", "More from Community Care"),
        ("comments_closed", "Comments are closed."),
    ]
    assert removed["004_043ac94eefa8843d.txt"] == [
        ("related_articles", "Related articles"),
        ("related_articles", "Submission to Serious Case Review revised guidance consultation"),
        ("related_articles", "Should SCRs be anonymised?"),
        ("more_from", "More from Community Care"),
        ("comments_closed", "Comments are closed."),
    ]


def test_real_archive_pages_split_into_the_expected_posts(posts_by_file):
    found = [
        (p.date.strftime("%Y-%m-%d %H:%M"), p.title)
        for name in ("001_4b26b8ab48fb3d23.txt", "002_fc535890ed000aea.txt")
        for p in posts_by_file[name]
    ]
    assert len(found) == 10
    assert ("2017-08-30 12:01", "Good news from Merton") in found
    assert ("2017-08-30 12:00", "Closing Gaps") in found
    assert ("2017-08-29 12:00", "Will ye no come back again?") in found
