"""Speed-ups never change the site: the same content gives byte-identical files with or without."""

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]

from bench.corpus import write_corpus  # noqa: E402
from plugins.yaml_metadata import reader as yaml_reader  # noqa: E402
from tests.sitebuild import FIXTURES, build_site  # noqa: E402

NO_CACHE = {"CACHE_CONTENT": "false", "LOAD_CONTENT_CACHE": "false"}
OFF = {"BUILD_WORKERS": 0, **NO_CACHE}
# Force the pools even for a handful of posts, so that the small fixture exercises them.
ON = {
    **NO_CACHE,
    "BUILD_WORKERS": 2,
    "BUILD_POOL_MIN": 0,
}


# Every file is compared byte for byte, the Pagefind bundle too (plugins/search canonicalises
# the filter files Pagefind writes in hash-map order); the indexed page counts are checked as well.
BUNDLE = "pagefind/"


def _files(folder):
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def _indexed(folder):
    entry = json.loads((Path(folder) / BUNDLE / "pagefind-entry.json").read_text())
    return {lang: info["page_count"] for lang, info in entry["languages"].items()}


def _assert_same_site(expected, actual):
    left, right = _files(expected), _files(actual)
    assert len(left) > 10
    assert any(name.startswith(f"{BUNDLE}filter/") for name in left), "no search filters compared"
    assert sorted(left) == sorted(right), "the two builds wrote different files"
    different = [name for name in left if left[name] != right[name]]
    if different:
        import difflib

        first = different[0]
        diff = difflib.unified_diff(
            left[first].decode("utf-8", "replace").splitlines(),
            right[first].decode("utf-8", "replace").splitlines(),
            lineterm="",
            n=0,
        )
        shown = "\n".join(line[:300] for line in list(diff)[:12])
        raise AssertionError(f"{len(different)} files differ, e.g. {first}:\n{shown}")
    assert _indexed(expected) == _indexed(actual)


def _cache_settings(cache):
    return {
        "CACHE_CONTENT": "true",
        "LOAD_CONTENT_CACHE": "true",
        "CHECK_MODIFIED_METHOD": '"mtime"',
        "CACHE_PATH": json.dumps(str(cache)),
    }


@pytest.mark.slow
def test_fixture_site_is_byte_identical_with_speed_ups_and_caches_off_and_on(tmp_path):
    site = FIXTURES / "site"
    build_site(site, tmp_path / "off", extra_settings=OFF)
    build_site(site, tmp_path / "on", extra_settings=ON)
    _assert_same_site(tmp_path / "off", tmp_path / "on")

    # The devserver's content cache: a cold build that fills it, then a warm one that reads it.
    cache = {**ON, **_cache_settings(tmp_path / "cache")}
    build_site(site, tmp_path / "cold-cache", extra_settings=cache)
    assert any((tmp_path / "cache").iterdir()), "the content cache was not written"
    build_site(site, tmp_path / "warm-cache", extra_settings=cache)
    _assert_same_site(tmp_path / "off", tmp_path / "cold-cache")
    _assert_same_site(tmp_path / "off", tmp_path / "warm-cache")


@pytest.mark.slow
def test_make_html_reuses_its_build_cache_and_writes_the_same_site(tmp_path):
    # pelican.conf.py's own cache settings (search index and memos kept), forced pools.
    site = FIXTURES / "site"
    build_site(site, tmp_path / "off", extra_settings=OFF)
    root = tmp_path / "cache"
    cached = {**ON, "CACHE_CONTENT": "true", "LOAD_CONTENT_CACHE": "true"}
    cached["CACHE_PATH"] = json.dumps(str(root))
    build_site(site, tmp_path / "first", extra_settings=cached)
    kept = list(root.glob("*/*/SearchIndex/*/pagefind-entry.json"))
    assert len(kept) == 1, "the search index was not kept for the next build"
    readers = list(root.glob("*/*/ArticlesGenerator-Readers"))
    assert len(readers) == 1, "the posts read were not kept (or not in one keyed folder)"
    entry = kept[0].parent.stat().st_ino
    # The theme's compiled templates are kept beside the content cache, and loaded next time.
    assert len(list(root.glob(".templates/*.jinja"))) > 10
    build_site(site, tmp_path / "second", extra_settings=cached)
    _assert_same_site(tmp_path / "off", tmp_path / "first")
    _assert_same_site(tmp_path / "off", tmp_path / "second")
    # The same pages: the kept bundle was reused, not made again (that replaces the folder).
    assert list(root.glob("*/*/SearchIndex/*/pagefind-entry.json")) == kept
    assert kept[0].parent.stat().st_ino == entry


@pytest.mark.slow
def test_warm_rebuilds_after_an_edit_or_a_settings_change_match_cold_builds(tmp_path):
    # The themes plugin remembers each post's themes and links in the content cache; an
    # edited post, or a changed detection setting, must never get a remembered answer.
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    cache = {**ON, **_cache_settings(tmp_path / "cache")}
    build_site(content, tmp_path / "first", extra_settings=cache)

    post = sorted((content / "articles").rglob("*.md"))[0]
    text = post.read_text(encoding="utf-8")
    post.write_text(text + "\nA blame culture, and supervision that helps.\n", encoding="utf-8")
    later = post.stat().st_mtime + 10
    os.utime(post, (later, later))
    build_site(content, tmp_path / "warm-edit", extra_settings=cache)
    build_site(content, tmp_path / "cold-edit", extra_settings=OFF)
    _assert_same_site(tmp_path / "cold-edit", tmp_path / "warm-edit")
    first, edited = _files(tmp_path / "first"), _files(tmp_path / "warm-edit")
    assert any(b"supervision that helps" in edited[name] for name in edited)
    assert not any(b"supervision that helps" in first[name] for name in first)

    stricter = {"THEMES_CROSSLINK_CLASS": json.dumps("topic-link"), "THEMES_MAX_THEMES": 1}
    build_site(content, tmp_path / "warm-set", extra_settings={**cache, **stricter})
    build_site(content, tmp_path / "cold-set", extra_settings={**OFF, **stricter})
    _assert_same_site(tmp_path / "cold-set", tmp_path / "warm-set")


