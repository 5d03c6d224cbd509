"""The one incremental layer: one memo, one keyed cache folder, one worker setting, pages
announced in the main process, the plugin order checked at start."""

import gzip
import json
import pickle
import textwrap
from pathlib import Path

import jinja2
import pytest
from pelican import signals

from plugins.build_speed import (
    ORDER,
    ParallelWriter,
    PluginOrderError,
    cache_folder,
    check_order,
    code_fingerprint,
)
from plugins.build_speed.cache import package_versions
from plugins.build_speed.memo import BuildMemo, FolderMemo, folder_memo_for, memo_for
from plugins.build_speed.pool import pooled
from plugins.build_speed.settings import BuildSettingsError, check_settings
from tests.sitebuild import FIXTURES, ROOT, build_site, run_pelican

PLUGINS = [
    "plugins.themes",
    "plugins.topics",
    "plugins.search",
    "plugins.build_speed",
    "plugins.stale_output",
]


# --- the plugin order, declared as data and checked at start ---------------------------------


def test_the_projects_plugin_order_passes_the_check():
    from pelican.settings import read_settings

    check_order(read_settings(str(ROOT / "pelican.conf.py"))["PLUGINS"])
    check_order(PLUGINS)


@pytest.mark.parametrize(
    ("plugins", "fix"),
    [
        (
            ["plugins.build_speed", "plugins.topics", "plugins.stale_output"],
            "Fix: move 'plugins.build_speed' after 'plugins.topics' in PLUGINS",
        ),
        (
            ["plugins.topics", "plugins.stale_output", "plugins.build_speed"],
            "Fix: move 'plugins.build_speed' before 'plugins.stale_output' in PLUGINS",
        ),
    ],
)
def test_a_plugin_order_the_writer_cannot_work_with_is_refused_naming_the_fix(plugins, fix):
    with pytest.raises(PluginOrderError) as raised:
        check_order(plugins)
    assert fix in str(raised.value) and "\n" not in str(raised.value)
    assert raised.value.problem and raised.value.fix  # an author error: problem, then fix


def test_plugins_the_order_does_not_name_or_that_are_absent_are_fine():
    check_order(["plugins.build_speed"])
    check_order(["somebody.else", "plugins.build_speed", "plugins.yaml_metadata"])
    assert set(ORDER) == {"after", "before"}


def _conf(tmp_path, extra):
    """A settings file: the project's own, then EXTRA (Python source)."""
    conf = tmp_path / "probe.conf.py"
    conf.write_text(
        "import runpy\n"
        f"_base = runpy.run_path({str(ROOT / 'pelican.conf.py')!r})\n"
        "globals().update({k: v for k, v in _base.items() if k.isupper()})\n"
        + textwrap.dedent(extra),
        encoding="utf-8",
    )
    return conf


