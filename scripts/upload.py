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
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

from plugins.site_marker import MARKER, is_marked  # noqa: E402
from scripts import publish  # noqa: E402

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


# --- Masking: a password or token in a remote or target is never printed. -------------------

# scheme://user:password@ or scheme://token@ (GitHub takes a token as the user name).
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")
_SECRET_QUERY = re.compile(
    r"(?P<name>[?&](?:access_token|token|key|secret|password|passwd|sig|signature"
    r"|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\s'\"]+",
    re.IGNORECASE,
)


def _masked_userinfo(match):
    scheme, userinfo = match["scheme"], match["userinfo"]
    if ":" in userinfo:
        return f"{scheme}{userinfo.split(':', 1)[0]}:***@"
    if scheme.lower().startswith(("http", "https")):
        return f"{scheme}***@"  # a bare user name over https is a token
    return match[0]


def secrets_in(*values):
    """The passwords and tokens written inside VALUES (URLs), to mask wherever they appear."""
    found = []
    for value in values:
        for match in _USERINFO.finditer(value or ""):
            userinfo = match["userinfo"]
            if ":" in userinfo:
                found.append(userinfo.split(":", 1)[1])
            elif match["scheme"].lower().startswith("http"):
                found.append(userinfo)
        found += [m[0].split("=", 1)[1] for m in _SECRET_QUERY.finditer(value or "")]
    return sorted({secret for secret in found if secret}, key=len, reverse=True)


def mask(text, secrets=()):
    """TEXT with credentials in URLs, and each of SECRETS, replaced by ***."""
    text = _USERINFO.sub(_masked_userinfo, str(text))
    text = _SECRET_QUERY.sub(lambda m: f"{m['name']}***", text)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


# --- Validation: each setting must have its form, so none can smuggle in an option. ---------

_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
_USER = r"[A-Za-z0-9._][A-Za-z0-9._-]*"
_REMOTE_PATH = r"[\w.~/+@%,=-]*"
_SCP_LIKE = re.compile(rf"(?:{_USER}@)?{_HOST}:(?!-){_REMOTE_PATH}")
_RSYNC_URL = re.compile(rf"rsync://(?:{_USER}@)?{_HOST}(?::\d{{1,5}})?/{_REMOTE_PATH}")
_RSYNC_DAEMON = re.compile(rf"(?:{_USER}@)?{_HOST}::(?!-){_REMOTE_PATH}")
_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _plain_text_problem(variable, value):
    if value.startswith("-"):
        return f"{variable} starts with '-', so a command would take it as an option"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return f"{variable} holds a control character (a line break or tab?)"
    return None


def _url_problem(variable, value, schemes, example, loopback_http=False):
    """Why VALUE is not an address with one of SCHEMES and a proper host, or None."""
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    allowed = scheme in schemes or (loopback_http and scheme == "http" and host in _LOOPBACK)
    if not allowed:
        return f"{variable} must be an {' or '.join(sorted(schemes))} address, e.g. {example}"
    where = parts.netloc.rsplit("@", 1)[-1]
    if scheme != "file" and not re.fullmatch(rf"{_HOST}(?::\d{{1,5}})?", where):
        return f"{variable} has no proper host name, e.g. {example}"
    if any(c.isspace() or c in "'\"`<>\\" for c in value):
        return f"{variable} holds spaces or quotes, which no address has, e.g. {example}"
    return None


def setting_problems(kind, options):
    """One line for each upload setting whose form is wrong (empty when all are right)."""
    problems = []

    def checked(variable, value, form_problem):
        problem = _plain_text_problem(variable, value) or form_problem(value)
        if problem:
            problems.append(f"{problem} (now {mask(value)!r})")

    if kind == "rsync":
        port = str(options.ssh_port)
        if not (port.isdigit() and port.isascii() and 1 <= int(port) <= 65535):
            problems.append(f"SSH_PORT must be a port number, digits only (1-65535), not {port!r}")
        checked("RSYNC_TARGET", options.target, _rsync_target_problem)
    elif kind == "github":
        checked("GITHUB_PAGES_REMOTE", options.remote, _git_remote_problem)
        checked("GITHUB_PAGES_BRANCH", options.branch, _branch_problem)
    else:
        checked("S3_BUCKET", options.bucket, _bucket_problem)
        if options.endpoint_url:
            checked("S3_ENDPOINT_URL", options.endpoint_url, _endpoint_problem)
    return problems


