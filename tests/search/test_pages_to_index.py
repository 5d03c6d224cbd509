"""pages_to_index walks the site with os.scandir: the same pages, fingerprints and order as the
pathlib walk it replaced (kept here as the reference)."""

import os
from pathlib import Path

import pytest

from plugins.build_speed.keys import key
from plugins.search.index import _MARK, _NOINDEX, html_files, pages_to_index

MARKED = "<html><head><title>{0}</title></head><body><main data-pagefind-body>{0}</main></body>"
HIDDEN = (
    '<html><head><meta name="robots" content="noindex,follow"><title>{0}</title></head>'
    "<body><main data-pagefind-body>{0}</main></body>"
)
LISTING = "<html><head><title>{0}</title></head><body>{0}</body></html>"


def former_pages_to_index(site, bundle_dir):
    """pages_to_index before the scandir walk (sorted rglob, every page fingerprinted)."""
    pages, marked = {}, {}
    for path in sorted(Path(site).rglob("*.html")):
        relative = path.relative_to(site)
        if relative.parts[0] != bundle_dir and path.is_file():
            data = path.read_bytes()
            if not _NOINDEX.search(data, 0, data.find(b"</head>") + 1 or len(data)):
                name, fingerprint = relative.as_posix(), key(data)
                pages[name] = fingerprint
                if _MARK in data:
                    marked[name] = fingerprint
    return marked or pages


def write(site, name, text):
    path = Path(site) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def awkward_site(site, marked=True):
    """Names whose order by path parts is not their order as text, hidden and unmarked pages,
    a folder named like a page, links to a file and to a folder, the bundle's own pages."""
    page = MARKED if marked else LISTING
    for name in [
        "a/b.html",
        "a-b/c.html",
        "a.b/index.html",
        "2020/01/post/index.html",
        "2020/01/post-2/index.html",
        "2020/1/x.html",
        "Z/index.html",
        "z/index.html",
        ".hidden.html",
        "deep/er/and/deeper/index.html",
        "pagefind-notes/index.html",
        "ünïcode/index.html",
    ]:
        write(site, name, page.format(name))
    write(site, "2020/01/hidden/index.html", HIDDEN.format("hidden"))
    write(site, "tags/index.html", LISTING.format("tags"))
    write(site, "feeds/all.xml", MARKED.format("not html"))
    write(site, "pagefind/fragment/x.html", MARKED.format("bundle"))
    write(site, "folder.html/inner.html", page.format("inside a folder named .html"))
    os.symlink(Path(site) / "a" / "b.html", Path(site) / "linked.html")
    os.symlink(Path(site) / "deep", Path(site) / "linked-folder")
    os.symlink(Path(site) / "missing.html", Path(site) / "dangling.html")


@pytest.mark.parametrize("marked", [True, False])
def test_the_pages_and_their_order_are_the_former_walk_s(tmp_path, marked):
    site = tmp_path / "site"
    awkward_site(site, marked)
    found = pages_to_index(site, "pagefind")
    assert list(found.items()) == list(former_pages_to_index(site, "pagefind").items())
    assert "linked.html" in found and not any(n.startswith("linked-folder/") for n in found)
    assert "2020/01/hidden/index.html" not in found
    assert ("tags/index.html" in found) is not marked, "listings only when nothing is marked"


def test_html_files_is_the_sorted_rglob(tmp_path):
    site = tmp_path / "site"
    awkward_site(site)
    expected = [p.relative_to(site).parts for p in sorted(site.rglob("*.html")) if p.is_file()]
    assert html_files(site) == expected
