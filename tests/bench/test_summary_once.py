"""Each post's summary cut once a build is Pelican 4.12's own summary, for every page depth.

Pelican's get_summary(siteurl) makes the post's content with links for that site URL and
cuts it; build_speed's SummaryOnce cuts the body once and makes the links in the summary
alone (plugins/build_speed/summary.py). Compared here for every post of the fixture sites
and a synthetic corpus, at the site URLs of every page depth and an absolute one (feeds).
"""

from pathlib import Path

import pytest
from pelican import Pelican, signals
from pelican.contents import Content
from pelican.settings import read_settings

from bench.corpus import write_corpus
from plugins.build_speed.summary import SummaryOnce
from tests.sitebuild import FIXTURES, ROOT

# Pelican's own method, as its memoized wrapper holds it (the posts' attribute shadows it).
PELICANS_GET_SUMMARY = Content.__dict__["get_summary"].func
SITE_URLS = ("", ".", "..", "../..", "../../..", "../../../..", "https://example.org/blog")


def _posts_as_finalized(content, tmp_path, **override):
    """The articles and pages of a build of CONTENT, as they are when pages are written."""
    settings = read_settings(
        str(ROOT / "pelican.conf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "CACHE_PATH": str(tmp_path / "cache"),
            **override,
        },
    )
    posts = []

    def keep(generators):
        for generator in generators:
            for name in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages"):
                posts.extend(getattr(generator, name, None) or ())

    signals.all_generators_finalized.connect(keep)
    try:
        Pelican(settings).run()
    finally:
        signals.all_generators_finalized.disconnect(keep)
    return posts


@pytest.mark.slow
@pytest.mark.parametrize("tree", ["site", "hostile-content", "themes-crosslinks", "corpus"])
def test_a_summary_cut_once_is_pelicans_summary_at_every_depth(tree, tmp_path):
    if tree == "corpus":
        content = write_corpus(tmp_path / "corpus", 80, seed=5)["yaml"]
    else:
        content = FIXTURES / tree
    posts = _posts_as_finalized(Path(content), tmp_path)
    assert len(posts) >= 3
    compared = 0
    for post in posts:
        assert isinstance(post.__dict__.get("get_summary"), SummaryOnce), post.source_path
        for siteurl in SITE_URLS:
            # As the writer sets it for each page (Pelican's summary reads it from there).
            post._context["localsiteurl"] = siteurl
            pelicans = PELICANS_GET_SUMMARY(post, siteurl)
            assert post.summary == pelicans, (post.source_path, siteurl)
            compared += 1
    assert compared >= 3 * len(SITE_URLS)
