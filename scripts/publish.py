"""Build the production site beside output/, check it, and only then swap it in.

Usage: python scripts/publish.py [--content content] [--output output] [-s publish.conf.py]

0. refuse at once, with one line, when the site has no address (SITEURL), when OUTPUT is not a
   folder a build of ours made (the content folder, the project, a parent of either, .git, a
   folder of someone else's files), or while another publish into the same place is running;
1. build with Pelican into OUTPUT.new (marked as ours before anything is written into it);
2. check OUTPUT.new: every internal link, asset and #anchor resolves, and no draft is in it;
3. exchange OUTPUT and OUTPUT.new in one atomic step (Linux renameat2 RENAME_EXCHANGE; elsewhere
   two renames), then remove the old site, which is now at OUTPUT.new.
A failed build or check leaves OUTPUT exactly as it was, and a kill at any moment leaves either
the old site or the new one at OUTPUT, never neither. An OUTPUT that is a symbolic link keeps
its link: the folder it points to is the one replaced, under the same rules.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from plugins.site_marker import MARKER, is_marked, mark, remove_marked  # noqa: E402
from scripts.linkcheck import check_site  # noqa: E402


class PublishError(Exception):
    """The new site was not swapped in; the message says why."""


class Refused(PublishError):
    """Publish would destroy or use what is not ours, so it did nothing; one line says why."""


# http(s), a host name (or IPv4 address), an optional port and path; nothing else.
_SITEURL = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:/[\w.~%/-]*)?"
)

NO_SITEURL = (
    "no site address is set, so links and the stylesheet would point nowhere. "
    'Set SITEURL = "https://your.blog.address" in publish.conf.py (once), or add '
    "SITEURL=https://your.blog.address to the command"
)


def site_address(settings):
    """The SITEURL the settings file SETTINGS gives (the environment's SITEURL wins there)."""
    return str(runpy.run_path(str(settings)).get("SITEURL") or "").strip()


def siteurl_problem(siteurl):
    """Why SITEURL cannot be published to (one sentence), or None when it is a site address."""
    if not siteurl:
        return NO_SITEURL
    if not _SITEURL.fullmatch(siteurl):
        return (
            f"SITEURL {siteurl!r} is not a site address. Write it as https://host/optional-path "
            "(letters, digits, dots and hyphens in the host; no spaces, quotes or user:password@)"
        )
    return None


def build(content, target, settings, extra=()):
    """Run Pelican into TARGET with `--fatal errors`; raise PublishError when it fails."""
    pelican = Path(sys.executable).with_name("pelican")
    command = [str(pelican), str(content), "-o", str(target), "-s", str(settings)]
    command += ["--fatal", "errors", *extra]
    process = subprocess.run(command, cwd=ROOT)
    if process.returncode != 0:
        raise PublishError("the build failed (see the messages above)")


def draft_leaks(site):
    """Files of the new site that belong to drafts (there must be none)."""
    drafts = Path(site) / "drafts"
    return (
        sorted(p.relative_to(site).as_posix() for p in drafts.rglob("*")) if drafts.exists() else []
    )


def check(site, siteurl):
    """Raise PublishError listing every broken link or draft file in SITE."""
    problems = [str(item) for item in check_site(site, siteurl)]
    problems += [f"{path}: a draft must not be published" for path in draft_leaks(site)]
    if problems:
        listed = "\n".join(f"  {line}" for line in problems)
        raise PublishError(f"{len(problems)} problem(s) in the new site:\n{listed}")


def refuse_unsafe_files(content):
    """Raise PublishError naming every file in CONTENT that is a link out of it or a special
    file (plugins/safe_paths): nothing reads the content before this says it is safe."""
    from plugins.safe_paths.tree import unsafe_files

    problems = unsafe_files(content, ignore=(".#*",))
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise PublishError(f"{len(problems)} unsafe file(s) in the content folder:\n{listed}")


def refuse_privacy_errors(content):
    """Raise PublishError listing every privacy error (plugins/privacy_check) in a post that
    would be published: a postcode, phone number, e-mail address, NHS or NI number, case
    number or street address must never reach the public site."""
    from plugins.privacy_check import publish_blockers

    errors = publish_blockers(content)
    if errors:
        listed = "\n".join(f"  {finding}" for finding in errors)
        raise PublishError(
            f"{len(errors)} privacy error(s): a post would identify someone, so it is not "
            f"published:\n{listed}"
        )


def _some(folder, limit=3):
    """A few names of what FOLDER holds, for a message."""
    names = sorted(p.name for p in Path(folder).iterdir())
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _within(path, folder):
    """True when PATH is FOLDER or inside it."""
    return path == folder or folder in path.parents


def output_problem(output, content, root=ROOT):
    """Why publish must not replace OUTPUT (one sentence), or None when it may."""
    real = Path(os.path.realpath(output))
    shown = str(output)
    if Path(output).is_symlink():
        shown += f" (a link to {real})"
    elif Path(output).absolute() != real:
        shown += f" ({real})"
    content = Path(os.path.realpath(content))
    root = Path(os.path.realpath(root))
    fix = "Set OUTPUTDIR to a folder of its own, e.g. OUTPUTDIR=output"
    if ".git" in real.parts:
        return f"{shown} is inside a .git folder, which publish never touches. {fix}"
    if _within(real, content):
        return f"{shown} is the content folder or inside it; publish would delete posts. {fix}"
    if _within(content, real):
        return f"{shown} holds the content folder; publish would delete every post. {fix}"
    if _within(root, real):
        return f"{shown} is the project folder or holds it; publish would delete it. {fix}"
    if real.exists() and not real.is_dir():
        return f"{shown} is a file, not a site folder; move it away or {fix[0].lower()}{fix[1:]}"
    if real.is_dir() and not is_marked(real) and any(real.iterdir()):
        return (
            f"{shown} holds files no build of this blog made ({_some(real)}; no {MARKER} "
            f"file), and publish replaces the folder whole. Move them away, or {fix[0].lower()}"
            f"{fix[1:]}"
        )
    return None


def clear_leftover(path):
    """Remove PATH if it is a folder an earlier publish of ours left; refuse anything else."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        kind = "a symbolic link" if path.is_symlink() else "a file"
        raise Refused(
            f"{path} is {kind}, not a folder left by an earlier publish; publish builds the new "
            "site there. Move or delete it yourself, then publish again"
        )
    if path.is_dir():
        if not is_marked(path) and any(path.iterdir()):
            raise Refused(
                f"{path} holds files no build of this blog made ({_some(path)}); publish builds "
                "the new site there. Move them away, then publish again"
            )
        remove_marked(path)


@contextlib.contextmanager
def publish_lock(output, who="publish"):
    """Hold the lock of OUTPUT's folder: one publish (or upload) at a time per site folder."""
    parent = Path(os.path.realpath(output)).parent
    parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"{who}: another publish into {parent} is running; waiting for it to finish "
                "(Ctrl-C to stop).",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing the folder releases the lock


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(first, second):
    """Swap two directories in one atomic step; return False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    paths = (os.fsencode(first), os.fsencode(second))
    if renameat2(_AT_FDCWD, paths[0], _AT_FDCWD, paths[1], _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(error, os.strerror(error), str(second))


def swap(new, output, remove=remove_marked, old=None):
    """Put NEW in OUTPUT's place, so OUTPUT is never half-written and never missing.

    REMOVE deletes the folder OUTPUT held (publish removes only a folder it marked as its own);
    OLD names where that folder waits meanwhile when the file system cannot exchange the two in
    one step (OUTPUT's name + ".old" unless given).
    """
    if output.exists() and exchange(new, output):
        # NEW now holds the old site; a kill before this removal is tidied by the next publish.
        remove(new)
        return
    old = old or output.with_name(output.name + ".old")
    if old.exists():
        remove(old)
    if output.exists():
        os.replace(output, old)
    os.replace(new, output)
    if old.exists():
        remove(old)


def prepare(output, content):
    """The real folder to replace, its scratch folder (made and marked), after every check."""
    problem = output_problem(output, content)
    if problem:
        raise Refused(problem)
    real = Path(os.path.realpath(output))
    new = real.with_name(real.name + ".new")
    old = real.with_name(real.name + ".old")
    if old.is_dir() and not old.is_symlink() and is_marked(old) and not real.exists():
        os.rename(old, real)  # a swap was interrupted last time: put the old site back
    clear_leftover(new)
    clear_leftover(old)
    mark(new)  # ours from the start, so a build killed half-way is tidied by the next publish
    return real, new


def publish(content, output, settings, siteurl, extra=()):
    """Build, check and swap in the production site; return the number of files published."""
    real, new = prepare(output, content)
    try:
        refuse_unsafe_files(content)
        refuse_privacy_errors(content)
        print(f"publish: building {content} for {siteurl} into {new}", flush=True)
        build(content, new, settings, extra)
    except PublishError:
        shutil.rmtree(new, ignore_errors=True)
        raise
    check(new, siteurl)
    swap(new, real)
    return sum(1 for p in real.rglob("*") if p.is_file())


def main(argv=None, locked=False):
    """Publish; LOCKED when the caller already holds publish_lock (an upload does)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("-s", "--settings", default=str(ROOT / "publish.conf.py"))
    parser.add_argument("extra", nargs="*", help="more Pelican options, after --")
    args = parser.parse_args(argv)
    output = Path(args.output)
    siteurl = site_address(args.settings)
    problem = siteurl_problem(siteurl)
    if problem:
        print(f"publish: {problem}. Nothing was built or published.", file=sys.stderr)
        return 2
    with contextlib.nullcontext() if locked else publish_lock(output):
        try:
            count = publish(args.content, output, args.settings, siteurl, args.extra)
        except Refused as error:
            print(f"publish: {error}. Nothing was published.", file=sys.stderr)
            return 1
        except PublishError as error:
            print(f"publish: {error}", file=sys.stderr)
            new = Path(f"{os.path.realpath(output)}.new")
            kept = f" (the rejected build is in {new})" if is_marked(new) else ""
            print(f"publish: nothing was published; {output} is unchanged{kept}.", file=sys.stderr)
            return 1
    print(f"publish: {count} files published in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
