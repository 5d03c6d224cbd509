"""The command line and import_sources: errors, all-or-nothing, idempotence, author edits."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from importer import ImportFailed, import_sources
from importer.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
LONG = "This is a body paragraph that is long enough to read as prose and ends properly."


def make_sources(tmp_path, files, manifest=None):
    sources = tmp_path / "sources"
    sources.mkdir()
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode()
        (sources / name).write_bytes(data)
    if manifest is not None:
        (sources / "manifest.yaml").write_text(manifest)
    return sources


def snapshot(folder):
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "importer", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


GOOD = {"good.txt": f"Thursday, 26 July 2018\n\nNo Blame Culture\n\n{LONG}\n"}


@pytest.mark.parametrize(
    ("files", "manifest", "message"),
    [
        (
            {"empty.txt": ""},
            None,
            "empty.txt: the file is empty. Fix: put the post's text in it or delete it",
        ),
        ({"blank.txt": "\n  \n\n"}, None, "blank.txt: the file is empty."),
        (
            {"picture.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00"},
            None,
            "picture.txt: the file is binary (it contains NUL bytes), not text. "
            "Fix: export the post as plain text",
        ),
        (
            {"undated.txt": f"A news title\n\n{LONG}\n"},
            None,
            "undated.txt: a news article carries no date in its text and manifest.yaml gives none. "
            "Fix: add `date: YYYY-MM-DD` under `undated.txt:`",
        ),
        (
            {"news.txt": f"A news title\n\n{LONG}\n"},
            "news.txt:\n  date: [2018\n",
            "manifest.yaml, line 3: the manifest is not valid YAML",
        ),
        (
            {"news.txt": f"A news title\n\n{LONG}\n"},
            "news.txt:\n  date: 2018-07-26\n  categroy: News\n",
            "manifest.yaml, line 3: 'categroy' is not a manifest key. Fix: use one "
            "of: category, author",
        ),
        (
            {"news.txt": f"A news title\n\n{LONG}\n"},
            "news.txt:\n  date: 2018-07-26\n  category: Opinion\n",
            "manifest.yaml, line 3: 'category: Opinion' is not a category. Fix: "
            "use one of: Reflections, News",
        ),
        (
            {"news.txt": f"A news title\n\n{LONG}\n"},
            "news.txt:\n  date: 26/07/2018\n",
            "manifest.yaml, line 2: 'date: 26/07/2018' is not a date. Fix: write it as YYYY-MM-DD",
        ),
        (
            {"news.txt": f"A news title\n\n{LONG}\n"},
            "news.txt:\n  date: 2018-07-26\n  date_estimated: maybe\n",
            "manifest.yaml, line 3: 'date_estimated: maybe' is not true or false",
        ),
        (
            {"news.txt": f"A news title\n\n{LONG}\n"},
            "news.txt:\n  date: 2018-07-26\nnews2.txt:\n  date: 2018-07-27\n",
            "manifest.yaml, line 3: the entry 'news2.txt' names no .txt file",
        ),
        (
            {"news.txt": f"A news title\n\n{LONG}\n"},
            "- news.txt\n",
            "manifest.yaml, line 1: the manifest is not a mapping of file names",
        ),
    ],
)
def test_bad_input_stops_with_a_message_naming_the_file_and_fix(tmp_path, files, manifest, message):
    sources = make_sources(tmp_path, {**GOOD, **files}, manifest)
    out = tmp_path / "out"
    result = run_cli(sources, out)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Nothing was written." in result.stderr
    assert not out.exists(), "a failed import must not write any article"


def test_unreadable_file_is_named(tmp_path):
    sources = make_sources(tmp_path, GOOD)
    (sources / "folder.txt").mkdir()  # reading it fails even for root
    with pytest.raises(ImportFailed) as failure:
        import_sources(sources, tmp_path / "out")
    assert "folder.txt: cannot read the file (Is a directory). Fix: check that it exists" in str(
        failure.value
    )


def test_every_bad_file_is_reported_at_once(tmp_path):
    sources = make_sources(tmp_path, {"a.txt": "", "b.txt": f"Title\n\n{LONG}\n", **GOOD})
    with pytest.raises(ImportFailed) as failure:
        import_sources(sources, tmp_path / "out")
    assert len(failure.value.errors) == 2
    assert "a.txt: the file is empty" in failure.value.errors[0]
    assert "b.txt: a news article carries no date" in failure.value.errors[1]


def test_importing_twice_writes_byte_identical_files(tmp_path):
    out = tmp_path / "out"
    first = import_sources(ROOT / "sources", out)
    before = snapshot(out)
    second = import_sources(ROOT / "sources", out)
    assert snapshot(out) == before
    assert (len(first.written), len(second.written), len(second.unchanged)) == (13, 0, 13)
    again = tmp_path / "again"
    import_sources(ROOT / "sources", again)
    assert snapshot(again) == before


def test_make_import_twice_changes_nothing(tmp_path):
    out = tmp_path / "articles"
    command = ["make", "-s", "import", f"SOURCES={ROOT / 'sources'}", f"OUT={out}"]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    before = snapshot(out)
    result = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    assert snapshot(out) == before
    assert "13 posts: 0 written, 13 unchanged, 0 skipped" in result.stdout


def test_author_edit_is_kept_unless_forced(tmp_path):
    sources = make_sources(tmp_path, GOOD)
    out = tmp_path / "out"
    import_sources(sources, out)
    article = out / "2018" / "no-blame-culture.md"
    edited = article.read_text().replace("long enough", "long enough (edited by the author)")
    article.write_text(edited)
    # The source changes too; the author's edit still wins.
    (sources / "good.txt").write_text(GOOD["good.txt"] + "\nA new closing paragraph.\n")
    result = run_cli(sources, out)
    assert result.returncode == 0
    assert article.read_text() == edited
    assert (
        f"skipped {out}/2018/no-blame-culture.md: edited since it was imported "
        f"(it differs from what the "
        "importer wrote); run with --force to overwrite it"
    ) in result.stdout
    forced = run_cli(sources, out, "--force")
    assert forced.returncode == 0 and f"wrote {out}/2018/no-blame-culture.md" in forced.stdout
    assert (
        "A new closing paragraph." in article.read_text()
        and "edited by the author" not in article.read_text()
    )


def test_changed_source_updates_an_unedited_article(tmp_path):
    sources = make_sources(tmp_path, GOOD)
    out = tmp_path / "out"
    import_sources(sources, out)
    (sources / "good.txt").write_text(GOOD["good.txt"] + "\nA new closing paragraph.\n")
    report = import_sources(sources, out)
    assert report.written == ["2018/no-blame-culture.md"]
    assert "A new closing paragraph." in (out / "2018" / "no-blame-culture.md").read_text()


def test_existing_file_the_importer_never_wrote_is_not_overwritten(tmp_path):
    sources = make_sources(tmp_path, GOOD)
    out = tmp_path / "out"
    (out / "2018").mkdir(parents=True)
    mine = out / "2018" / "no-blame-culture.md"
    mine.write_text("---\ntitle: My own post\n---\n\nHand written.\n")
    report = import_sources(sources, out)
    assert report.skipped == [
        ("2018/no-blame-culture.md", "it exists but the importer did not write it")
    ]
    assert mine.read_text().startswith("---\ntitle: My own post")


def test_same_titles_get_a_deterministic_suffix(tmp_path):
    page = (
        f"Thursday, 26 July 2018\n\nSame Title\n\n{LONG}\n\n"
        f"Tuesday, 24 July 2018\n\nSame Title\n\n{LONG}\n"
    )
    sources = make_sources(tmp_path, {"page.txt": page})
    report = import_sources(sources, tmp_path / "out")
    assert sorted(report.written) == ["2018/same-title-2.md", "2018/same-title.md"]
    assert report.posts["2018/same-title.md"].date.day == 24


def test_tagger_hook_extends_tags(tmp_path):
    sources = make_sources(tmp_path, GOOD)
    seen = []

    def tagger(title, body_html, tags):
        seen.append((title, body_html, tags))
        return [*tags, "Blame culture", "blame culture", "Learning"]

    import_sources(sources, tmp_path / "out", tagger=tagger)
    # The body as HTML, what the build's theme decision reads (plugins/themes/decision.py).
    assert seen == [("No Blame Culture", f"<p>{LONG}</p>", [])]
    text = (tmp_path / "out" / "2018" / "no-blame-culture.md").read_text()
    assert "tags: [Blame culture, Learning]\n" in text


def test_windows_1252_source_is_decoded_and_reported(tmp_path):
    sources = tmp_path / "encodings"
    shutil.copytree(FIXTURES / "importer-encodings", sources)
    result = run_cli(sources, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert f"note: {sources}/cp1252.txt: decoded as windows-1252 (not UTF-8)" in result.stdout
    assert "bom.txt" not in result.stdout.split("wrote")[0]
    article = (tmp_path / "out" / "2020" / "childrens-rights-5.md").read_text(encoding="utf-8")
    assert "title: Children’s “rights” – £5\n" in article
    assert "Social workers’ pay was cut by 5%" in article
    cafe = (tmp_path / "out" / "2020" / "cafe-culture.md").read_bytes()
    assert b"\r" not in cafe and not cafe.startswith(b"\xef\xbb\xbf")


def test_front_matter_carries_the_manifest_fields(tmp_path):
    manifest = (
        "news.txt:\n  category: News\n  source: Community Care\n"
        "  source_url: https://www.communitycare.co.uk/x/\n  date: "
        "2021-10-13\n  date_estimated: true\n"
        "  note: >-\n    Inferred from the report\n    it covers.\n"
    )
    sources = make_sources(
        tmp_path, {"news.txt": f"A news title: with colon\n\n{LONG}\n"}, manifest
    )
    import_sources(sources, tmp_path / "out")
    text = (tmp_path / "out" / "2021" / "a-news-title-with-colon.md").read_text()
    front = yaml.safe_load(text.split("---\n")[1])
    assert front == {
        "title": "A news title: with colon",
        "date": "2021-10-13 09:00",
        "category": "News",
        "slug": "a-news-title-with-colon",
        "source": "Community Care",
        "source_url": "https://www.communitycare.co.uk/x/",
        "date_estimated": True,
        "note": "Inferred from the report it covers.",
    }


def test_front_matter_is_accepted_by_the_sites_reader(tmp_path):
    from plugins.yaml_metadata.reader import parse_front_matter, split_front_matter

    out = tmp_path / "out"
    import_sources(ROOT / "sources", out)
    for article in sorted(out.rglob("*.md")):
        front, _, _ = split_front_matter(article.read_text(encoding="utf-8"), article)
        fields = parse_front_matter(front, article)
        assert fields["title"] and fields["date"] and fields["slug"] == article.stem


def test_cli_main_returns_non_zero_on_error(tmp_path, capsys):
    sources = make_sources(tmp_path, {"empty.txt": ""})
    assert main([str(sources), str(tmp_path / "out")]) == 1
    assert "empty.txt: the file is empty" in capsys.readouterr().err


def test_article_the_author_deleted_is_not_brought_back_unless_forced(tmp_path):
    sources = make_sources(tmp_path, GOOD)
    out = tmp_path / "out"
    import_sources(sources, out)
    article = out / "2018" / "no-blame-culture.md"
    article.unlink()
    report = import_sources(sources, out)
    assert report.skipped == [("2018/no-blame-culture.md", "deleted since it was imported")]
    assert not article.exists()
    import_sources(sources, out, force=True)
    assert article.exists()


def test_imported_articles_build_into_pages_that_show_the_source_text(tmp_path):
    from bs4 import BeautifulSoup
    from importer_helpers import norm

    from tests.sitebuild import build_site

    content = tmp_path / "content"
    import_sources(FIXTURES / "importer-blogger-footers", content / "articles")
    import_sources(ROOT / "sources", content / "articles")
    output = tmp_path / "output"
    build_site(content, output)
    page = output / "2018" / "03" / "first-post-of-the-day" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    text = norm(soup.get_text(" "))
    assert "A body paragraph with *stars* and <b>tags</b> that must stay text." in text
    assert soup.find("em") is None and soup.find("b") is None
    news = output / "2021" / "10" / "blame-culture-results-in-risk-aversion-in-social-work"
    soup = BeautifulSoup((news / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert len(soup.select("ul li")) >= 7
    assert "The Case for Change: Your Feedback" in soup.get_text()
    assert "Contact Us" not in soup.get_text()
