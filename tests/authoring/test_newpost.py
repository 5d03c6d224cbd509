"""`make newpost TITLE=...` starts a draft with its front matter, and never overwrites a post."""

import datetime as dt

import pytest
from authoring_helpers import PYTHON, ROOT, run
from pelican.settings import DEFAULT_CONFIG

from plugins.yaml_metadata.reader import YAMLMarkdownReader
from scripts.newpost import NewPostError, create_post
from tests.sitebuild import build

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


def test_author_category_and_url_name_follow_the_site_settings(tmp_path):
    from pelican.settings import read_settings

    settings = read_settings(
        str(ROOT / "pelican.conf.py"),
        override={
            "AUTHOR": "Sam Patel",
            "DEFAULT_CATEGORY": "News",
            "SLUGIFY_PRESERVE_CASE": True,
        },
    )
    path = create_post("Why Supervision matters", tmp_path, when=WHEN, settings=settings)
    text = path.read_text(encoding="utf-8")
    assert "\nauthor: Sam Patel\ncategory: News\n" in text
    assert path.name == "Why-Supervision-matters.md"


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


def test_a_chosen_slug_is_written_into_the_front_matter(tmp_path):
    path = create_post("Why supervision matters", tmp_path, when=WHEN, slug="supervision")
    assert path == tmp_path / "articles" / "2026" / "supervision.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Why supervision matters\nslug: supervision\ndate: ")
    _html, metadata = YAMLMarkdownReader(dict(DEFAULT_CONFIG)).read(str(path))
    assert metadata["slug"] == "supervision"


def test_the_address_of_the_built_post_comes_from_the_chosen_slug(tmp_path):
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    path = create_post("Why supervision matters", content, when=WHEN, slug="on-supervision")
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: published"))
    output = tmp_path / "output"
    process = build(content, output, fatal="", check=False)  # `pelican` without --fatal
    assert process.exit_code == 0, process.log
    assert (output / "2026" / "03" / "on-supervision" / "index.html").is_file()
    assert not (output / "2026" / "03" / "why-supervision-matters").exists()


@pytest.mark.parametrize(
    "slug",
    [
        "../../x",
        "../x",
        "a/b",
        "/etc/x",
        "..",
        "x.md",
        'say"hi',
        "two words",
        "Upper",
        "-x",
        "x-",
        "é",
    ],
)
def test_a_slug_that_is_not_a_url_name_is_refused_and_nothing_is_written(tmp_path, slug):
    content = tmp_path / "site" / "content"
    content.mkdir(parents=True)
    with pytest.raises(NewPostError) as refused:
        create_post("Why supervision matters", content, when=WHEN, slug=slug)
    message = str(refused.value)
    assert message.startswith(f"SLUG {slug!r} is not a URL name: use lower-case letters")
    assert "e.g. SLUG=" in message
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_make_newpost_refuses_a_slug_that_climbs_out_of_content(tmp_path):
    content = tmp_path / "a" / "b" / "content"
    process = run(["make", "-s", "newpost", f"INPUTDIR={content}", "TITLE=Escape", "SLUG=../../x"])
    assert process.returncode != 0
    lines = [line for line in process.stderr.splitlines() if not line.startswith("make: ***")]
    assert lines == [
        "newpost: SLUG '../../x' is not a URL name: use lower-case letters, digits and hyphens "
        "only (no slashes, dots, spaces or quotes), e.g. SLUG=x"
    ]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_make_newpost_with_a_slug_prints_the_path(tmp_path):
    content = tmp_path / "content"
    process = run(
        ["make", "-s", "newpost", f"INPUTDIR={content}", "TITLE=Why it matters", "SLUG=why"]
    )
    assert process.returncode == 0, process.stderr
    created = content / "articles" / str(dt.date.today().year) / "why.md"
    assert process.stdout.strip() == str(created)
    assert "\nslug: why\n" in created.read_text(encoding="utf-8")
