"""Scheduled posts: dated in the future, shown in local previews, left out of publish."""

import datetime
import gzip
import json
import os
import shutil

import pytest
from authoring_helpers import FIXTURES, PYTHON, flat, run
from bs4 import BeautifulSoup

from plugins.content_checks import Post, is_scheduled, scheduled_posts
from tests.sitebuild import build_site

SITEURL = "https://blog.example.org"
SCHEDULED = """---
title: A reflection for next spring
date: 2999-04-01 09:00
category: Reflections
tags: [Supervision, Spring notes]
---
Reflective supervision will be the subject of this post when it goes out.
"""
SLUG = "a-reflection-for-next-spring"


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scheduled") / "content"
    shutil.copytree(FIXTURES / "drafts", folder)
    (folder / "articles" / "2999").mkdir()
    (folder / "articles" / "2999" / "spring.md").write_text(SCHEDULED, encoding="utf-8")
    return folder


def build(content, output, conf):
    build_site(content, output, conf=conf, env={**os.environ, "SITEURL": SITEURL})
    return output


def everything(output):
    """Every text file of a built site, and the search index's page addresses."""
    texts = {
        p.relative_to(output).as_posix(): p.read_text(encoding="utf-8")
        for p in output.rglob("*")
        if p.is_file()
        and p.suffix in (".html", ".xml", ".txt", ".json")
        and "pagefind" not in p.parts
    }
    for fragment in (output / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        texts[fragment.name] = json.loads(data)["url"] + " " + json.loads(data)["content"]
    return texts


@pytest.mark.slow
def test_a_local_preview_shows_a_scheduled_post_labelled_with_its_date(content, tmp_path):
    output = build(content, tmp_path / "local", "pelican.conf.py")
    page = output / "2999" / "04" / SLUG / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    label = soup.select_one("main .draft-label")
    assert label is not None
    assert flat(label.get_text()).startswith("Scheduled for 1 April 2999: only your local preview")
    home = (output / "index.html").read_text(encoding="utf-8")
    assert SLUG in home  # listed, so the author sees where it will go
    published = output / "2018" / "05" / "a-published-reflection" / "index.html"
    assert "Scheduled for" not in published.read_text(encoding="utf-8")


@pytest.mark.slow
def test_publish_leaves_a_scheduled_post_out_of_everything(content, tmp_path):
    output = build(content, tmp_path / "published", "publish.conf.py")
    assert not (output / "2999").exists()
    texts = everything(output)
    assert "sitemap.xml" in texts and "feeds/all.atom.xml" in texts and texts.get("index.html")
    found = [name for name, text in texts.items() if SLUG in text or "next spring" in text]
    assert found == [], found  # no page, feed, listing, tag page, sitemap or search entry
    assert not (output / "tag" / "spring-notes").exists()
    assert "a-published-reflection" in texts["sitemap.xml"]  # the published post is there
    assert not (output / ".build-files.json").exists()  # local builds' bookkeeping stays local


def test_make_check_lists_a_scheduled_post(content):
    process = run([PYTHON, "scripts/check_content.py", str(content)])
    assert process.returncode == 0, process.stdout
    lines = process.stdout.splitlines()
    assert [line for line in lines if line.startswith("scheduled: ")] == [
        f"scheduled: {content}/articles/2999/spring.md, line 3: 'A reflection for next spring' "
        "is scheduled for 1 April 2999 09:00. Local previews show it; `make publish` leaves it "
        "out until that date."
    ]
    assert lines[-1].endswith("0 error(s), 0 warning(s), 1 scheduled.")


def test_only_published_articles_dated_later_than_now_are_scheduled():
    now = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)
    later = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    earlier = datetime.datetime(2026, 11, 30, 11, 59, tzinfo=datetime.UTC)
    assert is_scheduled(later, now) and not is_scheduled(earlier, now)
    assert not is_scheduled(None, now)
    assert is_scheduled(datetime.datetime(2026, 12, 1), now)  # a date without a time zone
    source = "---\ntitle: T\ndate: 2026-12-01 09:00\n---\nText\n"
    posts = [
        Post(path="a.md", relpath="a.md", source_text=source, title="Soon", date=later),
        Post(path="b.md", relpath="b.md", source_text=source, title="Past", date=earlier),
        Post(path="c.md", relpath="c.md", source_text=source, status="draft", date=later),
    ]
    assert scheduled_posts(posts, now) == [
        "a.md, line 3: 'Soon' is scheduled for 1 December 2026 09:00. Local previews show it; "
        "`make publish` leaves it out until that date."
    ]


def test_a_link_from_a_published_post_to_a_scheduled_one_is_a_warning():
    from plugins.content_checks.checks import WARNING, check_links

    later = datetime.datetime(2999, 4, 1, 9, 0, tzinfo=datetime.UTC)
    earlier = datetime.datetime(2018, 5, 1, 9, 0, tzinfo=datetime.UTC)
    linking = "---\ntitle: Now\ndate: 2018-05-01 09:00\n---\nSee [spring]({filename}spring.md).\n"
    posts = [
        Post(path="now.md", relpath="a/now.md", source_text=linking, date=earlier),
        Post(path="spring.md", relpath="a/spring.md", source_text="---\n---\n", date=later),
        # As a publish build reads it: a scheduled post is a draft there.
        Post(path="spring2.md", relpath="a/spring2.md", source_text="", date=later, status="draft"),
    ]
    problems = check_links(posts, {"a/now.md", "a/spring.md", "a/spring2.md"})
    assert [(p.path, p.line, p.severity) for p in problems] == [("now.md", 5, WARNING)]
    assert "points to a post scheduled for 1 April 2999" in str(problems[0])
    posts[0].source_text = linking.replace("spring.md", "spring2.md")
    problems = check_links(posts, {"a/now.md", "a/spring.md", "a/spring2.md"})
    assert "scheduled for 1 April 2999" in str(problems[0])  # not "publish the draft"
