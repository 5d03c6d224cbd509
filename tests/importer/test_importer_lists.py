"""Numbered lists and every pasted bullet become Markdown lists; prose stays prose."""

import pytest
from bs4 import BeautifulSoup
from importer_helpers import render

from importer.blocks import build_body, split_blocks
from importer.emit import render_body
from importer.records import BulletList, Paragraph, Post


def body(text):
    return build_body(split_blocks(text.split("\n")))


def html(text):
    post = Post("T", None, body(text), "News", "x.txt")
    return BeautifulSoup(render(render_body(post)), "html.parser")


@pytest.mark.parametrize("mark", ["●", "•", "·", "▪", "◦", "‣", "–", "-", "*", "o"])
@pytest.mark.parametrize("space", [" ", "  ", "\t", "\u00a0", "\u00a0 "])
def test_every_pasted_bullet_becomes_a_list(mark, space):
    text = f"The review found:\n\n{mark}{space}Too many cases\n{mark}{space}Too little time\n"
    assert body(text) == (
        Paragraph("The review found:"),
        BulletList(("Too many cases", "Too little time")),
    )
    soup = html(text)
    assert [li.get_text() for li in soup.select("ul > li")] == ["Too many cases", "Too little time"]


@pytest.mark.parametrize(
    "lines",
    [
        ["1. One", "2. Two", "3. Three"],
        ["1) One", "2) Two", "3) Three"],
        ["1.\u00a0\u00a0One", "2.\u00a0\u00a0Two", "3.\u00a0\u00a0Three"],
        ["1.\tOne", "2.\tTwo", "3.\tThree"],
        ["1. One", "", "2. Two", "", "3. Three"],
    ],
)
def test_numbered_items_become_an_ordered_list(lines):
    text = "Three reasons:\n" + "\n".join(lines) + "\n\nAfter the list."
    assert body(text) == (
        Paragraph("Three reasons:"),
        BulletList(("One", "Two", "Three"), ordered=True),
        Paragraph("After the list."),
    )
    soup = html(text)
    assert [li.get_text() for li in soup.select("ol > li")] == ["One", "Two", "Three"]


def test_a_numbered_item_continues_on_its_next_lines():
    text = "1. The first item is long and\nwraps onto a second line.\n2. The second."
    assert body(text) == (
        BulletList(("The first item is long and wraps onto a second line.", "The second."), True),
    )


@pytest.mark.parametrize(
    "text",
    [
        # A hard-wrapped paragraph with dashes in it.
        "The report - published on Tuesday\n- says that managers - who are busy\n- rarely read it.",
        # One lone dash line is a dash, not a list.
        "– The Risk Factor – Making the Child Protection System Work for",
        # Numbers that do not start at 1 would be renumbered by Markdown.
        "3. The third point.\n4. The fourth point.",
        # A year and a sentence.
        "2018. That was the year it changed.",
        # A single numbered line.
        "1. Only one point was made.",
        "o dear, what a mess.",
    ],
)
def test_prose_that_starts_like_an_item_stays_prose(text):
    result = body(text)
    assert all(isinstance(block, Paragraph) for block in result), result
    shown = " ".join(html(text).get_text(" ").split())
    assert shown == " ".join(text.split()).replace("--", "-")


def test_two_lists_with_different_marks_stay_apart_and_strong_bullets_join():
    text = "● One\n\n• Two\n\nBetween.\n\n1. A\n2. B"
    assert body(text) == (
        BulletList(("One", "Two")),
        Paragraph("Between."),
        BulletList(("A", "B"), ordered=True),
    )


@pytest.mark.slow
def test_imported_lists_build_into_list_elements_on_the_site(tmp_path):
    from pathlib import Path

    from importer import import_sources
    from tests.sitebuild import build_site

    root = Path(__file__).resolve().parents[2]
    content = tmp_path / "content"
    import_sources(root / "tests" / "fixtures" / "importer-news-publishers", content / "articles")
    output = tmp_path / "output"
    build_site(content, output)
    pages = {
        name: BeautifulSoup(
            (output / "2019" / "03" / name / "index.html").read_text(encoding="utf-8"),
            "html.parser",
        ).find("article")
        for name in (
            "social-workers-fear-blame-over-child-deaths-survey-finds",
            "blame-culture-stops-councils-learning-from-reviews",
        )
    }
    national, trade = pages.values()
    assert [" ".join(li.get_text().split()) for li in national.select("ol > li")] == [
        "Managers who look for someone to blame after a serious case review.",
        "Inspection reports that name and shame.",
        "Press coverage of child deaths.",
    ]
    assert len(trade.select("ul > li")) >= 3
    assert "recommendations about individual staff were twice as common;" in trade.get_text()
