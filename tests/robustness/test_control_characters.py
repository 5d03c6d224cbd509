"""Control characters: `make check` and the build name the file, line and fix, and the console
never receives a raw escape sequence.

A vertical tab (what Word's Shift+Enter pastes) in a body, or a control character in a title,
used to pass `make check` and then stop `make html` with a traceback naming no file (feeds are
XML, which cannot carry them); an escape sequence in a title reached the console raw.
"""

from __future__ import annotations

import re

import pytest
from robust_helpers import build_site, make_check, write_post

from plugins.author_text import printable
from plugins.yaml_metadata.reader import (
    FrontMatterError,
    parse_front_matter,
    refuse_control_characters,
)

HEAD = "---\ntitle: {title}\ndate: 2020-03-01 12:00\ncategory: Reflections\n---\n"
RAW_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# name -> (file text, line, what the message says)
CASES = {
    "vertical tab in the body": (
        HEAD.format(title="Plain") + "First line.\vSecond line.\n",
        6,
        "U+000B (a vertical tab, which Word's Shift+Enter pastes)",
    ),
    "form feed in the body": (
        HEAD.format(title="Plain") + "One.\n\nTwo\f.\n",
        8,
        "U+000C (a form feed, a page break)",
    ),
    "raw escape sequence in the title": (
        HEAD.format(title="Red \x1b[31mtitle\x1b[0m"),
        2,
        "U+001B (an escape character",
    ),
    "NUL in the body": (HEAD.format(title="Plain") + "a\x00b\n", 6, "U+0000 (a NUL character)"),
    "C1 control (CSI) in the body": (
        HEAD.format(title="Plain") + "x\x9b2Jy\n",
        6,
        "U+009B",
    ),
    "escaped \\e in a quoted title": (HEAD.format(title='"Clear \\e[2J screen"'), 2, "'title'"),
    "escaped \\x07 in a quoted summary": (
        '---\ntitle: Plain\nsummary: "bell \\x07"\ndate: 2020-03-01 12:00\n---\nBody.\n',
        3,
        "'summary'",
    ),
    "escaped vertical tab in a tag": (
        '---\ntitle: Plain\ndate: 2020-03-01 12:00\ntags: ["a\\vb"]\n---\nBody.\n',
        4,
        "'tags'",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_make_check_names_file_line_and_fix(tmp_path, name):
    text, line, what = CASES[name]
    process = make_check(write_post(tmp_path, text))
    assert process.returncode == 1, process.stdout
    [error] = [x for x in process.stdout.splitlines() if x.startswith("error: ")]
    assert f"articles/2020/odd.md, line {line}: " in error, error
    assert what in error and "control character" in error
    assert not RAW_ESCAPE.search(process.stdout + process.stderr)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["vertical tab in the body", "raw escape sequence in the title", "NUL in the body"]
)
def test_the_build_stops_with_the_same_message_and_no_traceback(tmp_path, name):
    text, line, what = CASES[name]
    process = build_site(write_post(tmp_path, text), tmp_path / "out", check=False)
    log = process.log
    flat = " ".join(log.split())
    assert process.exit_code != 0
    assert f"articles/2020/odd.md, line {line}: " in flat and what in flat
    assert "Traceback" not in log
    assert not RAW_ESCAPE.search(log)


def test_the_body_check_counts_lines_and_columns():
    with pytest.raises(FrontMatterError) as caught:
        refuse_control_characters("---\ntitle: T\n---\nfine\nab\vc\n", "p.md")
    assert caught.value.line == 5
    assert "column 3 holds" in str(caught.value)


def test_tabs_and_line_breaks_are_ordinary():
    refuse_control_characters("---\ntitle: T\n---\n\tcode\r\nline\n", "p.md")
    assert parse_front_matter("title: T\nsummary: |\n  two\n  lines\n")["summary"] == "two\nlines\n"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Red \x1b[31mtitle", "Red \\x1b[31mtitle"),
        ("bell\x07", "bell\\x07"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("rtl \u202egnp.exe", "rtl \\u202egnp.exe"),
        ("tab\there", "tab\\there"),
        ("plain café", "plain café"),
    ],
)
def test_printable_writes_escapes_visibly(raw, shown):
    assert printable(raw) == shown


def test_printable_one_line_keeps_a_message_on_one_line():
    assert printable("a\nb", one_line=True) == "a\\nb"
    assert printable("a\nb") == "a\nb"


@pytest.mark.slow
def test_author_text_in_warnings_is_printed_with_visible_escapes(tmp_path):
    # A right-to-left override is legal text but reorders the console line it is printed on:
    # the near-miss tag warning (make check and the build) shows it escaped.
    text = (
        "---\ntitle: Plain\ndate: 2020-03-01 12:00\ntags: [Supervison\u202e]\n---\n"
        "Supervision and blame in practice.\n"
    )
    content = write_post(tmp_path, text)
    checked = make_check(content)
    built = build_site(content, tmp_path / "out", check=False)
    for out in (checked.stdout, built.log):
        assert "\u202e" not in out
        assert "Supervison\\u202e" in " ".join(out.split())
