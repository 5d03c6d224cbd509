"""Build the production site beside output/, check it, and only then swap it in.

Usage: python scripts/publish.py [--content content] [--output output] [-s publish.conf.py]

1. build with Pelican into OUTPUT.new (SITEURL comes from the environment);
2. check OUTPUT.new: every internal link, asset and #anchor resolves, and no draft is in it;
3. exchange OUTPUT and OUTPUT.new in one atomic step (Linux renameat2 RENAME_EXCHANGE; elsewhere
   two renames), then remove the old site, which is now at OUTPUT.new.
A failed build or check leaves OUTPUT exactly as it was, and a kill at any moment leaves either
the old site or the new one at OUTPUT, never neither.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from linkcheck import check_site  # noqa: E402


class PublishError(Exception):
    """The new site was not swapped in; the message says why."""


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


def refuse_privacy_errors(content):
    """Raise PublishError listing every privacy error (plugins/privacy_check) in a post that
    would be published: a postcode, phone number, e-mail address, NHS or NI number, case
    number or street address must never reach the public site."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from privacy_check import publish_blockers

    errors = publish_blockers(content)
    if errors:
        listed = "\n".join(f"  {finding}" for finding in errors)
        raise PublishError(
            f"{len(errors)} privacy error(s): a post would identify someone, so it is not "
            f"published:\n{listed}"
        )


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


def swap(new, output):
    """Put NEW in OUTPUT's place, so OUTPUT is never half-written and never missing."""
    if output.exists() and exchange(new, output):
        # NEW now holds the old site; a kill before this removal is tidied by the next publish.
        shutil.rmtree(new)
        return
    old = output.with_name(output.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if output.exists():
        os.rename(output, old)
    os.rename(new, output)
    if old.exists():
        shutil.rmtree(old)


def publish(content, output, settings, siteurl, extra=()):
    """Build, check and swap in the production site; return the number of files published."""
    output = Path(output).resolve()
    new = output.with_name(output.name + ".new")
    old = output.with_name(output.name + ".old")
    if old.exists() and not output.exists():
        os.rename(old, output)  # a swap was interrupted last time: put the old site back
    if new.exists():
        shutil.rmtree(new)
    refuse_privacy_errors(content)
    try:
        build(content, new, settings, extra)
    except PublishError:
        shutil.rmtree(new, ignore_errors=True)
        raise
    check(new, siteurl)
    swap(new, output)
    return sum(1 for p in output.rglob("*") if p.is_file())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("-s", "--settings", default=str(ROOT / "publish.conf.py"))
    parser.add_argument("extra", nargs="*", help="more Pelican options, after --")
    args = parser.parse_args(argv)
    siteurl = os.environ.get("SITEURL", "")
    output = Path(args.output)
    print(f"publish: building {args.content} for {siteurl or '(no SITEURL)'} into {output}.new")
    try:
        count = publish(args.content, output, args.settings, siteurl, args.extra)
    except PublishError as error:
        print(f"publish: {error}", file=sys.stderr)
        kept = (
            " (the rejected build is in " + f"{output}.new)"
            if Path(f"{output}.new").exists()
            else ""
        )
        print(f"publish: nothing was published; {output} is unchanged{kept}.", file=sys.stderr)
        return 1
    print(f"publish: {count} files published in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
