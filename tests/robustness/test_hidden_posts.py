"""Hidden posts (`status: hidden`) are built but not findable: not listed, and not in the
site's search index or search engines' either."""

from __future__ import annotations

import gzip
import shutil

import pytest
from bs4 import BeautifulSoup
from robust_helpers import ROOT, build_site

from plugins.search.index import pages_to_index

POST = (
    "---\ntitle: {title}\ndate: 2020-03-0{day} 12:00\ncategory: Reflections\n{extra}---\n{body}\n"
)
SECRET_WORD = "Quillabarrow"


def _page(title, marked=True, noindex=False):
    meta = '<meta name="robots" content="noindex">' if noindex else ""
    mark = " data-pagefind-body" if marked else ""
    head = f"<head>{meta}<title>{title}</title></head>"
    return f"<html>{head}<body><main{mark}>{title}</main></body></html>"


@pytest.mark.parametrize("marked", [True, False])
def test_pages_marked_noindex_are_never_given_to_the_indexer(tmp_path, marked):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "index.html").write_text(_page("Shown", marked))
    (tmp_path / "b" / "index.html").write_text(_page("Hidden", False, noindex=True))
    (tmp_path / "search.html").write_text(
        '<html><head><meta name="robots" content="noindex, follow"></head><body>x</body></html>'
    )
    assert sorted(pages_to_index(tmp_path, "pagefind")) == ["a/index.html"]


def _fragments_text(site):
    texts = []
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())  # Pagefind writes its fragments gzipped
        texts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(texts)


@pytest.mark.slow
def test_a_hidden_post_is_built_but_not_in_the_search_index(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", content / "pages")
    articles = content / "articles" / "2020"
    articles.mkdir(parents=True)
    (articles / "shown.md").write_text(
        POST.format(title="Shown post", day=1, extra="", body="Supervision matters Zephyrine.")
    )
    (articles / "hidden.md").write_text(
        POST.format(
            title=f"Hidden {SECRET_WORD}",
            day=2,
            extra="status: hidden\n",
            body=f"The word {SECRET_WORD} is only here, about supervision.",
        )
    )
    site = tmp_path / "out"
    build_site(content, site)
    hidden = site / "2020" / "03" / f"hidden-{SECRET_WORD.lower()}" / "index.html"
    soup = BeautifulSoup(hidden.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.find(attrs={"data-pagefind-body": True}) is None
    index = _fragments_text(site)
    assert "Zephyrine" in index  # the index is readable, and holds the shown post
    assert SECRET_WORD not in index
    shown = (site / "2020" / "03" / "shown-post" / "index.html").read_text(encoding="utf-8")
    assert 'name="robots"' not in shown
