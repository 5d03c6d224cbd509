"""Property-based tests of the importer on generated Blogger archive pages.

Pages follow the format importer/blogger.py documents for pages without footers: a date
line, then a title-shaped paragraph, then body paragraphs that are not title-shaped; more
posts of the same day start at a further title-shaped paragraph. Around that skeleton the
generator varies everything the format leaves free: dates in both forms, bullets, pasted
bullets and numbered lists, quotations, hard wrapping, runs of blank (or blank-looking)
lines, CRLF, a BOM, Markdown and HTML special characters and non-ASCII text. Every
sentence carries a unique marker word (k0, k1 ...) so "appears in exactly one article" can
be checked.
"""

from __future__ import annotations

import codecs
import os
import tempfile
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust_helpers import norm, rendered_text, split_article

from importer import ImportFailed, import_sources, read_sources
from importer.blogger import parse_archive
from importer.news import parse_news
from importer.records import SourceError

# ROBUST_EXAMPLES=1000 for a long hunt; 60 keeps `make test` fast.
SETTINGS = settings(
    max_examples=int(os.environ.get("ROBUST_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Words that cannot make a line a date line, a Blogger footer or a bullet item.
WORDS = [
    "blame",
    "practice",
    "social",
    "work",
    "review",
    "café",
    "naïve",
    "Ärger",
    "façade",
    "日本語",
    "Ελλάδα",
    "שלום",
    "🙂",
    "e\u0301te\u0301",
    "*stars*",
    "_under_",
    "snake_case",
    "<b>bold</b>",
    "<script>alert(1)</script>",
    "[link](javascript:alert(1))",
    "`code`",
    "&amp;",
    "&#169;",
    "--",
    "...",
    "#1",
    "1.",
    "-",
    "+",
    ">",
    "{braces}",
    "\\back\\slash",
    "'single'",
    '"double"',
    "it's",
    "50%",
    "£20",
    "<!--",
    "-->",
]
CAPITALS = ["Blame", "Social", "Über", "Élan", "Children", "Ofsted", "2018", "Why", "Ω"]
BLANKS = ["", " ", "\t", "\u00a0", "  \t "]


class Counter:
    """Hands out unique marker words for one generated page."""

    def __init__(self):
        self.next = 0

    def __call__(self, prefix: str) -> str:
        self.next += 1
        return f"{prefix}{self.next}q"


@st.composite
def sentence(draw, counter, end=None):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=10))
    first = draw(st.sampled_from(CAPITALS + ["lower", "état"]))
    position = draw(st.integers(0, len(words)))
    words.insert(position, counter("k"))
    end = end or draw(st.sampled_from([".", "!", "?", "…", ".”", '."', ".)"]))
    return " ".join([first, *words]) + end


@st.composite
def title(draw, counter):
    # Title-shaped: one line, capital first, <= 12 words, no terminal punctuation but `?`.
    words = draw(st.lists(st.sampled_from(WORDS[:13] + ["<em>", "&", "1/2"]), max_size=8))
    text = " ".join([draw(st.sampled_from(CAPITALS)), *words, counter("t")])
    return text + draw(st.sampled_from(["", "?"]))


@st.composite
def body_block(draw, counter):
    """(lines of the block, sentences in it); never title-shaped."""
    kind = draw(
        st.sampled_from(["paragraph", "paragraph", "bullets", "pasted", "numbered", "quote"])
    )
    if kind == "bullets":
        items = draw(st.lists(sentence(counter), min_size=1, max_size=4))
        bullet = draw(st.sampled_from("●•▪◦‣"))
        return [f"{bullet} {item}" for item in items], items
    if kind in ("pasted", "numbered"):
        # As word processors paste them: a mark, then spaces or non-breaking spaces.
        items = draw(st.lists(sentence(counter), min_size=2, max_size=4))
        space = draw(st.sampled_from([" ", "  ", "\u00a0", "\u00a0 ", "\t"]))
        if kind == "numbered":
            end = draw(st.sampled_from(".)"))
            marks = [f"{n}{end}" for n in range(1, len(items) + 1)]
        else:
            marks = [draw(st.sampled_from("·–-*o"))] * len(items)
        return [f"{mark}{space}{item}" for mark, item in zip(marks, items, strict=True)], items
    sentences = draw(st.lists(sentence(counter), min_size=1, max_size=4))
    # The last sentence ends with a full stop, so a one-line paragraph is never title-shaped.
    sentences[-1] = sentences[-1].rstrip('.!?…”")') + "."
    text = " ".join(sentences)
    if kind == "quote":
        text = f"“{text}”"
    width = draw(st.sampled_from([0, 30, 60, 79, 100]))
    if width:
        lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    else:
        lines = [text]
    return lines, sentences


@st.composite
def archive_page(draw):
    """(page text, titles in page order, sentences of each post in page order)."""
    counter = Counter()
    lines: list[str] = []
    titles: list[str] = []
    posts: list[list[str]] = []

    def blank():
        lines.extend(draw(st.lists(st.sampled_from(BLANKS), min_size=1, max_size=3)))

    day = draw(st.dates(date(1999, 1, 1), date(2030, 12, 31)))
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            lines.append(f"{day:%A}, {day.day} {day:%B} {day:%Y}")
        else:
            lines.append(f"{day:%A}, {day:%B} {day.day}, {day:%Y}")
        blank()
        for _ in range(draw(st.integers(1, 3))):
            titles.append(draw(title(counter)))
            lines.append(titles[-1])
            blank()
            said: list[str] = []
            for _ in range(draw(st.integers(1, 3))):
                block, sentences = draw(body_block(counter))
                lines.extend(block)
                said.extend(sentences)
                blank()
            posts.append(said)
        day -= timedelta(days=draw(st.integers(0, 400)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    return text, titles, posts


def encode(text: str, bom: bool) -> bytes:
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def article_texts(out: Path) -> dict[str, str]:
    """{relative path: title + rendered body, normalised} of every article in OUT."""
    result = {}
    for path in sorted(out.rglob("*.md")):
        front, body = split_article(path.read_text(encoding="utf-8"))
        title = yaml.safe_load(front)["title"]
        result[path.relative_to(out).as_posix()] = norm(title + "\n" + rendered_text(body))
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.slow  # many generated examples
@SETTINGS
@given(page=archive_page(), bom=st.booleans())
def test_generated_archive_pages_lose_nothing_and_split_where_generated(page, bom):
    text, titles, sentences = page
    with tempfile.TemporaryDirectory() as temp:
        sources, out = Path(temp, "sources"), Path(temp, "out")
        sources.mkdir()
        (sources / "page.txt").write_bytes(encode(text, bom))
        notes, decisions = [], []
        posts = read_sources(sources, notes, decisions)
        # One post per generated date/title boundary, titled as generated, in page order.
        assert [post.title for post in posts] == titles
        # Every title inside a day is a decision the report shows, with its line.
        lines = text.replace("\r\n", "\n").split("\n")
        for decision in decisions:
            assert decision.decided == "title of the next post"
            assert decision.text in titles
            assert lines[decision.line - 1].strip() == decision.text
        report = import_sources(sources, out)
        assert len(report.written) == len(titles)
        articles = article_texts(out)
        assert len(articles) == len(titles)
        for said in sentences:
            for text_said in said:
                wanted = norm(text_said)
                holders = [name for name, shown in articles.items() if wanted in shown]
                assert len(holders) == 1, (text_said, holders)
        for number, said in enumerate(sentences):
            # ...and a post's sentences are all in that post's article.
            [name] = [n for n, shown in articles.items() if norm(titles[number]) in shown]
            assert all(norm(s) in articles[name] for s in said)


@pytest.mark.slow  # many generated examples
@SETTINGS
@given(page=archive_page(), bom=st.booleans())
def test_importing_twice_gives_identical_files(page, bom):
    text, _, _ = page
    with tempfile.TemporaryDirectory() as temp:
        sources = Path(temp, "sources")
        sources.mkdir()
        (sources / "page.txt").write_bytes(encode(text, bom))
        first, second = Path(temp, "first"), Path(temp, "second")
        import_sources(sources, first)
        before = snapshot(first)
        again = import_sources(sources, first)
        assert again.written == [] and again.skipped == []
        assert snapshot(first) == before
        import_sources(sources, second)
        assert snapshot(second) == before


ANY_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    max_size=400,
)
LINEISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Thursday, 26 July 2018",
                "Friday, July 27, 2018",
                "Posted by Chris at 9:30 pm",
                "Labels: a, b",
                "No comments:",
                "Home",
                "● item",
                "“Quoted.”",
                "",
                "   ",
                "Title",
            ]
        ),
        ANY_TEXT,
    ),
    max_size=20,
).map("\n".join)


