"""Control characters in posts written as HTML or reStructuredText: `make check` and the build
name the file, line and fix and exit non-zero, as for Markdown posts, and the console never
receives a raw escape (issue 12).

Pelican's own HTML and reStructuredText readers passed them through: `make check` did not
read such posts at all, and the build stopped with a feed generator's traceback naming no file.
"""

from __future__ import annotations

import os
import re

import pytest
from robust_helpers import make_check, write_post

from tests.sitebuild import build_site

RAW_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ESC = "U+001B (an escape character"
VT = "U+000B (a vertical tab, which Word's Shift+Enter pastes)"

HTML_HEAD = (
    "<html>\n<head>\n<title>{title}</title>\n"
    '<meta name="date" content="2020-03-01 12:00">\n'
    '<meta name="category" content="Reflections">\n{meta}</head>\n<body>\n'
)
RST_HEAD = "{title}\n{rule}\n\n:date: 2020-03-01 12:00\n:category: Reflections\n{fields}\n"


def html(title="Plain", meta="", body="<p>Fine.</p>\n"):
    return HTML_HEAD.format(title=title, meta=meta) + body + "</body>\n</html>\n"


def rst(title="Plain", fields="", body="Fine.\n"):
    return RST_HEAD.format(title=title, rule="#" * max(len(title), 5), fields=fields) + body


# name -> (file name, file text, line, what the message says)
CASES = {
    "html: vertical tab in the body": ("odd.html", html(body="<p>First.\vSecond.</p>\n"), 8, VT),
    "html: raw escape sequence in the title": (
        "odd.html",
        html(title="Red \x1b[31mtitle\x1b[0m"),
        3,
        ESC,
    ),
    "html: form feed in a meta field": (
        "odd.html",
        html(meta='<meta name="summary" content="one\fpage">\n'),
        6,
        "U+000C (a form feed, a page break)",
    ),
    "html: C1 control (CSI) in the body": (
        "odd.html",
        html(body="<p>x</p>\n<p>y\x9b2Jz</p>\n"),
        9,
        "U+009B",
    ),
    "rst: vertical tab in the body": ("odd.rst", rst(body="First.\vSecond.\n"), 7, VT),
    "rst: raw escape sequence in the title": ("odd.rst", rst(title="Red \x1b[31mtitle"), 1, ESC),
    "rst: DEL in the title's underline": (
        "odd.rst",
        "Plain\n#####\x7f\n\n:date: 2020-03-01 12:00\n\nFine.\n",
        2,
        "U+007F (a DEL character)",
    ),
    "rst: C1 control (CSI) in a field": (
        "odd.rst",
        rst(fields=":summary: a\x9b2J summary\n"),
        6,
        "U+009B",
    ),
    "rst: ESC made by a unicode:: substitution": (
        "odd.rst",
        rst(body="A |esc| here.\n\n.. |esc| unicode:: 0x1B\n"),
        9,
        "the text makes an invisible control character, U+001B",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_make_check_names_file_line_and_fix(tmp_path, case):
    name, text, line, what = CASES[case]
    process = make_check(write_post(tmp_path, text, name))
    assert process.returncode == 1, process.stdout
    [error] = [x for x in process.stdout.splitlines() if x.startswith("error: ")]
    assert f"articles/2020/{name}, line {line}: " in error, error
    assert what in error and "control character" in error
    assert ". Delete it" in error or ". Retype" in error or ". Remove" in error, error
    assert not RAW_ESCAPE.search(process.stdout + process.stderr)


@pytest.mark.parametrize("name", ["odd.html", "odd.rst"])
def test_clean_posts_in_html_and_rst_pass_themake_check(tmp_path, name):
    text = html() if name.endswith(".html") else rst()
    process = make_check(write_post(tmp_path, text, name))
    assert process.returncode == 0, process.stdout
    assert "Checked 3 files: 0 error(s)" in process.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        "html: vertical tab in the body",
        "html: raw escape sequence in the title",
        "rst: C1 control (CSI) in a field",
        "rst: ESC made by a unicode:: substitution",
    ],
)
def test_the_build_stops_with_the_same_message_and_no_traceback(tmp_path, case):
    name, text, line, what = CASES[case]
    wide = {**os.environ, "COLUMNS": "400"}  # one message a line, paths unbroken
    process = build_site(write_post(tmp_path, text, name), tmp_path / "out", check=False, env=wide)
    log = process.log
    flat = " ".join(log.split())
    assert process.exit_code != 0
    assert f"articles/2020/{name}, line {line}: " in flat and what in flat, flat
    assert "Traceback" not in log
    assert not RAW_ESCAPE.search(log)