@pytest.mark.slow
def test_synthetic_corpus_is_byte_identical_with_the_render_pool(tmp_path):
    # Sixty generated posts: quotes, lists, headings and smart punctuation in every shape.
    corpus = write_corpus(tmp_path / "corpus", 60, seed=7)["yaml"]
    build_site(corpus, tmp_path / "off", extra_settings=OFF)
    build_site(
        corpus,
        tmp_path / "on",
        extra_settings={**NO_CACHE, "BUILD_WORKERS": 2},
    )
    _assert_same_site(tmp_path / "off", tmp_path / "on")


def test_a_post_with_broken_front_matter_still_fails_with_the_readers_error(tmp_path):
    content = tmp_path / "content"
    write_corpus(content / "corpus", 3, seed=2)
    broken = FIXTURES / "broken-invalid-yaml"
    if not broken.is_dir():
        pytest.skip("fixture broken-invalid-yaml is missing")
    bad = next(broken.rglob("*.md"))
    articles = content / "corpus" / "yaml"
    (articles / "articles" / "bad.md").write_bytes(bad.read_bytes())
    slow = build_site(articles, tmp_path / "off", extra_settings=OFF, check=False)
    fast = build_site(articles, tmp_path / "on", extra_settings=ON, check=False)
    assert slow.exit_code != 0 and fast.exit_code != 0
    assert "bad.md" in fast.log


@pytest.mark.parametrize(
    "front",
    [
        "title: x: y",
        "title: [unclosed",
        'title: "open',
        "tags: [a, b\ncategory: News",
        "- a list\n- not a mapping",
    ],
)
def test_fast_yaml_loader_gives_the_same_values_and_errors(front):
    def parse(loader):
        import yaml

        try:
            return ("ok", yaml.load(front, Loader=loader))
        except yaml.YAMLError:
            return ("error",)

    fast, slow = parse(yaml_reader._FastStringDatesLoader), parse(yaml_reader._StringDatesLoader)
    assert fast[0] == slow[0]
    if fast[0] == "ok":
        assert fast == slow
    else:
        with pytest.raises(yaml_reader.FrontMatterError) as error:
            yaml_reader.parse_front_matter(front, "post.md")
        assert "not valid YAML" in str(error.value) or "field: value" in str(error.value)


def test_fast_yaml_loader_reads_the_benchmark_corpus_as_the_python_loader_does(tmp_path):
    import yaml

    write_corpus(tmp_path, 40, seed=5)
    for path in sorted((tmp_path / "yaml").rglob("*.md")):
        front, _, _ = yaml_reader.split_front_matter(path.read_text(encoding="utf-8"))
        fast = yaml.load(front, Loader=yaml_reader._FastStringDatesLoader)
        slow = yaml.load(front, Loader=yaml_reader._StringDatesLoader)
        assert fast == slow
        assert {type(v) for v in fast.values()} == {type(v) for v in slow.values()}


@pytest.mark.slow
def test_a_long_post_split_over_the_build_s_processes_gives_the_same_site(tmp_path, monkeypatch):
    # A post long enough for its Markdown and its detection to be split into runs of
    # paragraphs (plugins/build_speed/pool.py) is built byte for byte as in one process.
    from bench.size import HEAD, long_text
    from plugins.build_speed import pool

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    text, last = long_text(0.8, plain=False)
    (content / "articles" / "long.md").write_text(HEAD + text, encoding="utf-8")
    splits = []
    real = pool._shared

    def counted(function, parts, count):
        splits.append(len(parts))
        return real(function, parts, count)

    monkeypatch.setattr(pool, "_shared", counted)
    monkeypatch.setattr(pool, "SPLIT_MIN", 400_000)  # a smaller post, a quicker test
    # The steps whose work grows with the text count a long post as many (posts_worth):
    # its reading time, key quotes, keywords and checks are worked out beside the build.
    monkeypatch.setattr(pool, "POST_CHARACTERS", 500)
    backgrounds = []

    class Recorded(pool.Background):
        def __init__(self, pid, readable, shared=False):
            caller = sys._getframe(2)  # in_background's caller: the step forked
            backgrounds.append(caller.f_globals["__name__"])
            super().__init__(pid, readable, shared)

    monkeypatch.setattr(pool, "Background", Recorded)
    build_site(content, tmp_path / "off", extra_settings=OFF)
    assert splits == [] and backgrounds == []
    steps = {"content_checks", "reading_time", "topics.generator", "related_posts"}
    build_site(content, tmp_path / "on", extra_settings={**NO_CACHE, "BUILD_WORKERS": 2})
    assert splits == [2 * pool.PARTS_A_WORKER] * 2  # its Markdown, then its detection
    assert {name.removeprefix("plugins.") for name in backgrounds} >= steps
    _assert_same_site(tmp_path / "off", tmp_path / "on")
    assert last in (tmp_path / "on" / "2020" / "03" / "long" / "index.html").read_text()