@SETTINGS
@given(text=st.one_of(ANY_TEXT, LINEISH), crlf=st.booleans(), bom=st.booleans())
def test_any_text_either_imports_or_fails_with_a_clear_error(text, crlf, bom):
    if crlf:
        text = text.replace("\n", "\r\n")
    with tempfile.TemporaryDirectory() as temp:
        sources = Path(temp, "sources")
        sources.mkdir()
        (sources / "page.txt").write_bytes(encode(text, bom))
        (sources / "manifest.yaml").write_text("page.txt:\n  date: 2020-01-02\n")
        try:
            posts = read_sources(sources)
        except ImportFailed as failure:
            for error in failure.errors:
                assert "page.txt" in error and "Fix:" in error, error
            return
        assert posts
        out = Path(temp, "out")
        import_sources(sources, out)
        for path in out.rglob("*.md"):
            split_article(path.read_text(encoding="utf-8"))


@SETTINGS
@given(text=st.one_of(ANY_TEXT, LINEISH))
def test_parsers_raise_only_source_errors(text):
    for parse in (parse_archive, parse_news):
        try:
            parse(
                text,
                "page.txt",
                {"date": date(2020, 1, 2)},
                **({"warn": lambda message: None} if parse is parse_archive else {}),
            )
        except SourceError as error:
            assert "page.txt" in str(error) and "Fix:" in str(error)