def test_a_build_with_the_writer_before_a_plugin_whose_pages_it_writes_stops_in_one_line(
    tmp_path,
):
    conf = _conf(
        tmp_path,
        """
        PLUGINS = [p for p in PLUGINS if p != "plugins.build_speed"]
        PLUGINS.insert(PLUGINS.index("plugins.topics"), "plugins.build_speed")
        """,
    )
    # The console of the pelican command itself: one line, no traceback.
    process = run_pelican(FIXTURES / "site", tmp_path / "out", conf=str(conf), env=_wide())
    assert process.returncode != 0
    said = [line for line in (process.stdout + process.stderr).splitlines() if line.strip()]
    assert len(said) == 1, said
    assert "Fix: move 'plugins.build_speed' after 'plugins.topics' in PLUGINS" in said[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


def _wide():
    import os

    return {**os.environ, "COLUMNS": "1000"}


# --- pages written in worker processes are announced in the main process ---------------------

PROBE = '''
"""Collects every page Pelican says it wrote (as pelican-plugins' sitemap does)."""
import json, os
from pelican import signals

_seen = []


def written(path, context):
    _seen.append((os.getpid(), path, context.get("output_file"), context.get("page_name")))


def finished(pelican):
    with open(pelican.settings["PROBE_FILE"], "w") as handle:
        json.dump({"main": os.getpid(), "seen": _seen}, handle)


def register():
    signals.content_written.connect(written)
    signals.finalized.connect(finished)
'''


def _probe_build(tmp_path, name, workers):
    extra = tmp_path / "extra"
    extra.mkdir(exist_ok=True)
    (extra / "probe_written.py").write_text(PROBE, encoding="utf-8")
    conf = _conf(
        tmp_path,
        f"""
        PLUGIN_PATHS = [{str(extra)!r}]
        PLUGINS = [*PLUGINS, "probe_written"]
        PROBE_FILE = {str(tmp_path / (name + ".json"))!r}
        CACHE_CONTENT = False
        LOAD_CONTENT_CACHE = False
        BUILD_WORKERS = {workers}
        BUILD_POOL_MIN = 0
        """,
    )
    output = tmp_path / name
    # A process per build: the probe module (and what it heard) lives and dies with it.
    process = run_pelican(FIXTURES / "site", output, conf=str(conf))
    assert process.returncode == 0, process.stdout + process.stderr
    report = json.loads((tmp_path / (name + ".json")).read_text(encoding="utf-8"))
    return output, report


@pytest.mark.slow
def test_a_content_written_listener_in_the_main_process_hears_every_page(tmp_path):
    one_output, one = _probe_build(tmp_path, "one", 1)
    two_output, two = _probe_build(tmp_path, "two", 2)
    # What each listener heard, in the main process (its own pid), relative to its output.
    heard = {}
    for output, report in ((one_output, one), (two_output, two)):
        assert {pid for pid, *_ in report["seen"]} == {report["main"]}
        heard[output] = sorted(
            (str(Path(path).relative_to(output)), page_file, page)
            for _pid, path, page_file, page in report["seen"]
        )
    one_heard, two_heard = heard[one_output], heard[two_output]
    assert one_heard == two_heard
    # Every page of the build: each article, listing, topic and the search page, once each.
    names = [name for name, _, _ in two_heard]
    assert len(names) == len(set(names))
    pages = {
        str(p.relative_to(two_output))
        for p in two_output.rglob("*.html")
        if p.relative_to(two_output).parts[0] != "pagefind"
    }
    assert pages - set(names) <= {name for name in pages if "feeds" in name}, (
        "pages written without a content_written in the main process"
    )
    assert any(name.startswith("topics/") for name in names)
    assert "search/index.html" in names


@pytest.mark.slow
def test_pelican_plugins_sitemap_lists_the_pages_every_process_wrote(tmp_path, pelican_sitemap):
    import os

    sitemaps = {}
    for workers in (1, 2):
        conf = _conf(
            tmp_path,
            f"""
            PLUGINS = [*PLUGINS, "pelican.plugins.sitemap"]
            SITEMAP = {{"format": "txt"}}
            CACHE_CONTENT = False
            LOAD_CONTENT_CACHE = False
            BUILD_WORKERS = {workers}
            BUILD_POOL_MIN = 0
            """,
        )
        output = tmp_path / f"out-{workers}"
        env = {**os.environ, "PYTHONPATH": str(pelican_sitemap)}
        # PYTHONPATH reaches only a new process: the pelican command.
        process = run_pelican(FIXTURES / "site", output, conf=str(conf), env=env)
        assert process.returncode == 0, process.stdout + process.stderr
        sitemaps[workers] = (output / "sitemap.txt").read_text(encoding="utf-8").split()
    assert sitemaps[2] == sitemaps[1]
    written = tmp_path / "out-2"
    articles = [
        p.parent.relative_to(written).as_posix() for p in written.glob("20*/*/*/index.html")
    ]
    assert articles
    for article in articles:
        assert any(line.endswith(f"{article}/") for line in sitemaps[2]), article


def test_announcing_a_childs_pages_renders_and_writes_nothing(tmp_path):
    # Pelican 4.12's Writer: write_file opens each page through _open_w; the announcement
    # replays write_file with a template that renders nothing and a file that keeps nothing.
    heard = []

    def listen(path, context):
        heard.append((path, context["title"], context["output_file"]))

    signals.content_written.connect(listen)
    try:
        settings = {"RELATIVE_URLS": True, "PAGINATED_TEMPLATES": {}, "DEFAULT_PAGINATION": False}
        writer = ParallelWriter(str(tmp_path), settings=settings)
        template = jinja2.Environment().from_string("<p>{{ title }}</p>")
        context = {"localsiteurl": "", "SITEURL": ""}
        names = [f"p{n}/index.html" for n in range(6)]
        for name in names:
            writer.write_file(name, template, context, title=name.upper())
        writer.write_out(2)
    finally:
        signals.content_written.disconnect(listen)
    assert sorted(heard) == sorted(
        (str(tmp_path / name), name.upper(), name) for name in names
    )  # each page once: the parent's as written, the child's as announced
    for name in names:
        assert (tmp_path / name).read_text() == f"<p>{name.upper()}</p>"
    assert context["localsiteurl"] == "", "announcing left the context pointing at a page"


# --- one worker setting for every pool ---------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("BUILD_SPEED_WORKERS", "BUILD_WORKERS"),
        ("THEMES_WORKERS", "BUILD_WORKERS"),
        ("BUILD_SPEED_MIN_FILES", "BUILD_POOL_MIN"),
        ("THEMES_POOL_MIN", "BUILD_POOL_MIN"),
    ],
)
def test_a_retired_worker_setting_is_refused_naming_the_one_to_use(old, new):
    with pytest.raises(BuildSettingsError, match=f"use {new} instead"):
        check_settings({old: 2})


