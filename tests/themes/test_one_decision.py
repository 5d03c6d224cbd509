"""One theme decision: the build, `make check`, `make themes`, the importer and the devserver
give every post the same themes with the same evidence (plugins/themes/decision.py).

Before, each decided with its own inputs: `make check` ignored THEMES_DETECT, `make themes`
rendered Markdown with other extensions and default options, the importer read plain text
with paragraphs run together, and the devserver suggested themes with a cruder detector.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pelican import Pelican, signals
from pelican.settings import read_settings

from importer.__main__ import theme_tagger
from importer.pipeline import import_sources
from plugins import post_model
from plugins.themes import load_vocabulary
from plugins.themes.decision import PostInput, decide, theme_options
from plugins.themes.detect import shown_phrase
from plugins.themes.settings import DEFAULT_VOCABULARY
from scripts.check_content import check, read_posts, theme_decisions
from scripts.devserver import SavedBuild, themes_lines
from scripts.themes_report import decisions as report_decisions
from scripts.themes_report import main as report_main

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "pelican.conf.py"
FIXTURES = ROOT / "tests" / "fixtures"
# The real blog and the fixture sites with posts of every kind: tagged, untagged, excluded,
# tags that name themes and tags that do not, posts with no theme at all.
TREES = {
    "the real blog": ROOT / "content",
    "themes-crosslinks": FIXTURES / "themes-crosslinks",
    "site": FIXTURES / "site",
    "broken-warnings": FIXTURES / "broken-warnings",
}

pytestmark = pytest.mark.slow


def _build(content, tmp_path, **override):
    """Build CONTENT in this process: (settings, {source path: article as finalized})."""
    settings = read_settings(
        str(CONF),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "CACHE_PATH": str(tmp_path / "cache"),
            **override,
        },
    )
    articles = {}

    def collect(generators):
        for generator in generators:
            if hasattr(generator, "drafts_translations"):
                for article in [*generator.articles, *generator.drafts, *generator.hidden_articles]:
                    articles[article.source_path] = article

    signals.all_generators_finalized.connect(collect)
    try:
        Pelican(settings).run()
    finally:
        signals.all_generators_finalized.disconnect(collect)
    return settings, articles


def _evidence(item):
    """What an author is shown of one theme's evidence, and the figures behind it."""
    return (item.theme.slug, item.score, item.selected, item.reason, item.summary(), item.where())


def _shown(evidence):
    return list(dict.fromkeys(shown_phrase(phrase) for phrase in evidence.counts))


def _chosen(slugs, evidence_for):
    return [(slug, _evidence(evidence_for(slug))) for slug in slugs]


@pytest.fixture(scope="module", params=list(TREES))
def tree(request, tmp_path_factory):
    """One content tree: its build's articles, and every command's decision for each post."""
    content = TREES[request.param]
    tmp_path = tmp_path_factory.mktemp(request.param.replace(" ", "-"))
    settings, built = _build(content, tmp_path)
    vocabulary = load_vocabulary(settings["THEMES_VOCABULARY"])
    _posts, contents, _problems, _count = read_posts(_conf(content))
    checked = {}
    check(content, CONF, read=checked.setdefault("posts", []))
    reported, _ = report_decisions(content, CONF)
    return {
        "content": content,
        "settings": settings,
        "vocabulary": vocabulary,
        "built": built,
        "check": theme_decisions(contents, _conf(content), vocabulary),
        "check posts": {post.path: post for post in checked["posts"]},
        "report": {str(content.resolve() / shown): decision for shown, *_, decision in reported},
    }


def _conf(content):
    return read_settings(str(CONF), override={"PATH": str(Path(content).resolve())})


def test_every_tree_has_posts_of_every_kind(tree):
    sources = {post_model.get(article, "theme_source") for article in tree["built"].values()}
    assert tree["built"] and sources <= {"tags", "detected"}
    if tree["content"] == TREES["themes-crosslinks"]:
        assert sources == {"tags", "detected"}
        assert any(not post_model.get(article, "themes") for article in tree["built"].values())


def test_check_and_report_decide_as_the_build_does(tree):
    assert set(tree["check"]) == set(tree["built"]) == set(tree["report"])
    for path, article in tree["built"].items():
        slugs = [theme.slug for theme in post_model.get(article, "themes")]
        built = _chosen(slugs, post_model.get(article, "theme_evidence").get)
        for command in ("check", "report"):
            decision = tree[command][path]
            assert [t.slug for t in decision.themes] == slugs, (command, path)
            assert decision.source == post_model.get(article, "theme_source"), (command, path)
            assert _chosen(slugs, decision.evidence_for) == built, (command, path)
        # Check and report see the same evidence of every theme, chosen or not.
        assert [_evidence(e) for e in tree["check"][path].evidence] == [
            _evidence(e) for e in tree["report"][path].evidence
        ]


