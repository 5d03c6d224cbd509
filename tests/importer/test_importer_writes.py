"""Writing articles: all or none on a failure part-way, the usual umask, stable addresses."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from importer import ImportFailed, import_sources, pipeline

ROOT = Path(__file__).resolve().parents[2]
LONG = "This is a body paragraph that is long enough to read as prose and ends properly."
PAGE = (
    f"Thursday, 26 July 2018\n\nNo Blame Culture\n\n{LONG}\n\n"
    f"Tuesday, 24 July 2018\n\nThe Care Crisis\n\n{LONG}\n\n"
    f"Friday, 2 March 2018\n\nA Third Post\n\n{LONG}\n"
)


def make_sources(tmp_path, files, manifest=None):
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    for name, content in files.items():
        (sources / name).write_text(content, encoding="utf-8")
    if manifest is not None:
        (sources / "manifest.yaml").write_text(manifest, encoding="utf-8")
    return sources


def snapshot(folder):
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(Path(folder).rglob("*"))
    }


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "importer", "--no-themes", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("obstacle", "message"),
    [
        ("2018/no-blame-culture.md/", "a folder is where the article should go"),
        ("2018/the-care-crisis.md/inside/", "a folder is where the article should go"),
        ("2018", "a file is where a folder should be"),
        (".import-state.json/", "a folder is where the article should go"),
    ],
)
def test_a_folder_or_file_in_the_way_writes_nothing_and_says_so(tmp_path, obstacle, message):
    sources = make_sources(tmp_path, {"page.txt": PAGE})
    out = tmp_path / "out"
    out.mkdir()
    if obstacle.endswith("/"):
        (out / obstacle).mkdir(parents=True)
    else:
        (out / obstacle).write_text("not a folder\n")
    before = snapshot(out)
    result = run_cli(sources, out)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [error, nothing] = result.stderr.strip().split("\n")
    assert error.startswith(f"error: {out}/") and message in error and "Fix:" in error
    assert nothing == "Nothing was written."
    assert snapshot(out) == before


@pytest.mark.parametrize("fail_at", [1, 2, 4])
def test_a_full_disk_part_way_leaves_the_old_articles_and_no_temporaries(
    tmp_path, monkeypatch, fail_at
):
    sources = make_sources(tmp_path, {"page.txt": PAGE})
    out = tmp_path / "out"
    import_sources(sources, out)
    before = snapshot(out)
    # The source changes, so every article (and the state file) is written again.
    (sources / "page.txt").write_text(PAGE.replace("ends properly.", "ends well."))
    real_fdopen, calls = os.fdopen, []

    def filling_fdopen(handle, *args, **kwargs):
        calls.append(handle)
        if len(calls) == fail_at:
            os.close(handle)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fdopen(handle, *args, **kwargs)

    monkeypatch.setattr(pipeline.os, "fdopen", filling_fdopen)
    with pytest.raises(ImportFailed) as failure:
        import_sources(sources, out)
    [error] = failure.value.errors
    assert "No space left on device" in error and "Fix: free some disk space" in error
    assert snapshot(out) == before


def test_a_failure_on_a_fresh_import_leaves_no_folders_behind(tmp_path, monkeypatch):
    sources = make_sources(tmp_path, {"page.txt": PAGE})
    out = tmp_path / "new" / "out"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline.os, "fsync", full)
    with pytest.raises(ImportFailed):
        import_sources(sources, out)
    assert not (tmp_path / "new").exists()


def test_a_failed_rename_puts_back_the_articles_already_replaced(tmp_path, monkeypatch):
    sources = make_sources(tmp_path, {"page.txt": PAGE})
    out = tmp_path / "out"
    import_sources(sources, out)
    before = snapshot(out)
    (sources / "page.txt").write_text(PAGE.replace("ends properly.", "ends well."))
    real_replace, calls = os.replace, []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(source, target)

    monkeypatch.setattr(pipeline.os, "replace", failing_replace)
    with pytest.raises(ImportFailed):
        import_sources(sources, out)
    monkeypatch.setattr(pipeline.os, "replace", real_replace)
    assert snapshot(out) == before


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_articles_get_the_mode_the_umask_gives(tmp_path, umask, mode):
    sources = make_sources(tmp_path, {"page.txt": PAGE})
    out = tmp_path / "out"
    old = os.umask(umask)
    try:
        import_sources(sources, out)
    finally:
        os.umask(old)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 4  # three articles and the state file
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(mode)}


def test_a_new_post_with_a_taken_title_never_takes_an_existing_posts_address(tmp_path):
    sources = make_sources(tmp_path, {"b.txt": f"Thursday, 26 July 2018\n\nSame Title\n\n{LONG}\n"})
    out = tmp_path / "out"
    import_sources(sources, out)
    article = out / "2018" / "same-title.md"
    before = article.read_bytes()
    # An older post with the same title arrives in a new source file.
    (sources / "a.txt").write_text(
        "Tuesday, 24 July 2018\n\nSame Title\n\nAn older post's own words, quite different.\n"
    )
    report = import_sources(sources, out)
    assert article.read_bytes() == before
    assert report.written == ["2018/same-title-2.md"]
    assert "older post's own words" in (out / "2018" / "same-title-2.md").read_text()
    assert report.notes == [
        "a.txt, line 3: the title 'Same Title' is taken by another post, so this one is "
        "written as 2018/same-title-2.md (give it a different title if that address does not "
        "suit)"
    ]
    again = import_sources(sources, out)
    assert again.written == [] and len(again.unchanged) == 2


def test_stable_addresses_hold_for_three_posts_with_one_title_added_one_by_one(tmp_path):
    out = tmp_path / "out"
    days = ["Friday, 27 July 2018", "Thursday, 26 July 2018", "Tuesday, 24 July 2018"]
    owners = {}
    for number, day in enumerate(days, start=1):
        sources = make_sources(
            tmp_path, {f"{number}.txt": f"{day}\n\nSame Title\n\nPost {number} says this.\n"}
        )
        report = import_sources(sources, out)
        for relative, post in report.posts.items():
            owners.setdefault(relative, post.source_file)
            assert owners[relative] == post.source_file, relative
    assert sorted(owners) == ["2018/same-title-2.md", "2018/same-title-3.md", "2018/same-title.md"]


def test_the_state_file_records_which_post_owns_each_address(tmp_path):
    import json

    sources = make_sources(tmp_path, {"page.txt": PAGE})
    import_sources(sources, tmp_path / "out")
    state = json.loads((tmp_path / "out" / ".import-state.json").read_text())
    assert state["posts"]["2018/no-blame-culture.md"] == "no-blame-culture@2018-07-26@page.txt"


def test_a_new_post_with_the_same_title_on_the_same_day_gets_the_new_address(tmp_path):
    sources = make_sources(tmp_path, {"b.txt": f"Thursday, 26 July 2018\n\nSame Title\n\n{LONG}\n"})
    out = tmp_path / "out"
    import_sources(sources, out)
    before = (out / "2018" / "same-title.md").read_bytes()
    # Same day, same time, and a file name that sorts first.
    (sources / "a.txt").write_text("Thursday, 26 July 2018\n\nSame Title\n\nThe newcomer.\n")
    report = import_sources(sources, out)
    assert (out / "2018" / "same-title.md").read_bytes() == before
    assert report.written == ["2018/same-title-2.md"]


def test_an_out_folder_that_is_a_file_writes_nothing_and_says_so(tmp_path):
    sources = make_sources(tmp_path, {"page.txt": PAGE})
    out = tmp_path / "out"
    out.write_text("I am a file\n")
    result = run_cli(sources, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "a file is where a folder should be" in result.stderr
    assert out.read_text() == "I am a file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "sources"]
