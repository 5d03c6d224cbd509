"""Check every internal link, asset and #anchor in a built site; list the broken ones.

Usage: python scripts/linkcheck.py OUTPUT [--siteurl https://blog.example.org]
Exit 1 when anything is broken. `make publish` runs this before it swaps the new site in.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

# (tag, attribute) pairs whose value is a URL the browser fetches or follows.
_URL_ATTRIBUTES = (
    ("a", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("source", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("iframe", "src"),
)
_SRCSET = (("img", "srcset"), ("source", "srcset"))
_ATTRIBUTES_BY_TAG = {}
for _tag, _attribute in (*_URL_ATTRIBUTES, *_SRCSET):
    _ATTRIBUTES_BY_TAG.setdefault(_tag, []).append(_attribute)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
_SKIP_SCHEMES = ("mailto", "tel", "javascript", "data", "sms")
_SKIP_REL = {"preconnect", "dns-prefetch", "canonical"}


@dataclass(frozen=True)
class BrokenLink:
    """A link in FILE (relative to the output folder) that leads nowhere, and why."""

    file: str
    link: str
    reason: str

    def __str__(self):
        return f"{self.file}: {self.link} ({self.reason})"


class _Site:
    """The built files, with the ids of each HTML page read once."""

    def __init__(self, root):
        self.root = Path(root)
        self._ids = {}

    def ids(self, relpath):
        if relpath not in self._ids:
            tree = lxml.html.parse(str(self.root / relpath))
            found = set(tree.xpath("//@id")) | set(tree.xpath("//a/@name"))
            self._ids[relpath] = found
        return self._ids[relpath]


def _site_path(siteurl):
    return urlsplit(siteurl).path.rstrip("/") if siteurl else ""


def resolve(link, page, siteurl=""):
    """(output-relative path, fragment) LINK leads to from PAGE, or None for other sites."""
    parts = urlsplit(link.strip())
    if parts.scheme in _SKIP_SCHEMES:
        return None
    if parts.scheme or parts.netloc:
        if not siteurl:
            return None
        site = urlsplit(siteurl)
        if (parts.netloc or site.netloc) != site.netloc:
            return None
        path = parts.path or "/"
    else:
        path = parts.path
    path = unquote(path)
    if path.startswith("/"):
        prefix = _site_path(siteurl)
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :]
        target = posixpath.normpath(path.lstrip("/") or ".")
    elif path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    else:
        target = page
    if path.endswith("/"):
        target = posixpath.join(target, "index.html") if target != "." else "index.html"
    return target, parts.fragment


def _links_in_html(path):
    """The URLs in one HTML file, in document order."""
    tree = lxml.html.parse(str(path))
    for element in tree.iter(*_ATTRIBUTES_BY_TAG):
        if element.tag == "link" and _SKIP_REL & set((element.get("rel") or "").lower().split()):
            continue
        for attribute in _ATTRIBUTES_BY_TAG[element.tag]:
            value = element.get(attribute)
            if value is None:
                continue
            if attribute == "srcset":
                yield from (c.split()[0] for c in value.split(",") if c.strip())
            else:
                yield value


def check_site(root, siteurl=""):
    """Every broken internal link, asset or anchor in the site at ROOT."""
    root = Path(root)
    site = _Site(root)
    broken = []
    files = sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        page = path.relative_to(root).as_posix()
        if path.suffix == ".html":
            links = list(_links_in_html(path))
        elif path.suffix == ".css":
            links = _CSS_URL.findall(path.read_text(encoding="utf-8", errors="replace"))
        else:
            continue
        for link in links:
            if link.startswith("{") or "|filename|" in link:
                broken.append(BrokenLink(page, link, "a {filename} link Pelican could not resolve"))
                continue
            where = resolve(link, page, siteurl)
            if where is None:
                continue
            target, fragment = where
            full = root / target
            if target.startswith("..") or not os.path.exists(full):
                broken.append(BrokenLink(page, link, f"no file {target} in the site"))
                continue
            if full.is_dir():
                if not (full / "index.html").exists():
                    broken.append(BrokenLink(page, link, f"folder {target} has no index.html"))
                    continue
                target = posixpath.join(target, "index.html")
            if fragment and target.endswith(".html") and fragment not in site.ids(target):
                broken.append(BrokenLink(page, link, f"no id '{fragment}' in {target}"))
    return broken


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--siteurl", default=os.environ.get("SITEURL", ""))
    args = parser.parse_args(argv)
    broken = check_site(args.output, args.siteurl)
    for item in broken:
        print(item)
    print(f"{len(broken)} broken internal link(s) in {args.output}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