def test_make_check_reports_the_themes_the_build_gives(tree):
    by_title = {
        str(a.title): [t.slug for t in post_model.get(a, "themes")] for a in tree["built"].values()
    }
    for post in tree["check posts"].values():
        if post.kind == "article" and post.title in by_title:
            assert post.themes == by_title[post.title], post.path


def test_the_devserver_reports_the_builds_themes_and_evidence(tree):
    build = SavedBuild(tree["settings"])
    for path, article in tree["built"].items():
        lines = themes_lines(article, build)
        decision = tree["check"][path]
        if decision.themes:
            assert lines[1:] == [
                f"  - {theme.name}: {decision.evidence_for(theme.slug).summary()}; "
                f"{decision.evidence_for(theme.slug).where()}"
                for theme in decision.themes
            ], path
            continue
        near = [e for e in decision.evidence if e.theme.slug not in decision.excluded]
        excluded = set(article.metadata.get("themes_exclude") or ())
        near = [e for e in near if e.theme.slug not in excluded][:3]
        if near:
            assert lines[2:] == [
                f"  - {e.theme.name} (the post mentions: {', '.join(_shown(e)[:5])})" for e in near
            ], path
        else:
            assert "none is close" in lines[1], path


def test_make_themes_prints_the_builds_themes(tree, capsys):
    assert report_main([str(tree["content"]), "-s", str(CONF)]) == 0
    out = capsys.readouterr().out
    for article in tree["built"].values():
        for theme in post_model.get(article, "themes"):
            summary = post_model.get(article, "theme_evidence")[theme.slug].summary()
            assert f"+ {theme.slug:24}" in out and summary in out


def test_the_importer_decides_as_the_build_of_what_it_wrote(tmp_path):
    """The real sources imported, then built: the themes the importer wrote into each post's
    tags, with their evidence, are what the build decides for that post."""
    real = theme_tagger(DEFAULT_VOCABULARY, CONF)
    seen = {}

    def tagger(title, html, tags):
        seen[title] = (PostInput(html=html, title=title, tags=()), list(tags))
        return real(title, html, tags)

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    import_sources(ROOT / "sources", content / "articles", tagger=tagger)
    settings, built = _build(content, tmp_path)
    vocabulary = load_vocabulary(settings["THEMES_VOCABULARY"])
    options = theme_options(settings)
    assert len(built) == len(seen) >= 13
    detected_some = False
    for article in built.values():
        post, labels = seen[str(article.title)]
        imported = decide(post, vocabulary, options)
        slugs = [theme.slug for theme in post_model.get(article, "themes")]
        assert [t.slug for t in imported.themes] == slugs, article.source_path
        assert _chosen(slugs, imported.evidence_for) == _chosen(
            slugs, post_model.get(article, "theme_evidence").get
        ), article.source_path
        assert not labels  # the text sources carry no labels: every theme tag was detected
        detected_some = detected_some or bool(slugs)
    assert detected_some


def test_themes_detect_off_is_honoured_by_every_command(tmp_path):
    """THEMES_DETECT = False: no command detects a theme (make check used to ignore it)."""
    content = TREES["themes-crosslinks"]
    settings, built = _build(content, tmp_path, THEMES_DETECT=False)
    conf = read_settings(
        str(CONF), override={"PATH": str(content.resolve()), "THEMES_DETECT": False}
    )
    vocabulary = load_vocabulary(settings["THEMES_VOCABULARY"])
    _posts, contents, _problems, _count = read_posts(conf)
    checked = theme_decisions(contents, conf, vocabulary)
    untagged = [a for a in built.values() if post_model.get(a, "theme_source") == "detected"]
    assert untagged
    for article in untagged:
        assert post_model.get(article, "themes") == [] and checked[article.source_path].themes == ()
    tagged = [a for a in built.values() if post_model.get(a, "theme_source") == "tags"]
    assert tagged and all(checked[a.source_path].themes for a in tagged)


def test_no_post_keeps_its_topic_linked_html_twice(tree):
    # link_themes takes the linked HTML worked out with the themes into the post's body; kept
    # on the post model as well, it was a second copy of every post's HTML for the whole build.
    built = tree["built"].values()
    assert any(post_model.get(article, "theme_links") for article in built)
    assert [a.source_path for a in built if post_model.get(a, "themes_linked") is not None] == []
