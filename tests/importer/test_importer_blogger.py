"""Blogger archive pages: date lines, titles, same-day posts, footers and mid-day titles."""

from datetime import date, datetime
from pathlib import Path

import pytest

from importer import read_sources
from importer.blogger import parse_archive, parse_date_line, parse_footer_line
from importer.records import Paragraph, SourceError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LONG = "This is a body paragraph that is long enough to read as prose and ends properly."


def parse(text, **entry):
    return parse_archive(text, "page.txt", entry, warn=lambda message: None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thursday, 26 July 2018", date(2018, 7, 26)),
        ("Thursday, July 26, 2018", date(2018, 7, 26)),
        ("Wednesday, 30 August 2017\u00a0", date(2017, 8, 30)),
        ("Thursday, 31 February 2018", None),
        ("On Thursday, 26 July 2018 we met.", None),
        ("26 July 2018", None),
    ],
)
def test_date_lines_in_british_and_us_form(line, expected):
    assert parse_date_line(line) == expected


def test_title_follows_the_date_line_and_body_follows_the_title():
    [post] = parse(f"Thursday, 26 July 2018\n\nNo Blame Culture\n\n{LONG}\n", author="Chris Mills")
    assert (post.title, post.date, post.author, post.category) == (
        "No Blame Culture",
        datetime(2018, 7, 26, 12, 0),
        "Chris Mills",
        "Reflections",
    )
    assert post.body == (Paragraph(LONG),)


def test_same_day_posts_keep_newest_first_order_in_their_times():
    text = (
        "Wednesday, 30 August 2017\n\nGood news from Merton\n\n"
        f"{LONG}\n\nOr read the whole report yourself.\n\n"
        f"Closing Gaps\n\n{LONG}\n\nA third post today\n\n{LONG}\n"
    )
    posts = parse(text)
    assert [(p.title, p.date.strftime("%H:%M")) for p in posts] == [
        ("Good news from Merton", "12:02"),
        ("Closing Gaps", "12:01"),
        ("A third post today", "12:00"),
    ]
    assert posts[0].body == (Paragraph(LONG), Paragraph("Or read the whole report yourself."))


@pytest.mark.parametrize(
    ("candidate", "is_title"),
    [
        ("Closing Gaps", True),
        ("Will ye no come back again?", True),
        ("It is sickening.", False),
        ("But in my view, the starkest finding of the review is that:", False),
        ("Home truths, part two,", False),
        ("‘Clutching at straws’", False),
        ("(an aside in brackets)", False),
        ("lower-case start is a sentence fragment", False),
        ("One two three four five six seven eight nine ten eleven twelve thirteen", False),
        ("● A bullet item", False),
    ],
)
def test_mid_day_title_rule(candidate, is_title):
    text = f"Tuesday, 29 August 2017\n\nFirst post\n\n{LONG}\n\n{candidate}\n\n{LONG}\n"
    posts = parse(text)
    assert (len(posts) == 2) is is_title
    if is_title:
        assert posts[1].title == candidate


def test_short_line_followed_by_another_title_shaped_line_is_not_a_title():
    text = f"Tuesday, 29 August 2017\n\nFirst post\n\n{LONG}\n\nShort line\n\nAnother short line\n"
    [post] = parse(text)
    assert [b.text for b in post.body] == [LONG, "Short line", "Another short line"]


def test_short_last_line_of_a_post_stays_in_the_post():
    text = (
        f"Tuesday, 29 August 2017\n\nFirst post\n\n{LONG}\n\nBest "
        f"wishes\n\nMonday, 28 August 2017\n\nNext\n\n{LONG}\n"
    )
    posts = parse(text)
    assert [p.title for p in posts] == ["First post", "Next"]
    assert posts[0].body[-1] == Paragraph("Best wishes")


def test_blogger_footers_give_author_time_and_tags_and_split_posts():
    posts = read_sources(FIXTURES / "importer-blogger-footers")
    summary = [(p.title, p.date, p.author, p.tags) for p in posts]
    assert summary == [
        (
            "Second post of the day.",
            datetime(2018, 3, 2, 21, 30),
            "Chris Mills",
            ("Blame culture", "Ofsted and inspection"),
        ),
        ("First post of the day", datetime(2018, 3, 2, 8, 15), "Jo Bloggs", ("Learning",)),
        ("Why?", datetime(2018, 3, 1, 0, 5), "Chris Mills", ()),
    ]