def is_remote_rsync_target(target):
    """True when rsync would reach TARGET over the network (host:path, rsync://...)."""
    return target.startswith("rsync://") or ":" in target.split("/", 1)[0]


def _rsync_target_problem(target):
    if not is_remote_rsync_target(target):
        return None  # a local folder: checked by local_target_problem
    if re.match(r"(?:rsync://)?[^/@]*:[^/@]*@", target):
        return (
            "RSYNC_TARGET must not hold a password: rsync reads it from RSYNC_PASSWORD, and ssh "
            "uses your key (write user@host:/path/)"
        )
    if _RSYNC_URL.fullmatch(target) or _RSYNC_DAEMON.fullmatch(target):
        return None
    if _SCP_LIKE.fullmatch(target):
        return None
    return (
        "RSYNC_TARGET must be user@host:/path/ (letters, digits, . _ - in the user and host; "
        "no spaces, quotes or shell characters in the path) or a local folder"
    )


def _git_remote_problem(remote):
    if "::" in remote.split("/", 1)[0]:
        return "GITHUB_PAGES_REMOTE uses a git helper transport (name::...), which runs commands"
    if "://" in remote:
        return _url_problem(
            "GITHUB_PAGES_REMOTE",
            remote,
            {"https", "ssh", "git", "file"},
            "https://github.com/me/blog.git",
        )
    if _SCP_LIKE.fullmatch(remote):
        return None
    if remote.startswith(("/", "./", "../")) and not any(c.isspace() for c in remote):
        return None  # a repository on this machine
    return (
        "GITHUB_PAGES_REMOTE must be a URL (https://github.com/me/blog.git), an scp-like "
        "address (git@github.com:me/blog.git) or a local path (/srv/git/blog.git)"
    )


def _branch_problem(branch):
    bad = (
        not _BRANCH.fullmatch(branch)
        or ".." in branch
        or "//" in branch
        or branch.endswith(("/", ".", ".lock"))
    )
    if bad:
        return (
            "GITHUB_PAGES_BRANCH must be a branch name such as gh-pages (letters, digits, . _ / -)"
        )
    return None


def _bucket_problem(bucket):
    if not _BUCKET.fullmatch(bucket) or ".." in bucket or re.fullmatch(r"[\d.]+", bucket):
        return (
            "S3_BUCKET must be a bucket name: 3-63 lower-case letters, digits, dots and hyphens, "
            "starting and ending with a letter or digit (e.g. my-blog)"
        )
    return None


def _endpoint_problem(url):
    problem = _url_problem(
        "S3_ENDPOINT_URL", url, {"https"}, "https://s3.example.net", loopback_http=True
    )
    if problem is None and "@" in urlsplit(url).netloc:
        return "S3_ENDPOINT_URL must not hold credentials; set AWS_ACCESS_KEY_ID and the like"
    return problem


# --- Running the upload commands. -----------------------------------------------------------


