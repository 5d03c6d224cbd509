"""Where the privacy check runs: `make check`, the devserver console, `make publish`."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "tests" / "fixtures" / "privacy-site"
POSTS = "tests/fixtures/privacy-site/articles/2019"


def run(*command, env=None):
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, capture_output=True, text=True, env=env
    )


def test_make_check_lists_every_privacy_finding_with_file_and_line():
    process = run("scripts/check_content.py", str(SITE))
    assert process.returncode == 1  # the phone number in a comment is an error
    lines = process.stdout.splitlines()
    assert (
        f"error: {POSTS}/home-visit.comments.yaml, line 9: privacy: '0161 496 0734' is a phone "
        "number, which identifies a person directly. Remove it; to point readers to a service, "
        "link to its public contact page."
    ) in lines
    warning = next(line for line in lines if "jigsaw" in line)
    assert warning.startswith(
        f"warning: {POSTS}/home-visit.md, line 9: privacy: 'Kayleigh' (a person's name), "
        "'was only three' (an age or school year) together in one paragraph"
    )
    assert any(
        line.startswith(f"warning: {POSTS}/care-crisis.md, line 9: privacy: 'Kayleigh'")
        and "also appears in" in line
        for line in lines
    )
    # Image alt text is checked.
    assert any(
        line.startswith(f"note: {POSTS}/home-visit.md, line 11: privacy: 'Walthamstow'")
        for line in lines
    )
    assert lines[-1] == "Checked 3 files: 1 error(s), 4 warning(s), 2 privacy note(s)."


def test_public_record_in_front_matter_is_honoured_for_the_items_listed_only():
    process = run("scripts/check_content.py", str(SITE))
    review = [line for line in process.stdout.splitlines() if "reading-the-review.md" in line]
    assert len(review) == 1, review
    assert f"note: {POSTS}/reading-the-review.md, line 14: privacy: 'Jordan'" in review[0]


def test_a_public_record_entry_without_a_source_is_a_front_matter_error(tmp_path):
    post = tmp_path / "articles" / "x.md"
    post.parent.mkdir()
    post.write_text(
        "---\ntitle: X\ndate: 2019-01-01\npublic_record: [Peter Connelly]\n---\nText.\n",
        encoding="utf-8",
    )
    process = run("scripts/check_content.py", str(tmp_path))
    assert process.returncode == 1
    assert "line 4: the public_record entry 'Peter Connelly' needs a name (or fact) and its " in (
        process.stdout
    )


def test_the_real_blog_has_no_privacy_error():
    process = run("scripts/check_content.py", str(ROOT / "content"))
    assert process.returncode == 0, process.stdout
    assert not [line for line in process.stdout.splitlines() if line.startswith("error:")]


def test_the_devserver_reports_privacy_findings_for_the_post_saved(tmp_path, capsys):
    from scripts.devserver import Builder

    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    builder = Builder(content, tmp_path / "output", ROOT / "pelican.conf.py")
    saved = content / "articles" / "2019" / "reading-the-review.md"
    builder.report_privacy({str(saved)})
    out = capsys.readouterr().out
    assert "reading-the-review.md, line 14: privacy: 'Jordan'" in out
    assert "home-visit.md" not in out  # only the post saved


@pytest.mark.slow
def test_make_publish_refuses_a_post_with_a_privacy_error(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "drafts", content)
    (content / "articles" / "2018" / "contact.md").write_text(
        "---\ntitle: Contact\ndate: 2018-05-01\n---\nRing me on 0161 496 0734.\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    env = {**os.environ, "SITEURL": "https://blog.example.org"}
    process = subprocess.run(
        ["make", "-s", "publish", f"INPUTDIR={content}", f"OUTPUTDIR={output}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert process.returncode != 0
    assert (
        "publish: 1 privacy error(s): a post would identify someone, so it is not published:"
        in process.stderr
    )
    assert "contact.md, line 5: privacy: '0161 496 0734' is a phone number" in process.stderr
    assert f"publish: nothing was published; {output} is unchanged." in process.stderr
    assert not output.exists() and not (tmp_path / "output.new").exists()


def test_a_privacy_error_in_a_draft_does_not_stop_publishing(tmp_path):
    from plugins.privacy_check import publish_blockers

    post = tmp_path / "articles" / "draft.md"
    post.parent.mkdir()
    text = "---\ntitle: D\ndate: 2019-01-01\nstatus: {}\n---\nThey moved to SK4 2QX.\n"
    post.write_text(text.format("draft"), encoding="utf-8")
    assert publish_blockers(tmp_path) == []
    post.write_text(text.format("published"), encoding="utf-8")
    assert [f.words for f in publish_blockers(tmp_path)] == [("SK4 2QX",)]


def test_a_broken_comments_file_is_a_warning_and_the_post_is_still_checked(tmp_path):
    from plugins.privacy_check import check_files

    post = tmp_path / "visit.md"
    post.write_text("---\ntitle: V\ndate: 2019-01-01\n---\nWrite to SK4 2QX.\n", "utf-8")
    (tmp_path / "visit.comments.yaml").write_text("comments:\n- text: [unclosed\n", "utf-8")
    findings, _ = check_files([post])
    assert [(f.severity, f.path.endswith("visit.comments.yaml")) for f in findings] == [
        ("warning", True),
        ("error", False),
    ]
    assert "the comments file is not valid YAML" in findings[0].problem


def test_a_post_with_broken_front_matter_is_left_to_the_build_to_report(tmp_path):
    from plugins.privacy_check import publish_blockers

    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nSK4 2QX\n", "utf-8")
    assert publish_blockers(tmp_path) == []


def test_the_devserver_cache_rereads_a_post_only_when_it_changes(tmp_path):
    from plugins.privacy_check import check_files

    post = tmp_path / "visit.md"
    post.write_text("---\ntitle: V\ndate: 2019-01-01\n---\nA calm visit.\n", "utf-8")
    cache = {}
    assert check_files([post], cache=cache)[0] == []
    post.write_text("---\ntitle: V\ndate: 2019-01-01\n---\nWrite to SK4 2QX now.\n", "utf-8")
    os.utime(post, ns=(1, 2_000_000_000_000_000_000))  # a new time stamp, whatever the clock
    assert [f.words for f in check_files([post], cache=cache)[0]] == [("SK4 2QX",)]


def test_an_authors_own_contact_address_listed_as_public_record_does_not_stop_publishing(
    tmp_path,
):
    from plugins.privacy_check import publish_blockers

    page = tmp_path / "pages" / "about.md"
    page.parent.mkdir()
    text = "---\ntitle: About\n{}---\nWrite to me at chris@example.org.\n"
    page.write_text(text.format(""), encoding="utf-8")
    assert [f.words for f in publish_blockers(tmp_path)] == [("chris@example.org",)]
    listed = "public_record:\n  - fact: chris@example.org\n    source: my own address\n"
    page.write_text(text.format(listed), encoding="utf-8")
    assert publish_blockers(tmp_path) == []


def test_the_title_and_summary_are_checked_at_their_own_lines(tmp_path):
    from plugins.privacy_check import check_files

    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: What Kayleigh, aged 4, taught me\ndate: 2019-01-01\n"
        "summary: A visit in Walthamstow.\n---\nA calm paragraph.\n",
        encoding="utf-8",
    )
    findings, _ = check_files([post])
    assert [(f.line, f.severity, f.words) for f in findings] == [
        (2, "warning", ("Kayleigh", "aged 4")),
        (4, "note", ("Walthamstow",)),
    ]
    assert "together in one title" in findings[0].problem


def test_many_posts_read_in_a_pool_give_the_same_findings_as_one_process():
    from plugins.privacy_check import check_files, post_files

    posts = post_files(SITE) + post_files(ROOT / "content")
    alone, alone_statuses = check_files(posts, pool_min=10**9)
    pooled, pooled_statuses = check_files(posts, pool_min=1)
    assert any(f.severity == "error" for f in alone), "the fixture must hold findings to compare"
    assert pooled == alone and pooled_statuses == alone_statuses
