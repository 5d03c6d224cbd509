"""`make newpost TITLE=...` starts a draft with its front matter, and never overwrites a post."""

import datetime as dt

import pytest
from authoring_helpers import PYTHON, ROOT, run
from newpost import NewPostError, create_post
from pelican.settings import DEFAULT_CONFIG
from yaml_metadata.reader import YAMLMarkdownReader

WHEN = dt.datetime(2026, 3, 14, 9, 30)


def test_creates_the_post_with_front_matter(tmp_path):
    path = create_post("Why supervision matters", tmp_path, when=WHEN)
    assert path == tmp_path / "articles" / "2026" / "why-supervision-matters.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "---\n"
        "title: Why supervision matters\n"
        "date: 2026-03-14 09:30\n"
        "author: Chris Mills\n"
        "category: Reflections\n"
        "tags: []\n"
        "status: draft\n"
        "---\n"
    )


def test_the_new_post_reads_back_as_a_draft(tmp_path):
    path = create_post('Blame: "who" decides?', tmp_path, when=WHEN)
    _html, metadata = YAMLMarkdownReader(dict(DEFAULT_CONFIG)).read(str(path))
    assert metadata["title"] == 'Blame: "who" decides?'
    assert metadata["status"] == "draft"
    assert metadata["date"].strftime("%Y-%m-%d %H:%M") == "2026-03-14 09:30"
    assert path.name == "blame-who-decides.md"


def test_refuses_to_overwrite_and_leaves_the_post_alone(tmp_path):
    path = create_post("Why supervision matters", tmp_path, when=WHEN)
    path.write_text("the author's words", encoding="utf-8")
    with pytest.raises(NewPostError, match="already exists; it was left untouched"):
        create_post("Why supervision matters", tmp_path, when=WHEN)
    assert path.read_text(encoding="utf-8") == "the author's words"


def test_refuses_a_url_name_another_year_already_uses(tmp_path):
    create_post("Why supervision matters", tmp_path, when=WHEN)
    with pytest.raises(NewPostError, match="already uses the URL name 'why-supervision-matters'"):
        create_post("Why supervision matters", tmp_path, when=WHEN.replace(year=2027))


def test_make_newpost_prints_the_path(tmp_path):
    content = tmp_path / "content"
    process = run(["make", "-s", "newpost", f"INPUTDIR={content}", "TITLE=Why supervision matters"])
    assert process.returncode == 0, process.stderr
    year = dt.date.today().year
    created = content / "articles" / str(year) / "why-supervision-matters.md"
    assert process.stdout.strip() == str(created)
    assert "status: draft" in created.read_text(encoding="utf-8")
    again = run(["make", "-s", "newpost", f"INPUTDIR={content}", "TITLE=Why supervision matters"])
    assert again.returncode != 0
    assert "already exists; it was left untouched" in again.stderr


def test_newpost_without_a_title_says_how():
    process = run([PYTHON, "scripts/newpost.py", "--content", "/nonexistent"], env={"TITLE": ""})
    assert process.returncode == 1
    assert 'Give the post a title: make newpost TITLE="Why supervision matters"' in process.stderr
    assert ROOT.exists()
