"""Blogger pages copied without footers: date lines, single-post pages, where posts split."""

from datetime import date, datetime

import pytest

from importer import ImportFailed, import_sources, read_sources
from importer.blogger import parse_archive, parse_date_line
from importer.records import Paragraph, SourceError

LONG = "This is a body paragraph that is long enough to read as prose and ends properly."
OTHER = "Another paragraph of the post, which says more and ends with a full stop."


def parse(text, **entry):
    decisions, warnings = [], []
    posts = parse_archive(text, "page.txt", entry, warn=warnings.append, decide=decisions.append)
    return posts, decisions, warnings


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tuesday 27 November 2012", date(2012, 11, 27)),
        ("Tuesday, 27 November 2012", date(2012, 11, 27)),
        ("Tuesday 27th November 2012", date(2012, 11, 27)),
        ("Tuesday, 27th of November 2012", date(2012, 11, 27)),
        ("Tuesday November 27 2012", date(2012, 11, 27)),
        ("Tuesday, November 27th, 2012", date(2012, 11, 27)),
        ("tuesday 27 november 2012", date(2012, 11, 27)),
        ("Tuesday 27 November, 2012", date(2012, 11, 27)),
    ],
)
def test_date_lines_with_and_without_the_comma(line, expected):
    assert parse_date_line(line) == expected
    [post], _, _ = parse(f"{line}\n\nTitle\n\n{LONG}\n")
    assert post.date.date() == expected and post.title == "Title"


@pytest.mark.parametrize(
    "line", ["Monday, 31 February 2019", "Friday 30 February 2018", "Sunday, April 31, 2016"]
)
def test_an_impossible_date_line_stops_the_import_naming_file_line_and_fix(line):
    text = f"Thursday, 26 July 2018\n\nFirst\n\n{LONG}\n\n{line}\n\nSecond\n\n{LONG}\n"
    with pytest.raises(SourceError) as error:
        parse(text)
    message = str(error.value)
    assert message.startswith(f"page.txt, line 7: '{line}' is a date line, but ")
    assert "does not exist" in message and "Fix: correct the date line" in message


