"""A rebuild after an edit writes again only the pages the edit changes, and the site it leaves is
byte for byte the site a cold build of the same content writes (plugins/build_speed/pagekeys.py)."""

import os
import shutil
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from plugins.build_speed.pagekeys import PageKeys, TemplateUse
from tests.bench.test_build_speed import OFF, ON, _assert_same_site, _cache_settings
from tests.sitebuild import FIXTURES, build_site

KEEP = {"BUILD_SPEED_KEEP_PAGES": "true"}  # as the devserver builds


def _stamps(folder):
    return {
        path.relative_to(folder).as_posix(): path.stat().st_mtime_ns
        for path in Path(folder).rglob("*.html")
    }


def _save(post, text):
    post.write_text(text, encoding="utf-8")
    later = post.stat().st_mtime + 10
    os.utime(post, (later, later))


def _edit(post, field, line):
    """Replace the front matter line of FIELD with LINE (FIELD None: add LINE to the body)."""
    text = post.read_text(encoding="utf-8")
    if field is None:
        _save(post, f"{text}\n{line}\n")
        return
    lines = text.splitlines()
    index = next(i for i, old in enumerate(lines) if old.startswith(field))
    lines[index] = line
    _save(post, "\n".join(lines) + "\n")


def _content(tmp_path):
    """The fixture site with thirty generated posts beside its own: neighbours, listings of
    several pages, related posts and topic pages all have something to show."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    corpus = write_corpus(tmp_path / "corpus", 30, seed=11)["yaml"]
    shutil.copytree(corpus / "articles", content / "articles", dirs_exist_ok=True)
    return content


@pytest.mark.slow
def test_rebuilds_after_edits_write_only_what_changed_and_match_cold_builds(tmp_path):
    content = _content(tmp_path)
    live, cache = tmp_path / "live", {**ON, **KEEP, **_cache_settings(tmp_path / "cache")}
    build_site(content, live, extra_settings=cache)

    # Nothing saved: every page is kept as the last build wrote it.
    before = _stamps(live)
    build_site(content, live, extra_settings=cache)
    assert _stamps(live) == before, "a rebuild with nothing changed rewrote pages"

    fixture = content / "articles" / "2018" / "no-blame-culture.md"
    generated = sorted(p for p in (content / "articles").rglob("*.md") if "slug:" in p.read_text())
    middle = generated[len(generated) // 2]
    edits = [
        # The body: the post's page, its summary in listings, its search entry, and the
        # themes it is found to be about (topic pages, related posts).
        ("body", fixture, None, "An edited first line about supervision and blame culture."),
        # The title: every page that names it (neighbours, listings, related, feeds); the
        # fixture's post has no slug, so its address changes too.
        ("title", middle, "title:", 'title: "An Edited Title About Risk"'),
        ("title and address", fixture, "title:", "title: No blame, edited"),
        # The date: its place in every listing, its neighbours, its year's archive.
        ("date", middle, "date:", "date: 1999-01-01 10:00"),
        # The tags (themes are tags that name a theme): tag and topic pages, related posts.
        ("tags", fixture, "tags:", "tags: [Supervision, Leadership]"),
    ]
    for number, (what, post, old, new) in enumerate(edits):
        before = _stamps(live)
        _edit(post, old, new)
        build_site(content, live, extra_settings=cache)
        cold = tmp_path / f"cold-{number}"
        build_site(content, cold, extra_settings=OFF)
        _assert_same_site(cold, live)
        after = _stamps(live)
        unchanged = [name for name in after if before.get(name) == after[name]]
        # A changed address may change a link in any post's body: every page is written.
        if what not in ("title and address", "date"):
            assert unchanged, f"after the {what} edit every page was written again"
        rewritten = [name for name in after if before.get(name) != after[name]]
        assert rewritten, f"after the {what} edit no page was written"


@pytest.mark.slow
def test_a_body_edit_rewrites_its_page_and_leaves_unrelated_pages_alone(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    live, cache = tmp_path / "live", {**ON, **KEEP, **_cache_settings(tmp_path / "cache")}
    build_site(content, live, extra_settings=cache)
    before = _stamps(live)
    post = content / "articles" / "2018" / "no-blame-culture.md"
    _save(post, post.read_text(encoding="utf-8") + "\nA sentence added at the end.\n")
    build_site(content, live, extra_settings=cache)
    after = _stamps(live)
    page = "2018/07/no-blame-culture/index.html"
    assert after[page] != before[page]
    assert "A sentence added at the end." in (live / page).read_text(encoding="utf-8")
    # Pages that show nothing of any post are left as they were.
    for other in ("about/index.html", "404.html"):
        assert after[other] == before[other], f"{other} was written again"


@pytest.mark.slow
def test_a_page_whose_file_was_changed_or_removed_is_written_again(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    live, cache = tmp_path / "live", {**ON, **KEEP, **_cache_settings(tmp_path / "cache")}
    build_site(content, live, extra_settings=cache)
    page, gone = live / "2018/07/no-blame-culture/index.html", live / "archives/index.html"
    expected = page.read_bytes()
    page.write_text("edited by hand", encoding="utf-8")
    gone.unlink()
    build_site(content, live, extra_settings=cache)
    assert page.read_bytes() == expected
    assert gone.is_file()


def _use(source, **others):
    import jinja2

    loader = jinja2.DictLoader({"page.html": source, **others})
    return TemplateUse(jinja2.Environment(loader=loader), "page.html")


def test_names_a_template_only_tests_count_by_their_truth_alone():
    use = _use(
        "{% extends 'base.html' %}{% block body %}{{ article.title }}{% endblock %}",
        **{"base.html": "{% if tags and not drafts %}x{% endif %}{% block body %}{% endblock %}"},
    )
    assert use.deep == {"article"}
    assert use.tested == {"tags", "drafts"}
    both = _use("{% if tags %}{{ tags|length }}{% endif %}")
    assert both.deep == {"tags"} and both.tested == set()
    assert _use("{{ a or b }}").deep == {"a", "b"}


def test_a_key_changes_with_what_the_template_reads_and_only_with_that():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.DictLoader({"p.html": "{% if tags %}T{% endif %}{{ item.title }}"})
    )
    template = env.get_template("p.html")

    class Item:
        def __init__(self, title):
            self.title = title

    def key(**context):
        return PageKeys({}).key(template, {"output_file": "p.html", **context})

    base = key(item=Item("A"), tags=[1], other=1)
    assert base == key(item=Item("A"), tags=[2, 3], other=2)  # same truth, unread name
    assert base != key(item=Item("B"), tags=[1], other=1)
    assert base != key(item=Item("A"), tags=[], other=1)
    assert key(item=object()) != key(item=object())  # unknown kind: never the same key
