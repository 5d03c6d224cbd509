"""Each upload target end to end against a local stand-in, and refusing to run unconfigured."""

import os
import shutil
import socket
import subprocess
import time

import pytest
from publishing_helpers import FIXTURES, ROOT, make, tree_hashes

from plugins.site_marker import mark

DRAFTS = f"INPUTDIR={FIXTURES / 'drafts'}"
UPLOAD_VENV = ROOT / ".venv-upload"


@pytest.mark.parametrize(
    ("target", "setting"),
    [
        ("rsync_upload", "RSYNC_TARGET"),
        ("github", "GITHUB_PAGES_REMOTE"),
        ("s3_upload", "S3_BUCKET"),
    ],
)
def test_an_upload_without_its_settings_says_what_to_set(target, setting, tmp_path):
    env = {name: "" for name in ("RSYNC_TARGET", "GITHUB_PAGES_REMOTE", "S3_BUCKET")}
    output = tmp_path / "output"
    process = make(target, DRAFTS, f"OUTPUTDIR={output}", env=env)
    assert process.returncode != 0
    assert "upload: nothing was uploaded. Set:" in process.stderr
    assert f"  {setting}  (e.g. make {target} {setting}=" in process.stderr
    assert not output.exists() and not output.with_name("output.new").exists()  # nothing built


@pytest.fixture(scope="module")
def rsync():
    if shutil.which("rsync") is None:
        # CI runs as root on Debian; the harness may install the stand-in's tool itself.
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "rsync"], check=False, capture_output=True
        )
    if shutil.which("rsync") is None:
        pytest.fail("rsync is missing and `apt-get install -y rsync` did not install it")


def test_rsync_upload_to_a_local_folder(rsync, tmp_path):
    output, remote = tmp_path / "output", tmp_path / "server" / "www"
    remote.mkdir(parents=True)
    mark(remote)  # an earlier upload's site, with a page the site no longer has
    (remote / "old-page.html").write_text("a page the site no longer has", encoding="utf-8")
    process = make("rsync_upload", DRAFTS, f"OUTPUTDIR={output}", f"RSYNC_TARGET={remote}/")
    assert process.returncode == 0, process.stdout + process.stderr
    first_line = process.stdout.splitlines()[0]
    assert first_line == (
        f"upload: will copy {output}/ to the folder {remote}/, deleting files there that the "
        "site no longer has."
    )
    assert (
        "upload: --delete will remove 1 file(s) the site no longer has: old-page.html"
        in process.stdout.splitlines()
    )
    assert tree_hashes(remote) == tree_hashes(output)


def _git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


def test_github_pushes_the_site_to_the_pages_branch(tmp_path):
    output, remote = tmp_path / "output", tmp_path / "pages.git"
    _git("init", "-q", "--bare", str(remote))
    variables = [DRAFTS, f"OUTPUTDIR={output}", f"GITHUB_PAGES_REMOTE={remote}"]
    process = make("github", *variables, "GITHUB_PAGES_BRANCH=site")
    assert process.returncode == 0, process.stdout + process.stderr
    assert process.stdout.splitlines()[0] == (
        f"upload: will commit {output}/ to the branch 'site' and push it to {remote}, "
        "replacing what that branch holds."
    )
    checkout = tmp_path / "checkout"
    _git("clone", "-q", "--branch", "site", str(remote), str(checkout))
    shutil.rmtree(checkout / ".git")
    (checkout / ".nojekyll").unlink()  # ghp-import -n: GitHub Pages must serve _ folders
    assert tree_hashes(checkout) == tree_hashes(output)
    # A second publish adds a commit on top: the branch keeps its history.
    again = make("github", *variables, "GITHUB_PAGES_BRANCH=site")
    assert again.returncode == 0, again.stdout + again.stderr
    log = _git("--git-dir", str(remote), "log", "--format=%s", "site").stdout.split("\n")
    assert log[:2] == ["Publish the site", "Publish the site"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """A moto S3 server on 127.0.0.1 (from .venv-upload, installed by `make upload-tools`)."""
    if not (UPLOAD_VENV / ".installed").exists():
        process = make("upload-tools")
        assert process.returncode == 0, process.stdout + process.stderr
    port = _free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(UPLOAD_VENV / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the moto S3 server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def test_s3_upload_syncs_to_a_local_s3_server(s3_server, tmp_path):
    aws = str(UPLOAD_VENV / "bin" / "aws")
    env = {**os.environ, **S3_ENV}
    subprocess.run(
        [aws, "s3", "mb", "s3://blog", "--endpoint-url", s3_server],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [aws, "s3", "cp", "-", "s3://blog/old-page.html", "--endpoint-url", s3_server],
        input=b"gone",
        env=env,
        check=True,
        capture_output=True,
    )
    output = tmp_path / "output"
    process = make(
        "s3_upload",
        DRAFTS,
        f"OUTPUTDIR={output}",
        "S3_BUCKET=blog",
        f"S3_ENDPOINT_URL={s3_server}",
        env=S3_ENV,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert process.stdout.splitlines()[0] == (
        f"upload: will sync {output}/ to s3://blog at {s3_server}, deleting objects the site "
        "dropped."
    )
    download = tmp_path / "download"
    subprocess.run(
        [aws, "s3", "sync", "s3://blog", str(download), "--endpoint-url", s3_server],
        env=env,
        check=True,
        capture_output=True,
    )
    assert tree_hashes(download) == tree_hashes(output)
