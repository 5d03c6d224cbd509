"""Publish the site (scripts/publish.py), then upload output/ with rsync, to GitHub Pages or to S3.

Usage:
  python scripts/upload.py rsync  --target USER@HOST:/srv/blog/  [--ssh-port 22]
  python scripts/upload.py github --remote git@github.com:me/blog.git [--branch gh-pages]
  python scripts/upload.py s3     --bucket my-blog [--endpoint-url http://127.0.0.1:9000]
Each says what it will do and where before doing it, and does nothing when a setting is
missing: it names the setting and exits 2. `--no-publish` uploads output/ as it is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# What each target needs: (option, Makefile variable, example).
REQUIRED = {
    "rsync": [("target", "RSYNC_TARGET", "RSYNC_TARGET=me@example.org:/srv/blog/")],
    "github": [("remote", "GITHUB_PAGES_REMOTE", "GITHUB_PAGES_REMOTE=git@github.com:me/blog.git")],
    "s3": [("bucket", "S3_BUCKET", "S3_BUCKET=my-blog")],
}


class UploadError(Exception):
    """The upload did not happen or did not finish; the message says why."""


MAKE_TARGETS = {"rsync": "rsync_upload", "github": "github", "s3": "s3_upload"}


def missing_settings(kind, options):
    """Lines naming each setting KIND needs that OPTIONS lacks."""
    return [
        f"  {variable}  (e.g. make {MAKE_TARGETS[kind]} {example})"
        for option, variable, example in REQUIRED[kind]
        if not getattr(options, option)
    ]


def _run(command, **kwargs):
    process = subprocess.run(command, **kwargs)
    if process.returncode != 0:
        raise UploadError(f"'{' '.join(map(str, command))}' failed ({process.returncode})")


def rsync_plan(output, target, ssh_port):
    """(description, command) for copying OUTPUT to TARGET, deleting files the site dropped."""
    command = ["rsync", "-rlc", "--delete", "--itemize-changes", f"{output}/", target]
    remote = ":" in target.split("/", 1)[0]
    if remote:
        command[1:1] = ["-z", "-e", f"ssh -p {ssh_port}"]
    where = f"{target} over ssh (port {ssh_port})" if remote else f"the folder {target}"
    return f"copy {output}/ to {where}, deleting files there that the site no longer has", command


def upload_rsync(output, target, ssh_port=22):
    if shutil.which("rsync") is None:
        raise UploadError("rsync is not installed (Debian: apt-get install rsync)")
    _description, command = rsync_plan(output, target, ssh_port)
    _run(command)


def upload_github(output, remote, branch):
    """Commit OUTPUT as the only content of BRANCH (on top of its history) and push it."""
    ghp_import = BIN / "ghp-import"
    env = dict(os.environ)
    for name, value in (
        ("GIT_COMMITTER_NAME", "Blog publisher"),
        ("GIT_COMMITTER_EMAIL", "publisher@localhost"),
    ):
        env.setdefault(name, value)
    check = subprocess.run(["git", "ls-remote", remote], capture_output=True, text=True, env=env)
    if check.returncode != 0:
        raise UploadError(f"cannot reach the repository {remote}: {check.stderr.strip()}")
    # ghp-import writes the branch into the repository it runs in. A scratch repository
    # keeps the project's own git state untouched; fetching the branch first keeps history.
    with tempfile.TemporaryDirectory(prefix="ghp-") as scratch:
        _run(["git", "init", "-q", scratch], env=env)
        if f"refs/heads/{branch}" in check.stdout:
            _run(["git", "-C", scratch, "fetch", "-q", remote, f"{branch}:{branch}"], env=env)
        _run(
            [
                str(ghp_import),
                "-n",
                "-p",
                "-r",
                remote,
                "-b",
                branch,
                "-m",
                "Publish the site",
                str(Path(output).resolve()),
            ],
            cwd=scratch,
            env=env,
        )


def upload_s3(output, bucket, endpoint_url=None, aws=None):
    pinned = ROOT / ".venv-upload" / "bin" / "aws"
    aws = aws or (str(pinned) if pinned.exists() else shutil.which("aws"))
    if not aws or (not Path(aws).exists() and shutil.which(aws) is None):
        raise UploadError("the aws command is missing: run `make upload-tools` first")
    command = [aws, "s3", "sync", "--delete", "--no-progress", str(output), f"s3://{bucket}"]
    if endpoint_url:
        command += ["--endpoint-url", endpoint_url]
    _run(command)


def describe(kind, options):
    """One sentence: what this upload will do, and where."""
    output = options.output
    if kind == "rsync":
        return rsync_plan(output, options.target, options.ssh_port)[0]
    if kind == "github":
        return (
            f"commit {output}/ to the branch '{options.branch}' and push it to "
            f"{options.remote}, replacing what that branch holds"
        )
    endpoint = f" at {options.endpoint_url}" if options.endpoint_url else ""
    return f"sync {output}/ to s3://{options.bucket}{endpoint}, deleting objects the site dropped"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(REQUIRED))
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--no-publish", action="store_true", help="upload output/ as it is")
    parser.add_argument("--target", default=os.environ.get("RSYNC_TARGET", ""))
    parser.add_argument("--ssh-port", default=os.environ.get("SSH_PORT") or "22")
    parser.add_argument("--remote", default=os.environ.get("GITHUB_PAGES_REMOTE", ""))
    parser.add_argument("--branch", default=os.environ.get("GITHUB_PAGES_BRANCH") or "gh-pages")
    parser.add_argument("--bucket", default=os.environ.get("S3_BUCKET", ""))
    parser.add_argument("--endpoint-url", default=os.environ.get("S3_ENDPOINT_URL", ""))
    parser.add_argument("--aws", default=os.environ.get("AWS", ""))
    options = parser.parse_args(argv)
    kind = options.kind
    missing = missing_settings(kind, options)
    if missing:
        print("upload: nothing was uploaded. Set:\n" + "\n".join(missing), file=sys.stderr)
        return 2
    print(f"upload: will {describe(kind, options)}.")
    if not options.no_publish:
        sys.path.insert(0, str(ROOT / "scripts"))
        import publish

        code = publish.main(["--content", options.content, "--output", options.output])
        if code:
            print("upload: nothing was uploaded because the publish step failed.", file=sys.stderr)
            return code
    if not Path(options.output, "index.html").exists():
        print(f"upload: {options.output} holds no built site; run `make publish`.", file=sys.stderr)
        return 1
    try:
        if kind == "rsync":
            upload_rsync(options.output, options.target, options.ssh_port)
        elif kind == "github":
            upload_github(options.output, options.remote, options.branch)
        else:
            upload_s3(options.output, options.bucket, options.endpoint_url, options.aws or None)
    except UploadError as error:
        print(f"upload: {error}", file=sys.stderr)
        return 1
    print(f"upload: done: {describe(kind, options).split(',')[0]}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
