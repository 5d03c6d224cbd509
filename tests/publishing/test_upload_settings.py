"""Upload settings: credentials never printed, and no setting can smuggle in an option."""

import argparse
import os
import shutil

import pytest
from publishing_helpers import FIXTURES, make

from scripts.upload import mask, secrets_in, setting_problems

DRAFTS = f"INPUTDIR={FIXTURES / 'drafts'}"
TOKEN = "ghp_S3cr3tT0kenValue1234567890"


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        (
            f"https://user:{TOKEN}@github.com/me/blog.git",
            "https://user:***@github.com/me/blog.git",
        ),
        (f"https://{TOKEN}@github.com/me/blog.git", "https://***@github.com/me/blog.git"),
        (
            f"https://x-access-token:{TOKEN}@github.com/me/blog.git",
            "https://x-access-token:***@github.com/me/blog.git",
        ),
        (f"rsync://me:{TOKEN}@host.example.net/blog/", "rsync://me:***@host.example.net/blog/"),
        (f"https://AKIAKEY:{TOKEN}@s3.example.net", "https://AKIAKEY:***@s3.example.net"),
        (
            f"https://s3.example.net/b/i.html?X-Amz-Signature={TOKEN}&x=1",
            "https://s3.example.net/b/i.html?X-Amz-Signature=***&x=1",
        ),
        (
            f"https://h.example.net/b.git?access_token={TOKEN}",
            "https://h.example.net/b.git?access_token=***",
        ),
        # No credentials: shown as they are.
        ("git@github.com:me/blog.git", "git@github.com:me/blog.git"),
        ("ssh://git@github.com/me/blog.git", "ssh://git@github.com/me/blog.git"),
        ("me@host.example.net:/srv/blog/", "me@host.example.net:/srv/blog/"),
    ],
)
def test_credentials_are_masked(address, shown):
    assert mask(address) == shown
    assert mask(f"fatal: unable to access '{address}': refused") == (
        f"fatal: unable to access '{shown}': refused"
    )


def test_a_secret_is_masked_wherever_a_tool_echoes_it():
    secrets = secrets_in(f"https://user:{TOKEN}@github.com/me/blog.git")
    assert secrets == [TOKEN]
    assert mask(f"remote: token {TOKEN} rejected", secrets) == "remote: token *** rejected"


def _no_token_in(process):
    text = process.stdout + process.stderr
    assert TOKEN not in text, text
    return text


def test_a_token_in_the_github_remote_is_never_printed(tmp_path):
    remote = f"https://me:{TOKEN}@127.0.0.1:9/me/blog.git"  # port 9: nothing listens
    process = make(
        "github",
        DRAFTS,
        f"OUTPUTDIR={tmp_path / 'output'}",
        f"GITHUB_PAGES_REMOTE={remote}",
        env={"GIT_TERMINAL_PROMPT": "0"},
    )
    assert process.returncode != 0
    text = _no_token_in(process)
    assert "push it to https://me:***@127.0.0.1:9/me/blog.git" in text
    assert "upload: cannot reach the repository https://me:***@127.0.0.1:9/me/blog.git" in text


def test_a_token_as_the_user_name_is_never_printed(tmp_path):
    remote = f"https://{TOKEN}@127.0.0.1:9/me/blog.git"
    process = make(
        "github",
        DRAFTS,
        f"OUTPUTDIR={tmp_path / 'output'}",
        f"GITHUB_PAGES_REMOTE={remote}",
        env={"GIT_TERMINAL_PROMPT": "0"},
    )
    assert process.returncode != 0
    assert "https://***@127.0.0.1:9/me/blog.git" in _no_token_in(process)


def test_a_password_in_an_rsync_target_is_never_printed(tmp_path):
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed")
    target = f"rsync://me:{TOKEN}@127.0.0.1:9/blog/"
    process = make(
        "rsync_upload", DRAFTS, f"OUTPUTDIR={tmp_path / 'output'}", f"RSYNC_TARGET={target}"
    )
    assert process.returncode != 0
    text = _no_token_in(process)
    assert "RSYNC_TARGET must not hold a password" in text
    assert "(now 'rsync://me:***@127.0.0.1:9/blog/')" in text


def test_credentials_in_the_s3_endpoint_are_refused_masked(tmp_path):
    endpoint = f"https://AKIAKEY:{TOKEN}@s3.example.net"
    process = make(
        "s3_upload",
        DRAFTS,
        f"OUTPUTDIR={tmp_path / 'output'}",
        "S3_BUCKET=my-blog",
        f"S3_ENDPOINT_URL={endpoint}",
    )
    assert process.returncode == 2
    assert "S3_ENDPOINT_URL must not hold credentials" in _no_token_in(process)
    assert not (tmp_path / "output").exists()


def _options(**values):
    defaults = {
        "target": "me@host.example.net:/srv/blog/",
        "ssh_port": "22",
        "remote": "git@github.com:me/blog.git",
        "branch": "gh-pages",
        "bucket": "my-blog",
        "endpoint_url": "",
    }
    return argparse.Namespace(**{**defaults, **values})


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("rsync", {}),
        ("rsync", {"target": "/srv/www/blog/"}),
        ("rsync", {"target": "relative/folder"}),
        ("rsync", {"target": "rsync://host.example.net/blog/"}),
        ("rsync", {"target": "deploy@192.0.2.10:www/", "ssh_port": "2222"}),
        ("github", {}),
        ("github", {"remote": "https://github.com/me/blog.git"}),
        ("github", {"remote": "ssh://git@github.com:22/me/blog.git"}),
        ("github", {"remote": "/srv/git/blog.git", "branch": "site/live"}),
        ("s3", {}),
        ("s3", {"bucket": "blog.example.net", "endpoint_url": "https://s3.eu.example.net"}),
        ("s3", {"endpoint_url": "http://127.0.0.1:9000"}),
    ],
)
def test_settings_of_the_right_form_pass(kind, values):
    assert setting_problems(kind, _options(**values)) == []


