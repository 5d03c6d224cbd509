"""News pages shaped like three publishers': furniture at the top and end goes by named rules,
every sentence of the article stays."""

import re
from pathlib import Path

import pytest
from importer_helpers import norm, rendered_text, sentences, split_article

from importer import blogger, furniture, read_sources
from importer.emit import emit
from importer.furniture import strip_leading
from importer.records import BulletList

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "importer-news-publishers"
KNOWN_RULES = {*blogger.RULE_NAMES, *furniture.RULE_NAMES}
FURNITURE = {
    "national.txt": [
        "By Jane Smith",
        "Tue 12 Mar 2019",
        "Share on Facebook",
        "visits a family at home in Leeds",
        "Photograph: Christopher Thomond",
        "Councils struggle to keep",
        "Why do social workers leave the profession?",
        "Comments (3)",
        "fieldworker",
        "found wanting",
        "Blame is easy.",
        "Guardian News",
    ],
    "broadcaster.txt": [
        "Published",
        "Image source",
        "Getty Images",
        "unsupported by managers after a child died",
        "By Tom Jones",
        "Social affairs reporter",
        "Related Topics",
        "Social worker shortage",
        "12 January 2019",
        "Full story",
    ],
    "trade.txt": [
        "Home > News",
        "Anna Brown",
        "4 min read",
        "writing case notes at her desk",
        "Fotolia",
        "Full story at Community Care",
        "Tags:",
        "Scie’s systems approach explained",
        "Five things we learned",
        "Responses to",
        "Sam Field",
        "I sat on a review panel",
        "only if the council wants to learn",
        "Leave a Reply",
        "newsletter",
        "Mark Allen Group",
    ],
}
ARTICLE = {
    "national.txt": (
        "Three in four practitioners say a culture of blame makes them more cautious",
        "alongside the government’s review of children’s social care.",
    ),
    "broadcaster.txt": (
        "Social workers are leaving the profession because they fear being blamed",
        "a national panel now looks at the most serious cases.",
    ),
    "trade.txt": (
        "Councils that look for someone to blame after a child’s death",
        "developed by the Social Care Institute for Excellence.",
    ),
}


@pytest.fixture(scope="module")
def posts():
    return {post.source_file: post for post in read_sources(FIXTURE)}


def shown(post):
    _, body = split_article(emit(post, "slug"))
    return norm(post.title + "\n" + rendered_text(body))


def test_three_publishers_pages_are_tested(posts):
    assert sorted(posts) == sorted(FURNITURE)


@pytest.mark.parametrize("name", sorted(FURNITURE))
def test_every_sentence_is_in_the_article_or_removed_by_a_named_rule(name, posts):
    post = posts[name]
    assert {r.rule for r in post.removed} <= KNOWN_RULES
    text = norm(shown(post))
    source = (FIXTURE / name).read_text(encoding="utf-8")
    lost = []
    for number, line in enumerate(source.split("\n"), start=1):
        # List marks are not the sentences' words: a reader sees bullets and numbers.
        rest = norm(re.sub(r"^\s*([●•·▪◦‣–*-]|\d{1,3}[.)])\s+", "", line))
        if not rest or any(rest in norm(r.text) for r in post.removed):
            continue
        for removal in post.removed:
            if removal.line == number:
                rest = rest.replace(norm(removal.text), " ")
        lost += [part for part in sentences(rest) if part not in text]
    assert lost == []


@pytest.mark.parametrize("name", sorted(FURNITURE))
def test_the_furniture_is_gone_and_the_article_is_whole(name, posts):
    post = posts[name]
    _, body = split_article(emit(post, "slug"))
    text = norm(rendered_text(body))
    for furniture_text in FURNITURE[name]:
        assert norm(furniture_text) not in text, furniture_text
    first, last = ARTICLE[name]
    assert norm(first) in text and text.endswith(norm(last)), text[-200:]


def test_titles_and_lists(posts):
    assert posts["trade.txt"].title == "Blame culture ‘stops councils learning from reviews’"
    assert posts["national.txt"].title.startswith("Social workers ‘fear blame’")
    lists = {
        name: [(b.ordered, len(b.items)) for b in post.body if isinstance(b, BulletList)]
        for name, post in posts.items()
    }
    assert lists == {
        "national.txt": [(True, 3)],
        "broadcaster.txt": [],
        "trade.txt": [(False, 3), (False, 1)],
    }


def test_the_standfirst_run_together_with_the_headline_is_kept(posts):
    post = posts["national.txt"]
    assert post.body[0].text == (
        "Three in four practitioners say a culture of blame makes them more cautious, "
        "according to research published today."
    )
    rules = [(r.rule, r.text) for r in post.removed if r.line == 3]
    assert rules == [
        ("duplicate_title", "Social workers ‘fear blame’ over child deaths, survey finds"),
        ("byline", "By Jane Smith, social affairs correspondent"),
    ]


def test_each_removed_line_has_its_rule(posts):
    by_rule = {}
    for post in posts.values():
        for removal in post.removed:
            by_rule.setdefault(removal.rule, []).append(removal.text.split("\n")[0])
    assert by_rule["picture_credit"] == [
        "Image source, Getty Images",
        "Photo: Fotolia/Monkey Business",
    ]
    assert by_rule["caption"][:2] == [
        "Image caption,",
        "Social workers said they felt unsupported by managers after a child died",
    ]
    assert "A social worker visits a family at home in Leeds" in by_rule["image_alt"]
    assert "[Image: a social worker writing case notes at her desk]" in by_rule["image_alt"]
    assert by_rule["breadcrumbs"] == ["Home > News > Children"]
    assert by_rule["reading_time"] == ["4 min read"]
    assert by_rule["full_story"] == [
        "Full story: Unison survey of children’s social workers",
        "Full story at Community Care",
    ]
    assert len(by_rule["related_articles"]) >= 9
    # Every line of both threads: headings, names, times, words, buttons, 'Leave a Reply'.
    assert len(by_rule["comment_thread"]) == 11 + 10


@pytest.mark.parametrize(
    "line",
    [
        "By the time the review was published, the council had changed its mind.",
        "Published in 2019, the report was read by every director.",
        "Photographs of the family were shown to the court, the judge said.",
        "Share this with your team, the minister told directors at the conference last week.",
    ],
)
def test_sentences_that_start_like_furniture_are_kept(line):
    from importer.blocks import split_blocks

    blocks = split_blocks([line, "", "A second paragraph of the article. " * 4])
    kept, removed = strip_leading(blocks, "A headline")
    assert removed == [] and kept[0].lines == (line,)