def test_one_setting_sizes_the_pool_and_one_process_means_no_pool():
    assert check_settings({})["BUILD_WORKERS"] >= 1
    with pytest.raises(BuildSettingsError, match="BUILD_WORKERS = -1 is less than 0"):
        check_settings({"BUILD_WORKERS": -1})
    base = 10

    def work(number):
        return number + base  # a closure: the workers get it by fork, never by pickle

    items = list(range(50))
    assert pooled({"BUILD_WORKERS": 2, "BUILD_POOL_MIN": 0}, work, items, 40) == [
        n + 10 for n in items
    ]
    assert pooled({"BUILD_WORKERS": 1, "BUILD_POOL_MIN": 0}, work, items, 40) is None
    assert pooled({"BUILD_WORKERS": 2}, work, items[:39], 40) is None  # the measured size
    assert pooled({"BUILD_WORKERS": 2, "BUILD_POOL_MIN": 60}, work, items, 40) is None


def test_every_pool_of_the_build_is_the_one_pool(tmp_path, monkeypatch):
    # Themes and the privacy check ask the one pool helper, so one setting sizes both.
    import sys

    from plugins.build_speed import pool
    from plugins.privacy_check import check_files
    from plugins.themes import batch

    scan = sys.modules["plugins.privacy_check.scan"]

    asked = []
    real = pool.pooled

    def spy(settings, function, items, measured, **kwargs):
        asked.append(measured)
        return real(settings, function, items, measured, **kwargs)

    for module in (batch, scan):
        monkeypatch.setattr(module, "pooled", spy)
    from plugins.themes import load_vocabulary
    from plugins.themes.settings import DEFAULTS, detection_options

    vocabulary = load_vocabulary(ROOT / "content" / "themes.yaml")
    job = batch.Job(html="<p>A blame culture.</p>", title="Blame", tags=(), exclude=())
    settings = {"BUILD_WORKERS": 2, "BUILD_POOL_MIN": 0}
    answers = batch.answer_all([job, job], vocabulary, detection_options(DEFAULTS), None, settings)
    assert all(answer is not None for answer in answers)
    posts = sorted((FIXTURES / "site" / "articles").rglob("*.md"))
    check_files(posts, pool_min=1)
    assert asked == [batch.POOL_MIN, 1]


# --- one memo; its folder results; GZIP_CACHE as Pelican's own cache files ---------------------


def _settings(tmp_path, **more):
    return {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": str(tmp_path),
        "PLUGINS": ["plugins.build_speed"],
        **more,
    }


def test_the_memo_compresses_its_file_when_pelican_compresses_its_own(tmp_path):
    for gzip_cache in (True, False):
        memo = memo_for(_settings(tmp_path, GZIP_CACHE=gzip_cache), f"Demo{gzip_cache}")
        memo.get(memo.key("a"), lambda: "worked out")
        memo.save()
        data = (tmp_path / f"Demo{gzip_cache}").read_bytes()
        assert data.startswith(b"\x1f\x8b") == gzip_cache
        # The file is a run of pickled (key, result) pairs: here one.
        loaded = pickle.loads(gzip.decompress(data) if gzip_cache else data)
        assert loaded == (memo.key("a"), "worked out")


def test_find_and_keep_let_a_client_work_out_the_misses_itself(tmp_path):
    first = BuildMemo(_settings(tmp_path), "Answers")
    assert first.find(b"k1") is None
    first.keep(b"k1", "one")
    first.save()
    second = BuildMemo(_settings(tmp_path), "Answers")
    assert second.find(b"k1") == "one" and second.find(b"k2", "none") == "none"
    second.save()  # only k1 was used: the file is not rewritten
    assert BuildMemo(_settings(tmp_path), "Answers").kept == {b"k1": "one"}


def test_a_folder_result_is_reused_for_its_key_and_replaced_for_another(tmp_path):
    import shutil

    assert folder_memo_for(_settings(tmp_path, CACHE_CONTENT=False), "Bundle") is None
    assert folder_memo_for({**_settings(tmp_path), "PLUGINS": []}, "Bundle") is None
    memo = folder_memo_for(_settings(tmp_path), "Bundle")
    assert isinstance(memo, FolderMemo) and memo.folder == tmp_path / "Bundle"
    made = tmp_path / "made"
    made.mkdir()
    (made / "index.json").write_text("1")
    memo.keep("k1", made, shutil.copyfile)
    assert memo.restore("k1", tmp_path / "back", shutil.copyfile)
    assert (tmp_path / "back" / "index.json").read_text() == "1"
    assert not memo.restore("k2", tmp_path / "other", shutil.copyfile)
    memo.keep("k2", made, shutil.copyfile)
    assert sorted(p.name for p in memo.folder.iterdir()) == ["k2"]