@pytest.mark.parametrize(
    ("kind", "values", "said"),
    [
        ("rsync", {"ssh_port": "22 '-oProxyCommand=touch /tmp/x'"}, "SSH_PORT must be a port"),
        ("rsync", {"ssh_port": "-oProxyCommand=x"}, "SSH_PORT must be a port"),
        ("rsync", {"ssh_port": "70000"}, "SSH_PORT must be a port"),
        ("rsync", {"ssh_port": "２２"}, "SSH_PORT must be a port"),  # full-width digits
        ("rsync", {"target": "-e touch /tmp/x"}, "RSYNC_TARGET starts with '-'"),
        ("rsync", {"target": "-oProxyCommand=x:/srv/"}, "RSYNC_TARGET starts with '-'"),
        ("rsync", {"target": "me@host:/srv/$(touch x)/"}, "RSYNC_TARGET must be user@host:/path/"),
        ("rsync", {"target": "me@host:/srv/a b/"}, "RSYNC_TARGET must be user@host:/path/"),
        ("rsync", {"target": "me@-oProxy:/srv/"}, "RSYNC_TARGET must be user@host:/path/"),
        ("rsync", {"target": "/srv/blog\n--delete-excluded"}, "RSYNC_TARGET holds a control"),
        ("github", {"remote": "--upload-pack=touch /tmp/x"}, "GITHUB_PAGES_REMOTE starts with '-'"),
        ("github", {"remote": "ext::sh -c touch% /tmp/x"}, "GITHUB_PAGES_REMOTE uses a git helper"),
        ("github", {"remote": "fd::7"}, "GITHUB_PAGES_REMOTE uses a git helper"),
        ("github", {"remote": "https://-oProxy/x.git"}, "GITHUB_PAGES_REMOTE has no proper host"),
        ("github", {"remote": "ftp://host.example.net/b.git"}, "GITHUB_PAGES_REMOTE must be an"),
        ("github", {"remote": "blog"}, "GITHUB_PAGES_REMOTE must be a URL"),
        ("github", {"branch": "--force"}, "GITHUB_PAGES_BRANCH starts with '-'"),
        ("github", {"branch": "a..b"}, "GITHUB_PAGES_BRANCH must be a branch name"),
        ("github", {"branch": "gh pages"}, "GITHUB_PAGES_BRANCH must be a branch name"),
        ("s3", {"bucket": "My_Blog"}, "S3_BUCKET must be a bucket name"),
        ("s3", {"bucket": "b"}, "S3_BUCKET must be a bucket name"),
        ("s3", {"bucket": "my-blog --delete"}, "S3_BUCKET must be a bucket name"),
        ("s3", {"bucket": "--endpoint-url=http://evil"}, "S3_BUCKET starts with '-'"),
        ("s3", {"bucket": "192.168.1.1"}, "S3_BUCKET must be a bucket name"),
        ("s3", {"endpoint_url": "http://s3.example.net"}, "S3_ENDPOINT_URL must be an https"),
        ("s3", {"endpoint_url": "--debug"}, "S3_ENDPOINT_URL starts with '-'"),
        ("s3", {"endpoint_url": "https://s3.example.net/ --debug"}, "S3_ENDPOINT_URL holds spaces"),
    ],
)
def test_settings_of_the_wrong_form_are_refused(kind, values, said):
    problems = setting_problems(kind, _options(**values))
    assert len(problems) == 1, problems
    assert problems[0].startswith(said), problems


@pytest.mark.parametrize(
    ("target", "variables"),
    [
        ("github", ["GITHUB_PAGES_REMOTE=--upload-pack=touch {canary}"]),
        ("github", ["GITHUB_PAGES_REMOTE=ext::sh -c touch% {canary}"]),
        (
            "rsync_upload",
            [
                "RSYNC_TARGET=me@host.example.net:/srv/",
                "SSH_PORT=22 '-oProxyCommand=touch {canary}'",
            ],
        ),
        ("rsync_upload", ["RSYNC_TARGET=-e touch {canary}"]),
        ("s3_upload", ["S3_BUCKET=--endpoint-url=http://127.0.0.1:9", "S3_ENDPOINT_URL=https://h"]),
    ],
)
def test_an_option_smuggled_into_a_setting_runs_nothing(target, variables, tmp_path):
    canary = tmp_path / "ran"
    output = tmp_path / "output"
    filled = [v.format(canary=canary) for v in variables]
    process = make(target, DRAFTS, f"OUTPUTDIR={output}", *filled)
    assert process.returncode == 2, process.stdout + process.stderr
    lines = [line for line in process.stderr.splitlines() if not line.startswith("make: ***")]
    assert lines and all(line.startswith("upload: ") for line in lines)
    assert all(line.endswith("Nothing was built or uploaded.") for line in lines)
    assert not canary.exists()
    assert not output.exists()  # refused before anything was built
    assert os.listdir(tmp_path) == []
