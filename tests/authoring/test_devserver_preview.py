"""A save that changes only a post's body: the devserver writes that post's page first (from the
last build), then runs the full rebuild, which leaves the site as a fresh build would
(scripts/preview.py, scripts/devserver.py)."""

import logging
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import signals

from scripts.devserver import Builder
from tests.sitebuild import FIXTURES

POST = Path("articles") / "2018" / "no-blame-culture.md"
PAGE = Path("2018") / "07" / "no-blame-culture" / "index.html"


class Events:
    """What happened during a rebuild, in order: the preview's page, the full build's start."""

    def __init__(self, builder):
        self.seen = []
        builder.on_preview = lambda page: self.seen.append(("preview", page.read_text()))

    def full_build_started(self, _pelican):
        self.seen.append(("full build", None))

    def __enter__(self):
        signals.initialized.connect(self.full_build_started)
        return self

    def __exit__(self, *exc):
        signals.initialized.disconnect(self.full_build_started)

    @property
    def order(self):
        return [name for name, _ in self.seen]

    def preview_page(self):
        return next(text for name, text in self.seen if name == "preview")


def _rebuild(builder):
    """Rebuild after a save, as the devserver does, to the end; what happened, in order."""
    with Events(builder) as events:
        assert builder.build()
        builder.finish()
    return events


def _site(tmp_path, name="content", fixture="site"):
    content = tmp_path / name
    shutil.copytree(FIXTURES / fixture, content)
    return content


def _site_without_theme_tags(tmp_path):
    """The fixture site with POST's tags removed, so its themes are detected from its text."""
    content = _site(tmp_path)
    post = content / POST
    text = post.read_text().replace(
        "tags: [Blame culture, Ofsted and inspection, Supervision]\n", ""
    )
    assert text != post.read_text(), "the fixture post's tags changed: update this helper"
    post.write_text(text, encoding="utf-8")
    return content


def _builder(tmp_path, content, label):
    builder = Builder(content, tmp_path / f"{label}-out", "pelican.conf.py", cache=tmp_path / label)
    assert builder.build()
    builder.finish()
    return builder


def _save(path, text):
    """Write TEXT to PATH with a newer mtime, as an editor's save."""
    before = path.stat().st_mtime
    path.write_text(text, encoding="utf-8")
    os.utime(path, (before + 5, before + 5))


def _files(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_body_only_save_shows_the_page_before_the_full_rebuild_which_ends_as_a_fresh_build(
    tmp_path,
):
    content = _site(tmp_path)
    builder = _builder(tmp_path, content, "dev")
    post = content / POST
    _save(post, post.read_text() + "\nA paragraph about zebrafish in the office.\n")
    events = _rebuild(builder)
    assert events.order == ["preview", "full build"]
    assert "zebrafish" in events.preview_page()
    assert builder.previewed.page == builder.output.resolve() / PAGE
    # After the full rebuild: the same bytes as a fresh build of the edited content.
    fresh = _builder(tmp_path, content, "fresh")
    assert _files(builder.output) == _files(fresh.output)
    # The page shown by the preview is the one the full build wrote (nothing else differed).
    assert events.preview_page() == (builder.output / PAGE).read_text()


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("title: No Blame Culture", "title: No Blame Culture at All", "title"),
        ("tags: [Blame culture, Ofsted", "tags: [Blame culture, Leadership, Ofsted", "tags"),
        ("date: 2018-07-26 12:00", "date: 2018-07-27 12:00", "date"),
    ],
)
def test_a_save_that_changes_a_placing_field_goes_the_full_way(tmp_path, old, new, field):
    content = _site(tmp_path)
    builder = _builder(tmp_path, content, "dev")
    post = content / POST
    text = post.read_text()
    assert old in text
    _save(post, text.replace(old, new) + "\nA paragraph about zebrafish.\n")
    events = _rebuild(builder)
    assert events.order == ["full build"]
    assert not builder.previewed
    assert f"'{field}'" in builder.previewed.reason


def test_a_second_file_saved_or_a_new_post_goes_the_full_way(tmp_path):
    content = _site(tmp_path)
    builder = _builder(tmp_path, content, "dev")
    post = content / POST
    _save(post, post.read_text() + "\nA paragraph about zebrafish.\n")
    other = content / "articles" / "2021" / "what-inspection-does-to-practice.md"
    _save(other, other.read_text() + "\nAnother paragraph.\n")
    with Events(builder) as events:
        assert builder.build()
    assert events.order == ["full build"]
    new = content / "articles" / "2018" / "a-new-post.md"
    new.write_text(post.read_text().replace("title: No Blame Culture", "title: A New Post"))
    with Events(builder) as events:
        assert builder.build()
    assert events.order == ["full build"]


