"""Hostile paths: slugs, tags and file names that try to leave the output or collide.

The fixture tests/fixtures/hostile-paths holds a slug with '/', one with a backslash,
two posts whose slugs differ only by case and tags that differ by case and Unicode form.
Further cases are written into temporary trees. Every one either builds safely or stops
with an error naming the source files, and nothing is ever written outside the output.
"""

from __future__ import annotations

import shutil
import unicodedata

import pytest
from robust_helpers import ROOT, build_site

from plugins.safe_paths import Target, check_targets, collision_key

FIXTURE = ROOT / "tests" / "fixtures" / "hostile-paths"
POST = """---
title: {title}
date: {date}
author: Chris Mills
category: Reflections
{extra}
---
A post about supervision and blame with a few words in it.
"""
BOTH = "both a.md and b.md named"


def build(tmp_path, files):
    """Build a tree of the site's pages plus FILES {relative path: text} into tmp/out."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", content / "pages")
    for relative, text in files.items():
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    output = tmp_path / "work" / "out"
    process = build_site(content, output, check=False)
    return process, output, " ".join(process.log.split())


def post(title, date="2020-03-01 12:00", **extra):
    lines = "\n".join(f"{key}: {value}" for key, value in extra.items())
    return POST.format(title=title, date=date, extra=lines)


def nothing_outside(tmp_path, output):
    """Every file the build wrote is inside OUTPUT (or the content tree)."""
    content = tmp_path / "content"
    stray = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.is_relative_to(output) and not p.is_relative_to(content)
    ]
    return stray == []


def test_the_hostile_fixture_stops_with_every_problem_named(tmp_path):
    output = tmp_path / "out"
    process = build_site(FIXTURE, output, check=False)
    log = " ".join(process.log.split())
    assert process.exit_code != 0
    assert "articles/2020/slash.md: its slug 'a/b' contains '/'" in log
    assert "articles/2020/back.md: its output path" in log and "backslash" in log
    assert "articles/2020/upper.md and articles/2020/lower.md would both be written" in log
    assert not output.exists() or not any(output.rglob("*.html"))
    assert "Traceback" not in log


@pytest.mark.parametrize(
    ("name", "files", "expected"),
    [
        (
            "dot-dot slug",
            {"articles/2020/a.md": post("A", slug="../../../../escaped")},
            "would be written outside output path",
        ),
        (
            "NUL in slug",
            {"articles/2020/a.md": post("A", slug='"bad\\0name"')},
            "control character",
        ),
        (
            "very long slug",
            {"articles/2020/a.md": post("A", slug="a" * 300)},
            "bytes long",
        ),
        (
            "slugs differing only by Unicode form",
            {
                "articles/2020/a.md": post("A", slug=unicodedata.normalize("NFC", "café")),
                "articles/2020/b.md": post("B", slug=unicodedata.normalize("NFD", "café")),
            },
            BOTH,
        ),
        (
            "same slug, same month",
            {
                "articles/2020/a.md": post("A", slug="same"),
                "articles/2020/b.md": post("B", slug="same"),
            },
            BOTH,
        ),
        (
            "page taking the archives page",
            {"pages/archives.md": "---\ntitle: Archives\nslug: archives\n---\nMine.\n"},
            "pages/archives.md: its page 'archives/index.html' is one the site writes itself",
        ),
        (
            "file names differing by case",
            {
                "articles/2020/Post.md": post("Same title"),
                "articles/2020/post.md": post("Same title"),
            },
            "Post.md and post.md",
        ),
    ],
)
def test_each_hostile_path_stops_the_build_naming_the_source(tmp_path, name, files, expected):
    process, output, log = build(tmp_path, files)
    assert process.exit_code != 0, name
    if expected == BOTH:
        # content_checks names exact duplicates first; safe_paths the case/Unicode ones.
        assert "articles/2020/a.md" in log and "articles/2020/b.md" in log
        assert "would both be written" in log or "has the same URL" in log, log[-2000:]
    elif expected == "Post.md and post.md":
        assert "articles/2020/Post.md" in log and "articles/2020/post.md" in log
    else:
        assert expected in log, log[-2000:]
    assert nothing_outside(tmp_path, output)
    assert not output.exists() or not list(output.glob("2020/**/index.html"))


def test_hostile_tag_and_category_names_stay_inside_and_merge_by_slug(tmp_path):
    tags = '["../../x", "a/b", "..", "Café", "Cafe\\u0301", "Blame", "blame", "\\\\evil"]'
    process, output, log = build(tmp_path, {"articles/2020/t.md": post("T", tags=tags)})
    assert process.exit_code == 0, log[-2000:]
    assert nothing_outside(tmp_path, output)
    tag_pages = sorted(p.parent.name for p in (output / "tag").glob("*/index.html"))
    assert all(name and ".." not in name and "\\" not in name for name in tag_pages)
    assert tag_pages.count("cafe") == 1 and tag_pages.count("blame") == 1


def test_collision_key_folds_case_and_unicode_form():
    assert collision_key("2020/03/Café/index.html") == collision_key(
        unicodedata.normalize("NFD", "2020/03/cafe\u0301/index.html")
    )
    assert collision_key("a/b") != collision_key("a/c")


def test_check_targets_names_both_sources_and_passes_clean_ones(tmp_path):
    targets = [
        Target("2020/03/post/index.html", "articles/a.md"),
        Target("2020/03/POST/index.html", "articles/b.md"),
        Target("2020/03/other/index.html", "articles/c.md"),
    ]
    [problem] = check_targets(targets, str(tmp_path))
    assert "articles/a.md and articles/b.md" in problem
    assert check_targets(targets[2:], str(tmp_path)) == []