def test_an_impossible_date_line_writes_nothing(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "page.txt").write_text(
        f"Monday, 31 February 2019\n\nA title\n\n{LONG}\n\nNext title\n\n{LONG}\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_sources(sources, tmp_path / "out")
    assert (
        "page.txt, line 1: 'Monday, 31 February 2019' is a date line, but 31 February 2019"
        in (failure.value.errors[0])
    )
    assert not (tmp_path / "out").exists()


SINGLE_POST_PAGE = f"""Learning from Child Protection

Tuesday 27 November 2012

Supervision Matters

{LONG}

What do you think?

{OTHER}

Posted by Chris Mills at 10:04

Labels: Supervision

3 comments:

Anonymous said...

I agree with every word of this.

27 November 2012 at 11:15

Jo Bloggs said...

Where I work, supervision is a tick-box exercise.

28 November 2012 at 09:02

Post a Comment

Newer Post Older Post Home

Subscribe to: Post Comments (Atom)
"""


def test_a_single_post_page_with_its_comments(tmp_path):
    [post], decisions, _ = parse(SINGLE_POST_PAGE.split("\n", 2)[2])
    assert (post.title, post.date, post.author, post.tags) == (
        "Supervision Matters",
        datetime(2012, 11, 27, 10, 4),
        "Chris Mills",
        ("Supervision",),
    )
    assert post.body == (Paragraph(LONG), Paragraph("What do you think?"), Paragraph(OTHER))
    comments = [r.text for r in post.removed if r.rule == "comment_thread"]
    assert comments == [
        "Anonymous said...",
        "I agree with every word of this.",
        "27 November 2012 at 11:15",
        "Jo Bloggs said...",
        "Where I work, supervision is a tick-box exercise.",
        "28 November 2012 at 09:02",
    ]


@pytest.mark.parametrize(
    ("lead", "line", "why"),
    [
        (LONG, "What do you think?", "it asks the reader a question"),
        (LONG, "Have we learnt nothing since Climbié?", "it asks the reader a question"),
        ("The review found three things:", "What the review found", "leads into it"),
        (LONG, "Conclusion", "names a section"),
        (LONG, "Background", "names a section"),
        (LONG, "2. The second finding", "numbered like a section"),
        (LONG, "Part two", "numbered like a section"),
    ],
)
def test_one_line_paragraphs_inside_a_post_do_not_start_a_post(lead, line, why):
    text = f"Thursday, 26 July 2018\n\nOne Post\n\n{lead}\n\n{line}\n\n{OTHER}\n"
    [post], [decision], warnings = parse(text)
    assert post.title == "One Post"
    assert Paragraph(line) in post.body and post.body[-1] == Paragraph(OTHER)
    assert (decision.line, decision.text, decision.decided) == (7, line, "sub-heading in the post")
    assert why in decision.why and not decision.ambiguous and warnings == []


@pytest.mark.parametrize("line", ["Shocking!", "Enough is enough!", "Quite."])
def test_exclamations_and_sentences_never_start_a_post(line):
    text = f"Thursday, 26 July 2018\n\nOne Post\n\n{LONG}\n\n{line}\n\n{OTHER}\n"
    [post], decisions, _ = parse(text)
    assert post.body == (Paragraph(LONG), Paragraph(line), Paragraph(OTHER))
    assert decisions == []


def test_a_title_case_line_starts_the_next_post_of_the_day_and_is_reported():
    text = f"Thursday, 26 July 2018\n\nOne Post\n\n{LONG}\n\nClosing Gaps\n\n{OTHER}\n"
    posts, [decision], warnings = parse(text)
    assert [p.title for p in posts] == ["One Post", "Closing Gaps"]
    assert decision.decided == "title of the next post" and "Title Case" in decision.why
    assert not decision.ambiguous and warnings == []


def test_a_line_the_text_cannot_tell_is_reported_with_file_line_decision_and_fix():
    text = f"Thursday, 26 July 2018\n\nOne Post\n\n{LONG}\n\nWhat the review found\n\n{OTHER}\n"
    posts, [decision], warnings = parse(text)
    assert [p.title for p in posts] == ["One Post", "What the review found"]
    assert decision.ambiguous
    assert warnings == [
        "page.txt, line 7: 'What the review found' could be a sub-heading or the next post's "
        "title; taken as the title of the next post (a short line between paragraphs, with "
        "nothing to tell a sub-heading from a title). If that is wrong, list the titles of "
        "page.txt's posts under `titles:` for it in manifest.yaml"
    ]


def test_the_manifest_titles_settle_it(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    text = (
        f"Thursday, 26 July 2018\n\nOne Post\n\n{LONG}\n\nWhat the review found\n\n{OTHER}\n\n"
        f"Closing Gaps\n\n{LONG}\n"
    )
    (sources / "page.txt").write_text(text)
    assert [p.title for p in read_sources(sources)] == [
        "One Post",
        "What the review found",
        "Closing Gaps",
    ]
    (sources / "manifest.yaml").write_text("page.txt:\n  titles:\n    - One Post\n")
    [post] = read_sources(sources)
    assert Paragraph("What the review found") in post.body and Paragraph("Closing Gaps") in (
        post.body
    )
    (sources / "manifest.yaml").write_text(
        "page.txt:\n  titles: [One Post, What the review found]\n"
    )
    notes, decisions = [], []
    posts = read_sources(sources, notes, decisions)
    assert [p.title for p in posts] == ["One Post", "What the review found"]
    assert [(d.line, d.decided, d.why) for d in decisions] == [(7, "title", "listed under titles:")]
    assert notes == []


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (
            "page.txt:\n  titles: [One Post, Not There]\n",
            "page.txt: manifest.yaml lists the title 'Not There' for it, but no post of the "
            "file starts with that line. Fix: copy the title exactly",
        ),
        (
            "page.txt:\n  titles: [Something else]\n",
            "page.txt, line 3: 'One Post' starts a post (it follows a date line or a post's "
            "footer), but the titles listed for page.txt in manifest.yaml do not include it",
        ),
        (
            "page.txt:\n  titles: One Post\n",
            "manifest.yaml, line 2: 'titles' for page.txt is not a list of titles",
        ),
    ],
)
def test_titles_that_do_not_fit_the_file_are_errors(tmp_path, manifest, message):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "page.txt").write_text(f"Thursday, 26 July 2018\n\nOne Post\n\n{LONG}\n")
    (sources / "manifest.yaml").write_text(manifest)
    with pytest.raises(ImportFailed) as failure:
        read_sources(sources)
    assert message in failure.value.errors[0]


def test_a_post_after_a_comment_count_is_not_taken_for_comments():
    text = (
        f"Thursday, 26 July 2018\n\nFirst\n\n{LONG}\n\nPosted by Chris Mills at 10:04\n\n"
        f"No comments:\n\nWhat the minister said:\n\n{LONG}\n\nPosted by Chris Mills at 09:00\n"
    )
    posts, _, _ = parse(text)
    assert [p.title for p in posts] == ["First", "What the minister said:"]
    assert not any(r.rule == "comment_thread" for p in posts for r in p.removed)