def _rebuild_messages(tmp_path, label, caplog, capsys, edit, previews=True):
    """The console lines of the rebuild after EDIT(post text) on a fresh copy of the site,
    and whether a preview was written, and the page bytes before and after the preview."""
    content = _site(tmp_path, f"{label}-content")
    builder = _builder(tmp_path, content, label)
    builder.previews = previews
    post = content / POST
    page = builder.output / PAGE
    before = page.read_bytes()
    _save(post, edit(post.read_text()))
    seen = []
    builder.on_preview = lambda written: seen.append(written.read_bytes())
    capsys.readouterr()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        builder.build()
        builder.finish()

    def same(text):  # the copy's folder and the build's duration differ between the two runs
        return re.sub(r"in [0-9.]+ seconds", "in N seconds", text.replace(f"{label}-", ""))

    printed = same(capsys.readouterr().out)
    logged = [same(record.getMessage()) for record in caplog.records]
    return logged, printed, seen, before, page.read_bytes()


def _refused_preview(tmp_path, caplog, capsys, edit):
    """Rebuild after EDIT with previews on and off; assert no preview was written and the
    console said the same both ways; return (logged, printed, page before, page after)."""
    with_preview = _rebuild_messages(tmp_path, "on", caplog, capsys, edit)
    without = _rebuild_messages(tmp_path, "off", caplog, capsys, edit, previews=False)
    logged, printed, seen, before, after = with_preview
    assert seen == []  # the preview wrote nothing
    assert (logged, printed) == (without[0], without[1])
    return logged, printed, before, after


def test_broken_front_matter_gives_the_full_builds_error_and_no_preview(tmp_path, caplog, capsys):
    def broken(text):
        return text.replace("title: No Blame Culture", "title: [No Blame Culture") + "\nMore.\n"

    logged, _printed, before, after = _refused_preview(tmp_path, caplog, capsys, broken)
    assert after == before  # the last good page stays
    assert any("no-blame-culture.md, line" in message for message in logged)


def test_a_privacy_error_gives_the_full_builds_message_and_no_preview(tmp_path, caplog, capsys):
    def identifying(text):
        return text + "\nI visited Jayden Smith, aged 7, at 14 Acacia Avenue, Bolton BL1 4AA.\n"

    _logged, printed, _before, _after = _refused_preview(tmp_path, caplog, capsys, identifying)
    assert "error: " in printed and "privacy" in printed


def test_the_preview_carries_the_posts_new_glossary_marks_and_themes(tmp_path):
    content = _site_without_theme_tags(tmp_path)
    post = content / POST
    text = post.read_text()
    builder = _builder(tmp_path, content, "dev")
    old = BeautifulSoup((builder.output / PAGE).read_text(), "html.parser")
    assert not old.select('a[href*="glossary/#term-hcpc"]')
    assert not old.select('a[href*="topics/hcpc-referrals/"]')
    addition = "".join(
        f"\n{sentence}\n"
        for sentence in (
            "The HCPC opened a fitness to practise investigation into a colleague.",
            "Her referral to the regulator came after one missed visit.",
            "The misconduct hearing lasted three days.",
            "The conduct and competence committee gave her a caution order.",
            "Another worker was struck off and removed from the register.",
            "The Health and Care Professions Council called it a misconduct case.",
        )
    )
    _save(post, text + addition)
    events = _rebuild(builder)
    assert events.order == ["preview", "full build"]
    shown = BeautifulSoup(events.preview_page(), "html.parser")
    assert shown.select('a[href*="glossary/#term-hcpc"]')  # the term added is marked
    assert shown.select('a[href*="topics/hcpc-referrals/"]')  # the theme it now has
    final = BeautifulSoup((builder.output / PAGE).read_text(), "html.parser")
    assert shown.select('a[href*="topics/hcpc-referrals/"]') == final.select(
        'a[href*="topics/hcpc-referrals/"]'
    )


def test_the_devserver_runs_the_full_rebuild_in_a_thread_after_a_preview(tmp_path):
    content = _site(tmp_path)
    builder = _builder(tmp_path, content, "dev")
    builder.background = True
    done = threading.Event()
    told = []
    builder.after_full = lambda ok, changed: (told.append((ok, changed)), done.set())
    post = content / POST
    _save(post, post.read_text() + "\nA paragraph about zebrafish.\n")
    assert builder.build()  # returns with the preview written: the browser reloads now
    assert "zebrafish" in (builder.output / PAGE).read_text()
    assert done.wait(120)
    builder.finish()
    assert told == [(True, False)]  # the full build wrote the same page: no second reload


def test_with_the_devservers_console_report_connected_a_body_save_is_previewed(tmp_path):
    # main() connects remember_articles (its console report) as `make devserver` runs it.
    from scripts.devserver import remember_articles

    signals.all_generators_finalized.connect(remember_articles)
    try:
        content = _site(tmp_path)
        builder = _builder(tmp_path, content, "dev")
        post = content / POST
        _save(post, post.read_text() + "\nA paragraph about zebrafish.\n")
        events = _rebuild(builder)
    finally:
        signals.all_generators_finalized.disconnect(remember_articles)
    assert events.order == ["preview", "full build"]


