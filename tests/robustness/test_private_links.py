"""`make check` (and the build) refuse links into a private network or to file: addresses."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from robust_helpers import ROOT

from plugins.content_checks.checks import Post, check_private_links, private_address


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


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://192.168.1/report.pdf", "192.168.0.1"),
        ("http://10.1/", "10.0.0.1"),
        ("http://127.1:8000/draft/", "127.0.0.1"),
        ("http://0x7f.1/", "127.0.0.1"),
        ("http://0x7F000001/", "127.0.0.1"),
        ("http://2130706433/", "127.0.0.1"),
        ("http://0177.0.0.1/", "127.0.0.1"),
        ("http://017700000001/", "127.0.0.1"),
        ("http://0xa.0x1.0x2.0x3/", "10.1.2.3"),
        ("http://172.016.0.1/", "172.14.0.1"),  # octal 016 is 14: not private, see below
        ("http://[::ffff:7f00:1]/", "127.0.0.1"),
        ("http://192.168.1.1./", "192.168.1.1"),
    ],
)
def test_shortened_octal_and_hex_addresses_are_read_as_browsers_read_them(url, address):
    from plugins.content_checks.checks import ipv4_number

    host = url.split("//")[1].split("/")[0].split(":")[0].rstrip(".")
    number = ipv4_number(host)
    if number is not None:
        import ipaddress

        assert str(ipaddress.ip_address(number)) == address
    why = private_address(url)
    if address.startswith(("10.", "127.", "192.168.")):
        assert why and "an address on a private network" in why and address in why
    else:
        assert why is None  # 172.14.0.1 is a public address


@pytest.mark.parametrize("host", ["1e100.net", "3.com", "256.1.1.1", "1.2.3.4.5", "08.1", "0x1g"])
def test_names_that_only_look_numeric_are_not_addresses(host):
    from plugins.content_checks.checks import ipv4_number

    assert ipv4_number(host) is None


@pytest.mark.parametrize(
    "markup",
    [
        '<form><button formaction="http://10.1/x">Send</button></form>',
        "<object data='http://127.1/report'></object>",
        '<img src="a.png" srcset="a.png 1x, http://192.168.1/b.png 2x">',
        '<blockquote cite="http://0x7f.1/notes">x</blockquote>',
        "<a href=http://10.0.0.5/>unquoted</a>",
        '<video poster="http://192.168.0.9/p.jpg"></video>',
        '<a ping="http://10.2/track" href="https://example.org/">x</a>',
    ],
)
def test_links_hidden_in_any_url_attribute_are_found(markup):
    post = Post("a.md", "a.md", markup, body_html=markup)
    [problem] = check_private_links([post])
    assert problem.severity == "error" and "a private network" in problem.problem


def test_a_data_attribute_is_not_an_address():
    markup = '<div data-x="http://10.0.0.1/">x</div><a href="https://example.org/">y</a>'
    assert check_private_links([Post("a.md", "a.md", markup, body_html=markup)]) == []


def test_make_check_names_shortened_addresses_in_raw_html(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    post = content / "articles" / "2018" / "no-blame-culture.md"
    post.write_text(
        post.read_text(encoding="utf-8")
        + '\nThe [team drive](http://127.1/share).\n\n<object data="http://0x7f.1/x"></object>\n',
        encoding="utf-8",
    )
    process = subprocess.run(
        [sys.executable, "scripts/check_content.py", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = " ".join((process.stdout + process.stderr).split())
    assert process.returncode == 1, out
    assert "'http://127.1/share' points to 127.1 (127.0.0.1), an address on a private" in out
    assert "'http://0x7f.1/x' points to 0x7f.1 (127.0.0.1)" in out