# --- the cache folder's key ---------------------------------------------------------------------


def test_the_cache_key_covers_the_packages_that_shape_a_cached_result(tmp_path):
    names = [name for name, _version in package_versions()]
    for name in ("pelican", "python", "markdown", "yaml", "bs4", "pagefind"):
        assert name in names
    settings = {"PATH": str(tmp_path)}
    versions = package_versions()
    same = code_fingerprint(settings, [], versions)
    assert code_fingerprint(settings, [], list(versions)) == same
    for index, (name, version) in enumerate(versions):
        upgraded = list(versions)
        upgraded[index] = (name, f"{version}-upgraded")
        assert code_fingerprint(settings, [], upgraded) != same, name


def test_builds_with_their_own_cache_path_never_evict_each_other(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    one = cache_folder(tmp_path / "one", {"PATH": str(content), "MARKDOWN": {"a": 1}})
    one.mkdir(parents=True)
    other = cache_folder(tmp_path / "two", {"PATH": str(content), "MARKDOWN": {"a": 2}})
    assert other != one and one.is_dir()


def test_pelicans_generator_cache_layer_is_refused_naming_the_fix(tmp_path):
    process = run_pelican(
        FIXTURES / "site",
        tmp_path / "out",
        extra_settings={"CONTENT_CACHING_LAYER": '"generator"'},
        env=_wide(),
    )
    said = [line for line in (process.stdout + process.stderr).splitlines() if line.strip()]
    assert process.returncode != 0 and len(said) == 1, said
    assert "Fix: set CONTENT_CACHING_LAYER = 'reader'" in said[0]


@pytest.mark.slow
def test_pelicans_content_cache_keeps_posts_as_read_without_plugin_state(tmp_path):
    cache = tmp_path / "cache"
    settings = {
        "CACHE_CONTENT": "true",
        "LOAD_CONTENT_CACHE": "true",
        "CACHE_PATH": json.dumps(str(cache)),
        "GZIP_CACHE": "false",
    }
    build_site(FIXTURES / "site", tmp_path / "out", extra_settings=settings)
    [readers] = cache.glob("*/*/ArticlesGenerator-Readers")
    kept = pickle.loads(readers.read_bytes())
    assert kept
    for _stamp, (html, metadata) in kept.values():
        assert 'class="theme-link"' not in html  # cross-links are added after reading
        assert not {"themes", "theme_evidence", "related", "reading_time"} & set(metadata)


# --- the Pelican internals the layer still uses, pinned to Pelican 4.12 ------------------------


def test_the_pelican_4_12_internals_the_build_layer_relies_on(tmp_path):
    # Each private name below is used by plugins/build_speed (and _written_files also by
    # plugins/stale_output); a Pelican upgrade that changes one fails here, by name.
    import pelican
    from pelican.cache import FileDataCacher
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG
    from pelican.writers import Writer

    assert pelican.__version__.startswith("4.12."), "re-check the names below, then re-pin"
    # writer.py: a child's written files join the parent's records; _open_w opens each page.
    writer = Writer(str(tmp_path), settings={"RELATIVE_URLS": False})
    assert writer._written_files == set() and writer._overridden_files == set()
    page = str(tmp_path / "a.html")
    with writer._open_w(page, "utf-8") as handle:
        handle.write("x")
    assert writer._written_files == {page}
    # __init__.freeze_urls: Content.url reads override_url first.
    settings = {**DEFAULT_CONFIG, "ARTICLE_URL": "{slug}/"}
    article = Article("<p>x</p>", metadata={"title": "T", "slug": "t"}, settings=settings)
    assert article.url == "t/"
    article.override_url = "frozen/"
    assert article.url == "frozen/"
    # ... and Content.save_as reads override_save_as first.
    assert article.save_as == "t.html"
    article.override_save_as = "frozen/index.html"
    assert article.save_as == "frozen/index.html"
    # cache.guard_pelican_cache: FileDataCacher's constructor and the fields it reads.
    cacher = FileDataCacher({**settings, "CACHE_PATH": str(tmp_path)}, "Demo", True, False)
    assert cacher._cache_path == str(tmp_path / "Demo") and cacher._cache == {}
    assert callable(cacher._cache_open)
