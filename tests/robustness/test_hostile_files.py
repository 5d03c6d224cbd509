"""Files that must not be published: links out of the content folder, special files,
static files that run script, and posts that would replace a file the site writes itself.

Every command that reads content refuses them before reading anything: the build
(`make html`, publish and the devserver run the same plugin check), `make check` and the
importer. Each refusal names the file and the fix, and exits non-zero.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from robust_helpers import ROOT, build_site

from importer import ImportFailed, import_sources
from plugins.safe_paths import refuse_unsafe_files, static_problems, unsafe_files
from plugins.safe_paths.tree import UnsafeContentError
from plugins.site_marker import MARKER

POST = (
    "---\ntitle: {title}\ndate: 2020-03-0{day} 12:00\ncategory: Reflections\n{extra}---\n{body}\n"
)
SECRET = "AWS_SECRET_ACCESS_KEY"


def post(title="A post", day=1, extra="", body="Supervision and blame in practice."):
    return POST.format(title=title, day=day, extra=extra, body=body)


@pytest.fixture()
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", root / "pages")
    (root / "articles" / "2020").mkdir(parents=True)
    (root / "articles" / "2020" / "plain.md").write_text(post(), encoding="utf-8")
    (root / "images").mkdir()
    (root / "extra").mkdir()
    return root


def make_check(content):
    command = [sys.executable, str(ROOT / "scripts" / "check_content.py"), str(content)]
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    return process.returncode, process.stdout + process.stderr


def _outside(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir(exist_ok=True)
    (outside / "notes.md").write_text(post("Private notes", 2), encoding="utf-8")
    (outside / "folder").mkdir(exist_ok=True)
    (outside / "folder" / "family.txt").write_text("a family's name", encoding="utf-8")
    return outside


ATTACKS = {
    "picture linked to /etc/passwd": lambda c, o: os.symlink("/etc/passwd", c / "images/p.jpg"),
    "file linked to /proc/self/environ": lambda c, o: os.symlink(
        "/proc/self/environ", c / "extra/env.txt"
    ),
    "linked folder": lambda c, o: os.symlink(o / "folder", c / "images/holiday"),
    "post linked from outside": lambda c, o: os.symlink(
        o / "notes.md", c / "articles/2020/notes.md"
    ),
    "relative link climbing out": lambda c, o: os.symlink(
        "../../../elsewhere/notes.md", c / "articles/2020/up.md"
    ),
    "FIFO posing as a post": lambda c, o: os.mkfifo(c / "articles/2020/pipe.md"),
    "FIFO in images": lambda c, o: os.mkfifo(c / "images/pipe.png"),
    "link to a FIFO inside": lambda c, o: (
        os.mkfifo(o / "fifo"),
        os.symlink(o / "fifo", c / "images/f.png"),
    ),
    "link to /dev/zero": lambda c, o: os.symlink("/dev/zero", c / "images/zero.png"),
}
SHOWN = {
    "picture linked to /etc/passwd": ("images/p.jpg", "is a link to /etc/passwd, outside"),
    "file linked to /proc/self/environ": ("extra/env.txt", "/proc/self/environ, outside"),
    "linked folder": ("images/holiday", "outside the folder"),
    "post linked from outside": ("articles/2020/notes.md", "outside the folder"),
    "relative link climbing out": ("articles/2020/up.md", "outside the folder"),
    "FIFO posing as a post": ("articles/2020/pipe.md", "named pipe (FIFO)"),
    "FIFO in images": ("images/pipe.png", "named pipe (FIFO)"),
    "link to a FIFO inside": ("images/f.png", "outside the folder"),
    "link to /dev/zero": ("images/zero.png", "outside the folder"),
}


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_build_refuses_before_reading_or_copying_anything(tmp_path, content, attack):
    ATTACKS[attack](content, _outside(tmp_path))
    output = tmp_path / "out"
    process = build_site(content, output, check=False, extra_settings={"CACHE_CONTENT": "false"})
    log = " ".join(process.log.split())
    where, what = SHOWN[attack]
    assert process.exit_code != 0, attack
    assert where in log and what in log, log[-1500:]
    assert "Fix:" in log and "Traceback" not in log
    # Nothing was written: no page, no copied file, no secret (only the marker that says the
    # folder is a build of ours, plugins/site_marker).
    written = [p for p in output.rglob("*") if p.is_file()] if output.exists() else []
    assert [p.name for p in written if p.name != MARKER] == []


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_make_check_refuses_and_names_the_file(tmp_path, content, attack):
    ATTACKS[attack](content, _outside(tmp_path))
    status, out = make_check(content)
    where, what = SHOWN[attack]
    assert status == 1
    line = next(line for line in out.splitlines() if where in line)
    assert line.startswith("error: ") and what in line and "Fix:" in line


def test_the_environment_never_reaches_the_output(tmp_path, content):
    os.symlink("/proc/self/environ", content / "extra" / "environ.txt")
    output = tmp_path / "out"
    env_process = build_site(content, output, check=False)
    assert env_process.exit_code != 0
    assert not any(
        SECRET in p.read_text(errors="replace") for p in output.rglob("*") if p.is_file()
    )


def test_an_editor_lock_link_and_links_inside_the_folder_are_fine(tmp_path, content):
    os.symlink("user@host.1234:1700000000", content / "articles" / "2020" / ".#plain.md")
    os.symlink("plain.md", content / "articles" / "2020" / "same.md.bak")
    os.symlink("../pages", content / "images" / "pages-again")
    assert unsafe_files(content, ignore=[".#*"]) == []
    [lock] = unsafe_files(content)
    assert lock.path.endswith("articles/2020/.#plain.md")


def test_a_dangling_link_is_named(content):
    os.symlink(content / "images" / "gone.png", content / "images" / "photo.png")
    [finding] = unsafe_files(content)
    assert finding.path.endswith("images/photo.png")
    assert finding.problem == "is a link to a file that does not exist"


@pytest.mark.parametrize("attack", ["picture linked to /etc/passwd", "FIFO posing as a post"])
def test_the_importer_refuses_unsafe_sources(tmp_path, attack):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "tests" / "fixtures" / "hostile-content" / "sources", sources)
    if attack.startswith("picture"):
        os.symlink("/etc/passwd", sources / "passwd.txt")
    else:
        os.mkfifo(sources / "pipe.txt")
    out = tmp_path / "articles"
    with pytest.raises(ImportFailed) as caught:
        import_sources(sources, out)
    message = str(caught.value)
    assert ("passwd.txt is a link to /etc/passwd" in message) or (
        "pipe.txt is a named pipe" in message
    )
    assert "Fix:" in message
    assert not out.exists()


def test_the_importer_command_exits_non_zero_naming_the_file(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "tests" / "fixtures" / "hostile-content" / "sources", sources)
    os.symlink("/proc/self/environ", sources / "environ.txt")
    command = [sys.executable, "-m", "importer", str(sources), str(tmp_path / "out"), "--no-themes"]
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert process.returncode == 1
    assert "environ.txt is a link to /proc/self/environ, outside the folder" in process.stderr
    assert SECRET not in process.stdout + process.stderr


def test_refuse_unsafe_files_raises_with_every_problem(tmp_path):
    os.symlink("/etc/passwd", tmp_path / "a.txt")
    os.symlink("/etc/hostname", tmp_path / "b.txt")
    with pytest.raises(UnsafeContentError) as caught:
        refuse_unsafe_files(tmp_path)
    assert len(caught.value.problems) == 2 and caught.value.fix


# ---- static files that run script -------------------------------------------------------------

SCRIPTABLE = {
    "images/script.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "images/onload.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "images/ONLOAD.SVG": '<svg xmlns="http://www.w3.org/2000/svg" ONLOAD="alert(1)"/>',
    "images/link.svg": '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
    "images/foreign.svg": "<svg><foreignObject><iframe src=x></iframe></foreignObject></svg>",
    "extra/page.html": "<p>Hello</p>",
    "extra/page.HTM": "<p>Hello</p>",
    "extra/app.js": "alert(1)",
    "images/x.xhtml": "<html xmlns='http://www.w3.org/1999/xhtml'/>",
    "extra/.htaccess": "Options +Indexes",
}


@pytest.mark.parametrize("relative", sorted(SCRIPTABLE))
def test_static_files_that_run_script_are_refused(content, relative):
    path = content / relative
    path.write_text(SCRIPTABLE[relative], encoding="utf-8")
    problems = static_problems(content, ["images", "extra"])
    [problem] = problems
    assert problem.path.endswith(relative)
    assert f"add '{relative}' to SAFE_PATHS_ALLOW_STATIC" in problems[0].fix
    assert static_problems(content, ["images", "extra"], allowed=[relative]) == []


def test_a_plain_svg_and_pictures_pass(content):
    (content / "images" / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>'
    )
    (content / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert static_problems(content, ["images", "extra"]) == []


@pytest.mark.slow
def test_the_build_refuses_a_scriptable_svg_unless_the_setting_names_it(tmp_path, content):
    (content / "images" / "chart.svg").write_text(SCRIPTABLE["images/onload.svg"])
    process = build_site(content, tmp_path / "out", check=False)
    log = " ".join(process.log.split())
    assert process.exit_code != 0
    assert "images/chart.svg is an SVG picture that holds script" in log
    assert not (tmp_path / "out" / "images" / "chart.svg").exists()
    allowed = build_site(
        content,
        tmp_path / "out2",
        extra_settings={"SAFE_PATHS_ALLOW_STATIC": '["images/chart.svg"]'},
    )
    assert allowed.exit_code == 0
    assert (tmp_path / "out2" / "images" / "chart.svg").exists()


def test_make_check_refuses_an_html_file_in_extra(content):
    (content / "extra" / "login.html").write_text("<form action=https://evil.example/>")
    status, out = make_check(content)
    assert status == 1
    assert "extra/login.html: this file is an HTML page" in out


# ---- generated files --------------------------------------------------------------------------

TAKEN = {
    "the site feed": ("save_as: feeds/all.atom.xml\n", "'feeds/all.atom.xml'"),
    "the RSS feed": ("save_as: feeds/all.rss.xml\n", "'feeds/all.rss.xml'"),
    "a category feed": ("save_as: feeds/category/news.atom.xml\n", "feeds/category/news.atom.xml"),
    "the sitemap": ("save_as: sitemap.xml\n", "'sitemap.xml'"),
    "robots.txt": ("save_as: robots.txt\n", "'robots.txt'"),
    "a topic page": ("save_as: topics/blame-culture/index.html\n", "topics/blame-culture"),
    "the topics index": ("save_as: topics/index.html\n", "'topics/index.html'"),
    "the search page": ("save_as: search/index.html\n", "'search/index.html'"),
    "the search index": ("save_as: pagefind/pagefind.js\n", "'pagefind/pagefind.js'"),
    "a tag page": ("save_as: tag/supervision/index.html\n", "'tag/supervision/index.html'"),
    "a year archive": ("save_as: 2018/index.html\n", "'2018/index.html'"),
    "the home page": ("save_as: index.html\n", "'index.html'"),
    "the stylesheet": ("save_as: theme/css/style.css\n", "'theme/css/style.css'"),
    "a second page of the home page": ("save_as: page/2/index.html\n", "'page/2/index.html'"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TAKEN))
def test_no_post_may_write_a_file_the_site_writes(tmp_path, content, name):
    extra, shown = TAKEN[name]
    (content / "articles" / "2020" / "taker.md").write_text(
        post("Taker", 2, f"slug: taker\n{extra}")
    )
    output = tmp_path / "out"
    process = build_site(content, output, check=False)
    log = " ".join(process.log.split())
    assert process.exit_code != 0, name
    assert "articles/2020/taker.md" in log and shown in log, log[-1500:]
    assert "is one the site writes itself" in log
    assert not output.exists() or not any(output.rglob("*.html"))


@pytest.mark.slow
@pytest.mark.parametrize("save_as", [".htaccess", ".well-known/security.txt", "a/.git/config"])
def test_no_post_may_write_a_dot_file(tmp_path, content, save_as):
    (content / "articles" / "2020" / "dot.md").write_text(post("Dot", 2, f"save_as: {save_as}\n"))
    process = build_site(content, tmp_path / "out", check=False)
    log = " ".join(process.log.split())
    assert process.exit_code != 0
    assert (
        f"articles/2020/dot.md, line 5: 'save_as: {save_as}' is not a path inside the site" in log
    )
    assert not (tmp_path / "out" / save_as).exists()


@pytest.mark.slow
def test_a_post_may_not_take_the_place_of_a_static_file(tmp_path, content):
    (content / "images" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (content / "articles" / "2020" / "taker.md").write_text(
        post("Taker", 2, "slug: taker\nsave_as: images/photo.jpg\n")
    )
    process = build_site(content, tmp_path / "out", check=False)
    log = " ".join(process.log.split())
    assert process.exit_code != 0
    assert "articles/2020/taker.md" in log and "images/photo.jpg" in log


def test_the_devserver_watcher_survives_dangling_links_and_fifos(content):
    from scripts.devserver import snapshot

    os.symlink(content / "images" / "gone.png", content / "images" / "photo.png")
    os.mkfifo(content / "images" / "pipe")
    stamps = snapshot(content)  # neither followed nor read: the build reports both
    assert str(content / "images" / "photo.png") in stamps
    assert str(content / "images" / "pipe") in stamps


@pytest.mark.slow
def test_make_publish_refuses_before_anything_reads_the_content(tmp_path, content):
    outside = _outside(tmp_path)
    (outside / "notes.md").write_text(
        post("Private notes", 2, body="Call Jo on 07700 900123 at 10 Acacia Avenue, SW1A 1AA."),
        encoding="utf-8",
    )
    os.symlink(outside / "notes.md", content / "articles" / "2020" / "notes.md")
    output = tmp_path / "site"
    command = [
        sys.executable,
        str(ROOT / "scripts" / "publish.py"),
        "--content",
        str(content),
        "--output",
        str(output),
    ]
    env = {**os.environ, "SITEURL": "https://blog.example.org"}
    process = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )
    out = " ".join((process.stdout + process.stderr).split())
    assert process.returncode != 0
    assert "articles/2020/notes.md is a link to" in out and "outside the folder" in out
    assert "07700" not in out and "SW1A" not in out  # the linked file was never read
    assert not output.exists() or not any(output.rglob("*.html"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("original", "shown"),
    [
        ("https://chris.blogspot.com/index.html", "'index.html'"),
        ("https://chris.blogspot.com/archives/index.html", "'archives/index.html'"),
        ("https://chris.blogspot.com/topics/supervision/index.html", "topics/supervision"),
        ("https://chris.blogspot.com/2020/03/a-post/index.html", "2020/03/a-post/index.html"),
    ],
)
def test_an_old_blogger_address_may_not_replace_a_page_of_the_site(
    tmp_path, content, original, shown
):
    (content / "articles" / "2020" / "old.md").write_text(
        post("Old", 2, f"slug: old\noriginal_url: {original}\n")
    )
    process = build_site(content, tmp_path / "out", check=False)
    log = " ".join(process.log.split())
    assert process.exit_code != 0
    assert "articles/2020/old.md (the page at its original_url)" in log and shown in log
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


def test_a_blogger_takeout_folder_with_a_link_out_is_refused(tmp_path):
    takeout = tmp_path / "Takeout" / "Blogger" / "Blogs" / "My blog"
    takeout.mkdir(parents=True)
    outside = _outside(tmp_path)
    export = ROOT / "tests" / "fixtures" / "blogger-export" / "blog-07-03-2019.xml"
    shutil.copy(export, outside / "feed.atom")  # a real export, read if the link is followed
    os.symlink(outside / "feed.atom", takeout / "feed.atom")
    with pytest.raises(ImportFailed) as caught:
        import_sources(tmp_path / "Takeout", tmp_path / "content" / "articles")
    assert "feed.atom is a link to" in str(caught.value)
    assert not (tmp_path / "content").exists()
