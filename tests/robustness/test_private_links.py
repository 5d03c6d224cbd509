"""`make check` (and the build) refuse links into a private network or to file: addresses."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from content_checks.checks import Post, check_private_links, private_address
from robust_helpers import ROOT


@pytest.mark.parametrize(
    "url",
    [
        "http://192.168.1.10/report.pdf",
        "https://10.0.0.5/",
        "http://172.16.3.4:8080/x",
        "http://127.0.0.1:8000/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://localhost:8000/draft/",
        "http://intranet/policies",
        "https://sharepoint.council.local/case",
        "https://files.corp/x",
        "file:///C:/Users/chris/Documents/case-notes.docx",
        "FILE://server/share/notes.txt",
        "http://[::ffff:192.168.0.1]/",
    ],
)
def test_private_and_file_addresses_are_named(url):
    assert private_address(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.gov.uk/government/publications",
        "http://8.8.8.8/",
        "../2018/07/no-blame-culture/",
        "/about/",
        "#notes",
        "mailto:someone@example.org",
        "https://example.org/localhost",
    ],
)
def test_public_and_relative_addresses_pass(url):
    assert private_address(url) is None


def test_the_check_names_file_line_and_address():
    source = "---\ntitle: T\n---\nSee [the notes](file:///home/chris/notes.txt) here.\n"
    post = Post(
        path="articles/2020/t.md",
        relpath="articles/2020/t.md",
        source_text=source,
        body_html='<p>See <a href="file:///home/chris/notes.txt">the notes</a> here.</p>',
    )
    [problem] = check_private_links([post])
    assert problem.severity == "error" and problem.line == 4
    assert "articles/2020/t.md, line 4: the link 'file:///home/chris/notes.txt'" in str(problem)
    public = Post("a.md", "a.md", "", body_html='<a href="https://www.gov.uk/">x</a>')
    assert check_private_links([public]) == []


def test_make_check_fails_on_a_private_link(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    post = content / "articles" / "2018" / "no-blame-culture.md"
    post.write_text(
        post.read_text(encoding="utf-8")
        + "\nThe [case file](http://192.168.0.12/cases/17) and [a picture][p].\n\n"
        "[p]: file:///C:/photos/family.jpg\n",
        encoding="utf-8",
    )
    process = subprocess.run(
        [sys.executable, "scripts/check_content.py", str(content), "-s", "pelican.conf.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = " ".join((process.stdout + process.stderr).split())
    assert process.returncode == 1, out
    assert "no-blame-culture.md" in out
    assert "'http://192.168.0.12/cases/17' points to 192.168.0.12, an address on a private" in out
    assert "'file:///C:/photos/family.jpg' points to a file on the reader's own computer" in out