def test_a_plugin_step_the_preview_does_not_know_sends_every_save_the_full_way(tmp_path):
    def count_words(generator):  # a plugin's receiver the preview has no entry for
        return None

    content = _site(tmp_path)
    builder = _builder(tmp_path, content, "dev")
    signals.article_generator_finalized.connect(count_words)
    try:
        post = content / POST
        _save(post, post.read_text() + "\nA paragraph about zebrafish.\n")
        events = _rebuild(builder)
    finally:
        signals.article_generator_finalized.disconnect(count_words)
    assert events.order == ["full build"]
    assert "count_words" in builder.previewed.reason


def test_the_devserver_reloads_again_when_the_full_rebuild_changes_the_page(tmp_path):
    content = _site_without_theme_tags(tmp_path)
    post = content / POST
    text = post.read_text()
    builder = _builder(tmp_path, content, "dev")
    builder.background = True
    done = threading.Event()
    told = []
    builder.after_full = lambda ok, changed: (told.append((ok, changed)), done.set())
    shown = []
    builder.on_preview = lambda page: shown.append(page.read_bytes())
    # The post loses its Ofsted theme: the preview still shows the last build's neighbours in
    # that topic; the full rebuild works them out again, and the page changes.
    _save(post, text.replace("Ofsted", "the regulator").replace("inspection", "visit"))
    assert builder.build()
    assert done.wait(120)
    builder.finish()
    assert len(shown) == 1
    assert told == [(True, True)]
    assert (builder.output / PAGE).read_bytes() != shown[0]


def test_a_drafts_body_save_is_previewed_at_its_draft_address(tmp_path):
    content = _site(tmp_path, fixture="drafts")
    builder = _builder(tmp_path, content, "dev")
    draft = content / "articles" / "2018" / "unfinished.md"
    page = builder.output / "drafts" / "an-unfinished-draft" / "index.html"
    assert page.exists()
    _save(draft, draft.read_text() + "\nA paragraph about zebrafish.\n")
    events = _rebuild(builder)
    assert events.order == ["preview", "full build"]
    assert "zebrafish" in events.preview_page()
    assert events.preview_page() == page.read_text()
    fresh = _builder(tmp_path, content, "fresh")
    assert _files(builder.output) == _files(fresh.output)


def test_while_the_full_rebuild_runs_only_the_previewed_page_and_non_pages_are_served(tmp_path):
    from types import SimpleNamespace

    from scripts.devserver import waits_for_rebuild
    from scripts.preview import Preview

    output = tmp_path / "output"
    (output / PAGE).parent.mkdir(parents=True)
    (output / PAGE).write_text("<p>previewed</p>")
    (output / "theme" / "css").mkdir(parents=True)
    release = threading.Event()
    full = threading.Thread(target=release.wait)
    full.start()
    builder = SimpleNamespace(output=output, full=full, previewed=Preview(page=output / PAGE))
    try:
        assert not waits_for_rebuild(builder, "2018/07/no-blame-culture/")
        assert not waits_for_rebuild(builder, "2018/07/no-blame-culture/index.html")
        assert not waits_for_rebuild(builder, "theme/css/style.css")
        assert waits_for_rebuild(builder, "")  # the home page: being written
        assert waits_for_rebuild(builder, "2021/03/what-inspection-does-to-practice/")
    finally:
        release.set()
        full.join()
    assert not waits_for_rebuild(builder, "")  # the rebuild is done: everything is served


def test_an_editors_backup_and_swap_files_beside_the_post_do_not_stop_the_preview(tmp_path):
    content = _site(tmp_path)
    builder = _builder(tmp_path, content, "dev")
    post = content / POST
    swap = post.with_name(f".{post.name}.swp")  # vim, while the post is open
    swap.write_bytes(b"b0VIM")
    builder.build()
    builder.finish()
    post.with_name(post.name + "~").write_text(post.read_text())  # the backup a save leaves
    swap.write_bytes(b"b0VIM 9")
    _save(post, post.read_text() + "\nA paragraph about zebrafish.\n")
    swap.unlink()  # the editor closed
    events = _rebuild(builder)
    assert events.order == ["preview", "full build"]


def test_a_content_check_error_in_the_body_gives_the_full_builds_message_and_no_preview(
    tmp_path, caplog, capsys
):
    def broken_link(text):
        return text + "\nThen read [the follow-up]({filename}no-blame-culture-part-two.md).\n"

    logged, _printed, _before, _after = _refused_preview(tmp_path, caplog, capsys, broken_link)
    assert any("no-blame-culture-part-two.md" in message for message in logged)