def test_blogger_footer_lines_are_dropped_by_named_rules():
    posts = read_sources(FIXTURES / "importer-blogger-footers")
    removed = [(r.rule, r.text) for p in posts for r in p.removed]
    assert (
        "share_buttons",
        "Email ThisBlogThis!Share to TwitterShare to FacebookShare to Pinterest",
    ) in removed
    assert ("posted_by", "Posted by Chris Mills at 9:30 pm No comments:") in removed
    assert ("comment_count", "3 comments:") in removed
    assert ("page_navigation", "Newer Posts Home Older Posts") in removed
    assert ("page_navigation", "Subscribe to: Posts (Atom)") in removed
    assert ("page_navigation", "Home") in removed
    body = " ".join(b.text for p in posts for b in p.body)
    for word in ("Posted by", "Labels", "comments", "BlogThis", "Older Posts", "Subscribe"):
        assert word not in body


@pytest.mark.parametrize(
    ("line", "author", "time"),
    [
        ("Posted by Chris Mills at 10:04", "Chris Mills", (10, 4)),
        ("Posted by Chris Mills at 9:30 pm", "Chris Mills", (21, 30)),
        ("Posted by Chris Mills at 12:10 PM 1 comment:", "Chris Mills", (12, 10)),
        ("Posted by Chris Mills at 12:10 a.m.", "Chris Mills", (0, 10)),
    ],
)
def test_posted_by_lines(line, author, time):
    footer = parse_footer_line(line)
    assert (footer.rule, footer.author, footer.time) == ("posted_by", author, time)


@pytest.mark.parametrize(
    "line",
    [
        "Posted by Chris Mills at 10:04 because he wanted to.",
        "Home is where the heart is",
        "No comments were made at the hearing.",
        "Posted by Chris Mills at 25:00",
    ],
)
def test_sentences_that_start_like_footers_are_text(line):
    assert parse_footer_line(line) is None


def test_text_before_the_first_date_line_needs_a_date():
    with pytest.raises(SourceError) as error:
        parse(f"A page header\n\nThursday, 26 July 2018\n\nTitle\n\n{LONG}\n")
    assert str(error.value) == (
        "page.txt, line 1: text comes before the first date line, so it has no "
        "date. Fix: put a date "
        "line such as 'Thursday, 26 July 2018' above it, or give the file "
        "`date: YYYY-MM-DD` in manifest.yaml."
    )


def test_text_before_the_first_date_line_takes_the_manifest_date():
    posts = parse(
        f"Undated post\n\n{LONG}\n\nThursday, 26 July 2018\n\nTitle\n\n{LONG}\n",
        date=date(2018, 7, 1),
        date_estimated=True,
    )
    assert [(p.title, p.date.date(), p.date_estimated) for p in posts] == [
        ("Undated post", date(2018, 7, 1), True),
        ("Title", date(2018, 7, 26), False),
    ]


def test_own_date_line_wins_over_the_manifest_date():
    [post] = parse(
        f"Thursday, 26 July 2018\n\nTitle\n\n{LONG}\n", date=date(2001, 1, 1), date_estimated=True
    )
    assert post.date == datetime(2018, 7, 26, 12, 0) and not post.date_estimated


def test_a_title_without_a_body_is_an_error():
    with pytest.raises(
        SourceError, match=r"line 3: the post 'Lonely title' has a title but no text"
    ):
        parse("Thursday, 26 July 2018\n\nLonely title\n")


def test_wrong_weekday_warns_and_keeps_the_date():
    warnings = []
    [post] = parse_archive(
        f"Friday, 26 July 2018\n\nTitle\n\n{LONG}\n", "page.txt", {}, warn=warnings.append
    )
    assert post.date.date() == date(2018, 7, 26)
    assert warnings == [
        "page.txt, line 1: 26 July 2018 was a Thursday, not a Friday; using the date"
    ]
