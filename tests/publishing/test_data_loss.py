"""Publish and rsync_upload never destroy what is not a site of ours (all on temporary copies).

Every folder these tests point publish or rsync at lives under pytest's tmp_path: a copy of the
project stands in for the checkout, so a guard that failed would cost a copy, never the real one.
"""

import os
import shutil
import subprocess
import sys
import time

import pytest
from publishing_helpers import FIXTURES, ROOT, SITEURL, make, tree_hashes

from plugins.site_marker import MARKER, mark
from scripts.upload import rsync_preview

PYTHON = sys.executable
DRAFTS = FIXTURES / "drafts"
ENV = {**os.environ, "SITEURL": SITEURL, "COLUMNS": "400"}
_COPIED = ["Makefile", "pelican.conf.py", "publish.conf.py", "scripts", "plugins", "theme"]


def _snapshot(folder):
    """{relative path: bytes or link target} of everything under FOLDER, links not followed."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


@pytest.fixture
def project(tmp_path):
    """A copy of the project (code, theme, the drafts fixture as content, a git folder)."""
    copy = tmp_path / "home" / "project"
    copy.mkdir(parents=True)
    for name in _COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    shutil.copytree(DRAFTS, copy / "content")
    shutil.copy2(ROOT / "content" / "themes.yaml", copy / "content" / "themes.yaml")
    for table in ("glossary.yaml", "law.yaml"):  # plugins/glossary reads them from content/
        shutil.copy2(ROOT / "content" / table, copy / "content" / table)
    subprocess.run(["git", "init", "-q", str(copy)], check=True)
    (copy / "notes.txt").write_text("the author's own notes", encoding="utf-8")
    (tmp_path / "home" / "letter.txt").write_text("a file beside the project", encoding="utf-8")
    return copy


def _publish(project, output, content=None, env=None):
    command = [PYTHON, str(project / "scripts" / "publish.py"), "--output", str(output)]
    command += ["--content", str(content or project / "content")]
    command += ["-s", str(project / "publish.conf.py")]
    return subprocess.run(
        command, cwd=project, capture_output=True, text=True, env={**ENV, **(env or {})}
    )


def _one_line(process):
    lines = process.stderr.strip().splitlines()
    assert process.returncode != 0, process.stdout + process.stderr
    assert len(lines) == 1, process.stderr  # one line: what is wrong and the fix
    return lines[0]


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("content", "is the content folder or inside it"),
        ("content/articles", "is the content folder or inside it"),
        (".", "holds the content folder"),
        ("..", "holds the content folder"),
        ("/", "holds the content folder"),
        (".git", "is inside a .git folder"),
        (".git/refs", "is inside a .git folder"),
        ("scripts", "holds files no build of this blog made"),
    ],
)
def test_publish_never_replaces_content_the_project_a_parent_or_git(project, where, said):
    before = _snapshot(project.parent)
    output = project / where if where != "/" else "/"
    process = _publish(project, output)
    line = _one_line(process)
    assert said in line
    assert "OUTPUTDIR to a folder of its own, e.g. OUTPUTDIR=output" in line
    assert line.endswith("Nothing was published.")
    assert _snapshot(project.parent) == before  # nothing lost, nothing written


def test_publish_never_replaces_the_project_even_with_content_elsewhere(project, tmp_path):
    content = tmp_path / "elsewhere"
    shutil.copytree(DRAFTS, content)
    before = _snapshot(project.parent)
    line = _one_line(_publish(project, project, content=content))
    assert "is the project folder or holds it" in line
    assert _snapshot(project.parent) == before


def test_publish_refuses_a_folder_of_someone_elses_files(project, tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("someone else's site", encoding="utf-8")
    (www / "photos").mkdir()
    line = _one_line(_publish(project, www))
    assert line == (
        f"publish: {www} holds files no build of this blog made (index.html, photos; no "
        f"{MARKER} file), and publish replaces the folder whole. Move them away, or set "
        "OUTPUTDIR to a folder of its own, e.g. OUTPUTDIR=output. Nothing was published."
    )
    assert (www / "index.html").read_text(encoding="utf-8") == "someone else's site"
    assert not (tmp_path / "www.new").exists()


def test_publish_replaces_a_folder_a_local_build_made(project, tmp_path):
    output = tmp_path / "output"
    html = make("html", f"INPUTDIR={DRAFTS}", f"OUTPUTDIR={output}")
    assert html.returncode == 0, html.stdout + html.stderr
    assert (output / MARKER).is_file()  # `make html` marked the folder it made
    process = _publish(project, output)
    assert process.returncode == 0, process.stdout + process.stderr
    assert (output / "drafts").exists() is False
    assert (output / MARKER).is_file()


def test_a_local_build_into_a_folder_of_other_files_does_not_mark_it(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    html = make("html", f"INPUTDIR={DRAFTS}", f"OUTPUTDIR={folder}")
    assert html.returncode == 0, html.stdout + html.stderr
    assert not (folder / MARKER).exists()


def test_an_output_link_to_a_folder_of_other_files_loses_nothing(project, tmp_path):
    target = tmp_path / "srv" / "www"
    target.mkdir(parents=True)
    (target / "family-photos.jpg").write_bytes(b"\xff\xd8 not ours")
    (target / ".well-known").mkdir()
    link = tmp_path / "output"
    link.symlink_to(target)
    before = _snapshot(tmp_path / "srv")
    line = _one_line(_publish(project, link))
    assert f"{link} (a link to {target}) holds files no build of this blog made" in line
    assert _snapshot(tmp_path / "srv") == before
    assert link.is_symlink()


def test_an_output_link_to_a_site_of_ours_is_published_through_the_link(project, tmp_path):
    target = tmp_path / "srv" / "www"
    mark(target)
    (target / "stale.html").write_text("an old page", encoding="utf-8")
    (tmp_path / "srv" / "other-site").mkdir()
    (tmp_path / "srv" / "other-site" / "index.html").write_text("kept", encoding="utf-8")
    link = tmp_path / "output"
    link.symlink_to(target)
    process = _publish(project, link)
    assert process.returncode == 0, process.stdout + process.stderr
    assert link.is_symlink() and link.resolve() == target
    assert (target / "index.html").exists() and not (target / "stale.html").exists()
    assert (tmp_path / "srv" / "other-site" / "index.html").read_text(encoding="utf-8") == "kept"
    assert sorted(p.name for p in (tmp_path / "srv").iterdir()) == ["other-site", "www"]


def test_an_output_link_to_the_content_folder_is_refused(project, tmp_path):
    link = tmp_path / "output"
    link.symlink_to(project / "content")
    before = _snapshot(project)
    assert "is the content folder or inside it" in _one_line(_publish(project, link))
    assert _snapshot(project) == before


@pytest.mark.parametrize("kind", ["file", "link-to-folder", "dangling-link", "foreign-folder"])
def test_a_leftover_output_new_that_is_not_ours_is_refused_clearly(project, tmp_path, kind):
    output, leftover = tmp_path / "output", tmp_path / "output.new"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep me", encoding="utf-8")
    if kind == "file":
        leftover.write_text("a file someone saved here", encoding="utf-8")
    elif kind == "link-to-folder":
        leftover.symlink_to(elsewhere)
    elif kind == "dangling-link":
        leftover.symlink_to(tmp_path / "nowhere")
    else:
        shutil.copytree(elsewhere, leftover)
    before = _snapshot(tmp_path)
    process = _publish(project, output)
    line = _one_line(process)
    assert "Traceback" not in process.stderr
    assert line.startswith(f"publish: {leftover} ")
    assert ("is a symbolic link" in line) or ("is a file" in line) or ("holds files" in line)
    assert "publish again" in line
    assert _snapshot(tmp_path) == before


def test_a_leftover_of_our_own_killed_build_is_tidied(project, tmp_path):
    output, leftover = tmp_path / "output", tmp_path / "output.new"
    mark(leftover)
    (leftover / "half-written.html").write_text("<p>half", encoding="utf-8")
    process = _publish(project, output)
    assert process.returncode == 0, process.stdout + process.stderr
    assert not leftover.exists() and (output / "index.html").exists()


def test_simultaneous_publishes_wait_in_turn_and_never_swap_in_an_incomplete_site(tmp_path):
    reference = tmp_path / "reference"
    first = make("publish", f"INPUTDIR={DRAFTS}", f"OUTPUTDIR={reference}")
    assert first.returncode == 0, first.stdout + first.stderr
    expected = tree_hashes(reference)
    output = tmp_path / "output"
    command = [PYTHON, str(ROOT / "scripts" / "publish.py"), "--content", str(DRAFTS)]
    command += ["--output", str(output)]
    starts = [
        subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(5)
    ]
    seen_incomplete = []
    while any(p.poll() is None for p in starts):
        if output.exists() and not (output / "index.html").exists():
            seen_incomplete.append(sorted(p.name for p in output.iterdir()))
        time.sleep(0.02)
    results = [(p.returncode, *(s.decode() for s in p.communicate())) for p in starts]
    assert [code for code, _out, _err in results] == [0] * 5, results
    waited = [err for _code, _out, err in results if "another publish into" in err]
    assert waited, "no publish waited for another"
    assert all(
        f"publish: another publish into {tmp_path} is running; waiting for it to finish "
        "(Ctrl-C to stop)." in err
        for err in waited
    )
    assert seen_incomplete == []
    assert tree_hashes(output) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "reference"]


# --- rsync_upload to a local folder ---------------------------------------------------------


def _upload(project, target, output):
    command = [PYTHON, str(project / "scripts" / "upload.py"), "rsync", "--target", str(target)]
    command += ["--output", str(output), "--content", str(project / "content")]
    command += ["-s", str(project / "publish.conf.py")]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=ENV)


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (".", "is the project folder or holds it"),
        ("./", "is the project folder or holds it"),
        ("..", "is the project folder or holds it"),
        ("content", "is or holds the content folder"),
        (".git", "is inside a .git folder"),
        ("theme", "holds files that are not a site published from here"),
        ("../letter.txt", "is a file, not a folder"),
    ],
)
def test_rsync_upload_never_writes_into_the_project_or_other_files(project, tmp_path, where, said):
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed")  # test_uploads.py installs it for the suite
    before = _snapshot(tmp_path)
    process = _upload(project, f"{project}/{where}", tmp_path / "output")
    line = _one_line(process)
    assert said in line
    assert "Nothing was built or uploaded." in line
    assert _snapshot(tmp_path) == before


def test_rsync_upload_says_what_delete_will_remove_first(tmp_path):
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed")
    output, target = tmp_path / "output", tmp_path / "www"
    mark(target)
    for name in ("old-post.html", "older.html"):
        (target / name).write_text("gone", encoding="utf-8")
    process = make(
        "rsync_upload", f"INPUTDIR={DRAFTS}", f"OUTPUTDIR={output}", f"RSYNC_TARGET={target}"
    )
    assert process.returncode == 0, process.stdout + process.stderr
    lines = process.stdout.splitlines()
    said = lines.index(
        "upload: --delete will remove 2 file(s) the site no longer has: old-post.html, older.html"
    )
    assert said < lines.index("*deleting   old-post.html")  # said before rsync did it
    assert tree_hashes(target) == tree_hashes(output)


def test_the_dry_run_tells_a_site_of_ours_from_other_files(tmp_path):
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed")
    site = tmp_path / "site"
    mark(site)
    (site / "index.html").write_text("new", encoding="utf-8")
    ours, theirs, empty = tmp_path / "ours", tmp_path / "theirs", tmp_path / "empty"
    mark(ours)
    (ours / "gone.html").write_text("old", encoding="utf-8")
    theirs.mkdir()
    (theirs / "index.html").write_text("their page", encoding="utf-8")
    empty.mkdir()
    assert rsync_preview(site, f"{ours}/", 22) == (["gone.html"], True)
    assert rsync_preview(site, f"{theirs}/", 22) == ([], False)  # would overwrite their page
    assert rsync_preview(site, f"{empty}/", 22) == ([], True)
    assert rsync_preview(site, f"{tmp_path}/new-folder/", 22) == ([], True)


@pytest.mark.parametrize("where", ["content", ".", "..", ".git", "theme"])
def test_make_clean_removes_only_a_folder_a_build_made(project, where):
    before = _snapshot(project.parent)
    process = subprocess.run(
        ["make", "-s", "clean", f"OUTPUTDIR={project / where}"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert process.returncode != 0
    assert f"clean: {project / where} was not made by a build of this blog" in process.stderr
    assert _snapshot(project.parent) == before


def test_make_clean_removes_a_built_output_and_the_cache(project):
    mark(project / "output")
    (project / "output" / "index.html").write_text("built", encoding="utf-8")
    (project / "cache" / "build").mkdir(parents=True)
    process = subprocess.run(["make", "-s", "clean"], cwd=project, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr
    assert not (project / "output").exists() and not (project / "cache").exists()
    assert (project / "content" / "themes.yaml").exists()


# A stand-in for ssh: "ssh [-p PORT] [-l USER] HOST COMMAND..." runs COMMAND on this machine,
# so a user@host:/path target exercises the remote code path against a temporary folder.
FAKE_SSH = """#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    -p|-l|-o|-i) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
shift
exec sh -c "$*"
"""


@pytest.fixture
def fake_ssh(tmp_path):
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed")
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "ssh").write_text(FAKE_SSH, encoding="utf-8")
    (folder / "ssh").chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def test_a_remote_target_of_other_files_is_refused_before_anything_is_deleted(fake_ssh, tmp_path):
    theirs = tmp_path / "server" / "www"
    theirs.mkdir(parents=True)
    (theirs / "index.html").write_text("their site", encoding="utf-8")
    (theirs / "cv.pdf").write_bytes(b"%PDF")
    before = _snapshot(theirs)
    target = f"me@host.example.net:{theirs}/"
    process = make(
        "rsync_upload",
        f"INPUTDIR={DRAFTS}",
        f"OUTPUTDIR={tmp_path / 'output'}",
        f"RSYNC_TARGET={target}",
        env=fake_ssh,
    )
    assert process.returncode != 0
    lines = [line for line in process.stderr.splitlines() if not line.startswith("make: ***")]
    assert lines == [
        f"upload: RSYNC_TARGET {target} holds files that are not a site published from here "
        f"(no {MARKER} file there), and --delete would remove or overwrite them. Choose an "
        "empty folder or one an earlier upload filled. Nothing was uploaded."
    ]
    assert _snapshot(theirs) == before


def test_a_remote_site_of_ours_is_updated_after_saying_what_goes(fake_ssh, tmp_path):
    www = tmp_path / "server" / "www"
    www.parent.mkdir()
    target = f"me@host.example.net:{www}/"
    variables = [f"INPUTDIR={DRAFTS}", f"OUTPUTDIR={tmp_path / 'output'}", f"RSYNC_TARGET={target}"]
    first = make("rsync_upload", *variables, env=fake_ssh)  # a new folder: nothing to remove
    assert first.returncode == 0, first.stdout + first.stderr
    assert "upload: --delete will remove nothing there." in first.stdout.splitlines()
    (www / "old.html").write_text("a page the site dropped", encoding="utf-8")
    again = make("rsync_upload", *variables, env=fake_ssh)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (
        "upload: --delete will remove 1 file(s) the site no longer has: old.html"
        in again.stdout.splitlines()
    )
    assert tree_hashes(www) == tree_hashes(tmp_path / "output")