def _run(command, secrets=(), **kwargs):
    """Run COMMAND, printing its output with credentials masked; raise UploadError on failure."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs
    )
    with process.stdout:
        for line in process.stdout:
            print(mask(line.rstrip("\n"), secrets), flush=True)
    if process.wait() != 0:
        shown = mask(" ".join(map(str, command)), secrets)
        raise UploadError(f"'{shown}' failed ({process.returncode})")


def rsync_plan(output, target, ssh_port):
    """(description, command) for copying OUTPUT to TARGET, deleting files the site dropped."""
    command = ["rsync", "-rlc", "--delete", "--itemize-changes", f"{output}/", target]
    daemon = target.startswith("rsync://") or "::" in target
    if daemon:
        where = f"the rsync server {mask(target)}"
    elif is_remote_rsync_target(target):
        command[1:1] = ["-z", "-e", f"ssh -p {int(ssh_port)}"]
        where = f"{mask(target)} over ssh (port {ssh_port})"
    else:
        where = f"the folder {target}"
    return f"copy {output}/ to {where}, deleting files there that the site no longer has", command


def local_target_problem(target, output, content, root=ROOT):
    """Why rsync must not write into the local folder TARGET (one sentence), or None."""
    real = Path(os.path.realpath(target))
    shown = target + (f" (a link to {real})" if Path(target.rstrip("/")).is_symlink() else "")
    fix = "Choose an empty folder or one an earlier upload filled, e.g. RSYNC_TARGET=/srv/blog/"
    output = Path(os.path.realpath(output))
    content = Path(os.path.realpath(content))
    root = Path(os.path.realpath(root))
    if ".git" in real.parts:
        return f"RSYNC_TARGET {shown} is inside a .git folder. {fix}"
    if _within(root, real):
        return (
            f"RSYNC_TARGET {shown} is the project folder or holds it; --delete would wipe it. {fix}"
        )
    if _within(real, content) or _within(content, real):
        return (
            f"RSYNC_TARGET {shown} is or holds the content folder; --delete would wipe posts. {fix}"
        )
    if _within(real, output) or _within(output, real):
        return f"RSYNC_TARGET {shown} is or holds the site being uploaded. {fix}"
    if real.exists() and not real.is_dir():
        return f"RSYNC_TARGET {shown} is a file, not a folder. {fix}"
    if real.is_dir() and not is_marked(real) and any(real.iterdir()):
        names = sorted(p.name for p in real.iterdir())
        some = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return (
            f"RSYNC_TARGET {shown} holds files that are not a site published from here ({some}; "
            f"no {MARKER} file), and --delete would remove them. {fix}"
        )
    return None


def _within(path, folder):
    return path == folder or folder in path.parents


# rsync --itemize-changes: "YXcstpoguax name" or "*deleting   name".
_ITEM = re.compile(r"(?P<flags>[<>ch.][fdLDS][^ ]{9}) (?P<name>.*)")
_DELETING = re.compile(r"\*deleting +(?P<name>.*)")


def rsync_preview(output, target, ssh_port, secrets=()):
    """(names --delete would remove, whether TARGET already holds a site of ours) by a dry run."""
    _description, command = rsync_plan(output, target, ssh_port)
    command.insert(1, "--dry-run")
    process = subprocess.run(command, capture_output=True, text=True)
    if process.returncode != 0:
        said = [line.strip() for line in process.stderr.splitlines() if line.strip()]
        detail = mask(said[0] if said else f"rsync exit {process.returncode}", secrets)
        raise UploadError(f"cannot reach {mask(target, secrets)} (nothing was changed): {detail}")
    deleted, other_content, marker_new = [], False, False
    for line in process.stdout.splitlines():
        gone = _DELETING.fullmatch(line)
        if gone:
            deleted.append(gone["name"])
            other_content = True
            continue
        item = _ITEM.fullmatch(line)
        if not item:
            continue
        created = set(item["flags"][2:]) == {"+"}
        if item["name"] == MARKER and created:
            marker_new = True
        elif not created and item["name"] != "./":
            other_content = True  # an existing file there would be replaced
    return sorted(deleted), not (marker_new and other_content)


def upload_rsync(output, target, ssh_port=22, content=ROOT / "content"):
    if shutil.which("rsync") is None:
        raise UploadError("rsync is not installed (Debian: apt-get install rsync)")
    secrets = secrets_in(target)
    if not is_remote_rsync_target(target):
        problem = local_target_problem(target, output, content)
        if problem:
            raise UploadError(problem)
    deleted, ours = rsync_preview(output, target, ssh_port, secrets)
    if not ours:
        raise UploadError(
            f"RSYNC_TARGET {mask(target, secrets)} holds files that are not a site published "
            f"from here (no {MARKER} file there), and --delete would remove or overwrite them. "
            "Choose an empty folder or one an earlier upload filled. Nothing was uploaded."
        )
    if deleted:
        shown = ", ".join(deleted[:10]) + (
            f" and {len(deleted) - 10} more" if len(deleted) > 10 else ""
        )
        print(
            f"upload: --delete will remove {len(deleted)} file(s) the site no longer has: {shown}"
        )
    else:
        print("upload: --delete will remove nothing there.")
    _description, command = rsync_plan(output, target, ssh_port)
    _run(command, secrets)


def upload_github(output, remote, branch):
    """Commit OUTPUT as the only content of BRANCH (on top of its history) and push it."""
    ghp_import = BIN / "ghp-import"
    secrets = secrets_in(remote)
    env = dict(os.environ)
    for name, value in (
        ("GIT_COMMITTER_NAME", "Blog publisher"),
        ("GIT_COMMITTER_EMAIL", "publisher@localhost"),
    ):
        env.setdefault(name, value)
    # No helper transports (ext::, fd::) even if the remote slipped past the form check.
    env["GIT_ALLOW_PROTOCOL"] = "https:http:ssh:git:file"
    check = subprocess.run(
        ["git", "ls-remote", "--", remote], capture_output=True, text=True, env=env
    )
    if check.returncode != 0:
        reason = mask(check.stderr.strip(), secrets)
        raise UploadError(f"cannot reach the repository {mask(remote, secrets)}: {reason}")
    # ghp-import writes the branch into the repository it runs in. A scratch repository
    # keeps the project's own git state untouched; fetching the branch first keeps history.
    with tempfile.TemporaryDirectory(prefix="ghp-") as scratch:
        _run(["git", "init", "-q", scratch], secrets, env=env)
        if f"refs/heads/{branch}" in check.stdout:
            _run(
                ["git", "-C", scratch, "fetch", "-q", "--", remote, f"{branch}:{branch}"],
                secrets,
                env=env,
            )
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
            secrets,
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
    _run(command, secrets_in(endpoint_url or ""))


def describe(kind, options):
    """One sentence: what this upload will do, and where (credentials masked)."""
    output = options.output
    if kind == "rsync":
        return rsync_plan(output, options.target, options.ssh_port)[0]
    if kind == "github":
        return (
            f"commit {output}/ to the branch '{options.branch}' and push it to "
            f"{mask(options.remote)}, replacing what that branch holds"
        )
    endpoint = f" at {mask(options.endpoint_url)}" if options.endpoint_url else ""
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
    parser.add_argument("-s", "--settings", default=str(ROOT / "publish.conf.py"))
    parser.add_argument(
        "--check-settings",
        action="store_true",
        help="only check the settings (the Makefile does, before installing upload tools)",
    )
    options = parser.parse_args(argv)
    kind = options.kind
    missing = missing_settings(kind, options)
    if missing:
        print("upload: nothing was uploaded. Set:\n" + "\n".join(missing), file=sys.stderr)
        return 2
    problems = setting_problems(kind, options)
    if not options.no_publish:
        problem = publish.siteurl_problem(publish.site_address(options.settings))
        problems += [problem] if problem else []
    if kind == "rsync" and not problems and not is_remote_rsync_target(options.target):
        problem = local_target_problem(options.target, options.output, options.content)
        problems += [problem] if problem else []
    if problems:
        for problem in problems:
            print(f"upload: {problem}. Nothing was built or uploaded.", file=sys.stderr)
        return 2
    if options.check_settings:
        return 0
    print(f"upload: will {describe(kind, options)}.", flush=True)
    # One publish or upload at a time into this site folder, from the build to the last byte.
    with publish.publish_lock(options.output, "upload"):
        return _publish_and_upload(kind, options)


def _publish_and_upload(kind, options):
    if not options.no_publish:
        arguments = ["--content", options.content, "--output", options.output]
        code = publish.main([*arguments, "-s", options.settings], locked=True)
        if code:
            print("upload: nothing was uploaded because the publish step failed.", file=sys.stderr)
            return code
    if not Path(options.output, "index.html").exists():
        print(f"upload: {options.output} holds no built site; run `make publish`.", file=sys.stderr)
        return 1
    try:
        if kind == "rsync":
            upload_rsync(options.output, options.target, options.ssh_port, options.content)
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
