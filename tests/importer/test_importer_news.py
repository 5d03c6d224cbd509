"""News articles: duplicate titles, hard wraps and furniture removed by named rules."""

from datetime import datetime
from pathlib import Path

import pytest

from importer import read_sources
from importer.furniture import RULE_NAMES, RULES, strip_trailing
from importer.news import parse_news
from importer.records import BulletList, Paragraph, SourceError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ENTRY = {"date": datetime(2009, 11, 6).date(), "source": "Community Care"}


def parse(text, **entry):
    [post] = parse_news(text, "news.txt", {**ENTRY, **entry})
    return post


def test_title_printed_twice_keeps_one_and_says_why():
    post = parse("Blame culture\n\nBlame culture\n\nThe body.\n")
    assert post.title == "Blame culture"
    assert post.body == (Paragraph("The body."),)
    assert [(r.rule, r.text) for r in post.removed] == [("duplicate_title", "Blame culture")]


def test_news_takes_its_date_from_the_manifest_at_nine():
    post = parse("Title\n\nBody.\n")
    assert (post.date, post.category, post.source, post.author) == (
        datetime(2009, 11, 6, 9, 0),
        "News",
        "Community Care",
        None,
    )


def test_news_without_a_manifest_date_names_file_and_fix():
    with pytest.raises(SourceError) as error:
        parse_news("Title\n\nBody.\n", "news.txt", {})
    assert str(error.value) == (
        "news.txt: a news article carries no date in its text and manifest.yaml gives none. "
        "Fix: add `date: YYYY-MM-DD` under `news.txt:` in manifest.yaml (and "
        "`date_estimated: true` "
        "if you inferred it)."
    )


def test_hard_wrapped_news_paragraphs_rejoin_and_truncated_lines_stay():
    text = (
        "Title\n\nThe report also calls for social workers to be provided with\n"
        "non-managerial supervision, arguing that managers are often under\n"
        "enormous pressures which prevent them working through alternative\n\n"
        "– The Risk Factor – Making the Child Protection System Work for\n\n"
        "More from Community Care\n\nComments are closed."
    )
    post = parse(text)
    assert [b.text for b in post.body] == [
        "The report also calls for social workers to be provided with non-managerial supervision, "
        "arguing that managers are often under enormous pressures which "
        "prevent them working through alternative",
        "– The Risk Factor – Making the Child Protection System Work for",
    ]
    assert [r.rule for r in post.removed] == ["more_from", "comments_closed"]


def test_bullets_in_news_become_a_list():
    post = parse("Title\n\nIssues:\n\n● One\n\n● Two\n\nEnd.\n")
    assert post.body == (Paragraph("Issues:"), BulletList(("One", "Two")), Paragraph("End."))


def test_furniture_fixture_removes_each_block_by_its_rule_and_keeps_the_article():
    [post] = read_sources(FIXTURES / "importer-news-furniture")
    assert [b.text for b in post.body] == [
        "Councils should publish serious case reviews in full, the minister "
        "said on Tuesday, in a move "
        "welcomed by some campaigners but opposed by the directors of children's services.",
        "Comments are closed. That is what one council's website said after the story ran, and the "
        "minister called it a mistake.",
        "Read the full report: Learning Together",
    ]
    assert [(r.rule, r.text) for r in post.removed] == [
        ("duplicate_title", "Councils told to publish reviews"),
        ("related_articles", "Related articles"),
        ("related_articles", "Reviews: what went wrong"),
        ("related_articles", "Should SCRs be anonymised?"),
        ("more_from", "More from Community Care"),
        ("comments_closed", "Comments are closed."),
        ("copyright", "© 2009 Reed Business Information. All rights reserved."),
    ]


@pytest.mark.parametrize(
    ("block", "rule"),
    [
        ("Comments are closed.", "comments_closed"),
        ("More from Community Care", "more_from"),
        (
            "Delivering a diverse, reliable range of services\nD1, Parkside, "
            "Colchester, Essex CO4 3ZL\n"
            "Tel: 01206 878178Contact Us",
            "publisher_footer",
        ),
        (
            "A Mackman Group collaboration - market research by Mackman Research | "
            "website design by Mackman",
            "design_credits",
        ),
        ("Copyright © 2021 WillisPalmer Ltd", "copyright"),
    ],
)
def test_each_furniture_rule_names_what_it_removed(block, rule):
    from importer.blocks import split_blocks

    kept, removed = strip_trailing(
        split_blocks(["The article's last sentence.", ""] + block.split("\n"))
    )
    assert [b.text for b in kept] == ["The article's last sentence."]
    assert [r.rule for r in removed] == [rule]
    assert rule in RULE_NAMES and RULES[rule][0]


def test_furniture_only_comes_off_the_end():
    from importer.blocks import split_blocks

    lines = [
        "More from Community Care",
        "",
        "The article goes on after it.",
        "",
        "Comments are closed.",
    ]
    kept, removed = strip_trailing(split_blocks(lines))
    assert [b.text for b in kept] == ["More from Community Care", "The article goes on after it."]
    assert [r.rule for r in removed] == ["comments_closed"]


def test_link_title_of_the_report_is_kept():
    post = parse(
        "Title\n\nBody.\n\nThe Case for Change: Your Feedback\n\nTel: 01206 878178Contact Us"
    )
    assert post.body[-1] == Paragraph("The Case for Change: Your Feedback")
