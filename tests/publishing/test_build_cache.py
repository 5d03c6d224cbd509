"""A build cache that cannot be read (a full disk during its save) is discarded, never fatal."""

import json
import pickle
import shutil

import pytest
from publishing_helpers import FIXTURES, tree_hashes

from plugins.build_speed.cache import cache_file_problem, load_cache
from tests.sitebuild import build_site

# What Pelican's reader cache and our plugins keep (a build of the site fixture writes each).
PELICAN_FILES = ["ArticlesGenerator-Readers", "PagesGenerator-Readers"]
PLUGIN_FILES = ["ReadingTime", "RelatedPosts", "ThemesAnswers", "TopicQuotes", "Glossary"]


def _build(content, output, cache, gzip=False):
    settings = {"CACHE_PATH": json.dumps(str(cache)), "GZIP_CACHE": json.dumps(gzip)}
    return build_site(content, output, extra_settings=settings, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(content, hashes of a clean build with no cache at all, the cache that build left)."""
    folder = tmp_path_factory.mktemp("cache-site")
    content = folder / "content"
    shutil.copytree(FIXTURES / "site", content)
    process = _build(content, folder / "clean", folder / "cache")
    assert process.exit_code == 0, _output(process)
    return content, tree_hashes(folder / "clean"), folder / "cache"


def _warm_cache(site, tmp_path):
    """A copy of the cache a build of SITE left (its folder is keyed by content, not place)."""
    cache = tmp_path / "cache"
    shutil.copytree(site[2], cache)
    return cache


def _cache_files(cache):
    """{name: path} of the files the build keeps in its cache folder."""
    return {p.name: p for p in cache.glob("*/*/*") if p.is_file() and p.name != "source.txt"}


def _damage(data, how):
    if how == "empty":
        return b""
    if how == "cut short":
        return data[: len(data) // 2]
    if how == "not a pickle":
        return b"\x00\x01 written by something else\n"
    if how == "damaged inside":
        return data[:3] + bytes(255 - b for b in data[3:-1]) + data[-1:]
    return pickle.dumps(["a", "list"], protocol=pickle.HIGHEST_PROTOCOL)  # "wrong kind"


def _output(process):
    return process.log


@pytest.mark.parametrize(
    "how", ["empty", "cut short", "not a pickle", "damaged inside", "wrong kind"]
)
def test_every_damaged_cache_file_is_discarded_and_the_site_is_the_clean_one(site, tmp_path, how):
    content, clean, _kept = site
    cache = _warm_cache(site, tmp_path)
    files = _cache_files(cache)
    assert sorted(files) == sorted(PELICAN_FILES + PLUGIN_FILES)
    for path in files.values():
        path.write_bytes(_damage(path.read_bytes(), how))
    process = _build(content, tmp_path / "second", cache)
    text = _output(process)
    assert process.exit_code == 0, text
    assert "Traceback" not in text and "EOFError" not in text
    notes = [line for line in text.splitlines() if "Build cache" in line]
    assert notes and all("discarded; this build works it out afresh." in n for n in notes)
    for name in PELICAN_FILES + PLUGIN_FILES[:2] + PLUGIN_FILES[3:]:
        assert any(name in note for note in notes), (name, notes)
    assert tree_hashes(tmp_path / "second") == clean
    # The damaged files were replaced by good ones: the next build says nothing about them.
    third = _build(content, tmp_path / "third", cache)
    assert third.exit_code == 0 and "Build cache" not in _output(third), _output(third)
    assert tree_hashes(tmp_path / "third") == clean


@pytest.mark.parametrize("name", PELICAN_FILES + PLUGIN_FILES)
def test_one_empty_cache_file_is_named_in_one_line(site, tmp_path, name):
    content, clean, _kept = site
    cache = _warm_cache(site, tmp_path)
    path = _cache_files(cache)[name]
    path.write_bytes(b"")  # what a full disk leaves
    process = _build(content, tmp_path / "second", cache)
    assert process.exit_code == 0, _output(process)
    notes = [line for line in _output(process).splitlines() if "Build cache" in line]
    assert len(notes) == 1, notes
    assert f"{name}: it is empty, as a full disk leaves it" in notes[0]
    assert tree_hashes(tmp_path / "second") == clean


def test_a_compressed_cache_cut_short_is_discarded(site, tmp_path):
    content, clean, _kept = site
    cache = tmp_path / "cache"
    assert _build(content, tmp_path / "first", cache, gzip=True).exit_code == 0
    files = _cache_files(cache)
    for name in PELICAN_FILES:
        files[name].write_bytes(files[name].read_bytes()[:40])
    process = _build(content, tmp_path / "second", cache, gzip=True)
    assert process.exit_code == 0, _output(process)
    assert "Traceback" not in _output(process)
    for name in PELICAN_FILES:
        assert f"{name} could not be read" in _output(process)
    assert tree_hashes(tmp_path / "second") == clean


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "it is empty, as a full disk leaves it"),
        (pickle.dumps({"a": 1}, protocol=4)[:-1], "it was cut short, as a full disk leaves it"),
        (b"hello", "it is not a cache file"),
        (pickle.dumps({"a": 1}, protocol=4), None),
        (pickle.dumps({"a": 1}, protocol=5), None),
    ],
)
def test_cache_file_problem(tmp_path, data, problem):
    path = tmp_path / "Cache"
    path.write_bytes(data)
    assert cache_file_problem(path) == problem


def test_load_cache_discards_what_it_cannot_read(tmp_path, caplog):
    path = tmp_path / "Cache"
    assert load_cache(path) == {}  # no file yet: the first build, nothing to say
    assert caplog.records == []
    path.write_bytes(b"\x80\x04\x95garbage.")
    assert load_cache(path) == {}
    assert not path.exists()
    assert len(caplog.records) == 1 and "could not be read" in caplog.records[0].getMessage()
    path.write_bytes(pickle.dumps({"kept": 1}))
    assert load_cache(path) == {"kept": 1}
