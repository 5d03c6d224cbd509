"""Publishing never uses a placeholder address: no SITEURL, no build and no upload."""

import shutil

import pytest
from publishing_helpers import FIXTURES, ROOT, make

from scripts.publish import NO_SITEURL, site_address, siteurl_problem

DRAFTS = f"INPUTDIR={FIXTURES / 'drafts'}"
ENDINGS = {"publish": "Nothing was built or published.", "upload": "Nothing was built or uploaded."}
UPLOADS = [
    ("publish", [], "publish"),
    ("rsync_upload", ["RSYNC_TARGET=me@host.example.net:/srv/blog/"], "upload"),
    ("github", ["GITHUB_PAGES_REMOTE=git@github.com:me/blog.git"], "upload"),
    ("s3_upload", ["S3_BUCKET=my-blog"], "upload"),
]


@pytest.mark.parametrize(("target", "settings", "who"), UPLOADS)
def test_no_site_address_refuses_with_one_line_and_builds_nothing(target, settings, who, tmp_path):
    output = tmp_path / "output"
    process = make(target, DRAFTS, f"OUTPUTDIR={output}", *settings, env={"SITEURL": ""})
    assert process.returncode != 0
    lines = [line for line in process.stderr.splitlines() if not line.startswith("make: ***")]
    assert len(lines) == 1, process.stderr
    assert lines[0].startswith(f"{who}: no site address is set")
    assert 'Set SITEURL = "https://your.blog.address" in publish.conf.py (once)' in lines[0]
    assert "or add SITEURL=https://your.blog.address to the command" in lines[0]
    assert lines[0] == f"{who}: {NO_SITEURL}. {ENDINGS[who]}"
    assert "upload: will" not in process.stdout  # it never got as far as announcing an upload
    assert not output.exists() and not (tmp_path / "output.new").exists()


def test_the_makefile_and_settings_carry_no_placeholder_address():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    settings = (ROOT / "publish.conf.py").read_text(encoding="utf-8")
    assert "blog.example.org" not in makefile
    assert "blog.example.org" not in settings


def test_siteurl_set_once_in_publish_conf_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("SITEURL", raising=False)
    settings = tmp_path / "publish.conf.py"
    text = (ROOT / "publish.conf.py").read_text(encoding="utf-8")
    shutil.copy(ROOT / "pelican.conf.py", tmp_path / "pelican.conf.py")
    settings.write_text(
        text.replace('SITEURL = ""\n', 'SITEURL = "https://reflections.example.net/"\n', 1),
        encoding="utf-8",
    )
    assert site_address(settings) == "https://reflections.example.net"
    monkeypatch.setenv("SITEURL", "https://other.example.net")
    assert site_address(settings) == "https://other.example.net"  # the command line wins


def test_an_empty_settings_file_gives_no_address(monkeypatch):
    monkeypatch.delenv("SITEURL", raising=False)
    assert site_address(ROOT / "publish.conf.py") == ""


@pytest.mark.parametrize(
    "siteurl",
    [
        "blog.example.net",  # no scheme
        "ftp://blog.example.net",
        "javascript:alert(1)",
        "https://",
        'https://blog.example.net/" onload="x',
        "https://user:secret@blog.example.net",
        "https://-oProxyCommand=x",
        "https://blog example.net",
    ],
)
def test_a_site_address_that_is_not_one_is_refused(siteurl):
    problem = siteurl_problem(siteurl)
    assert problem and "is not a site address" in problem
    assert "https://host/optional-path" in problem


@pytest.mark.parametrize(
    "siteurl", ["https://blog.example.net", "http://127.0.0.1:8000", "https://h.example.net/blog"]
)
def test_a_site_address_is_accepted(siteurl):
    assert siteurl_problem(siteurl) is None


def test_a_bad_site_address_on_the_command_line_stops_publish(tmp_path):
    output = tmp_path / "output"
    process = make("publish", DRAFTS, f"OUTPUTDIR={output}", env={"SITEURL": "blog.example.net"})
    assert process.returncode != 0
    assert "publish: SITEURL 'blog.example.net' is not a site address" in process.stderr
    assert not output.exists()
