"""The in-process site build (tests/sitebuild.py) writes and says what `pelican` does, and no
build leaks into the next: signals, log de-duplication, fatal level, handlers, environment."""

import hashlib
import logging
import os
from pathlib import Path

import pelican.log
import pytest
from pelican.plugins import signals

from tests.sitebuild import FIXTURES, ROOT, build, build_site, run_pelican

BARE = {"PLUGINS": ["plugins.yaml_metadata", "plugins.reading_time"]}


def hashes(folder):
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def connected():
    """{signal name: number of receivers} for every Pelican signal that has any."""
    return {
        name: len(value.receivers)
        for name, value in vars(signals).items()
        if hasattr(value, "receivers") and value.receivers
    }


def test_the_site_is_byte_for_byte_what_the_pelican_command_writes(tmp_path):
    ours = build_site(FIXTURES / "site", tmp_path / "ours")
    process = run_pelican(FIXTURES / "site", tmp_path / "command")
    assert process.returncode == 0, process.stdout + process.stderr
    assert ours.exit_code == 0
    assert hashes(tmp_path / "ours") == hashes(tmp_path / "command")
    assert "Done: Processed 5 articles" in ours.console


@pytest.mark.parametrize("tree", ["broken-no-title", "broken-warnings", "broken-missing-link"])
def test_the_messages_and_exit_status_are_the_commands(tmp_path, tree):
    ours = build_site(FIXTURES / tree, tmp_path / "ours", check=False)
    process = run_pelican(FIXTURES / tree, tmp_path / "command")
    console = " ".join((process.stdout + process.stderr).split())
    assert ours.exit_code == process.returncode
    assert ours.messages, "the build said nothing"
    for message in ours.messages:
        # Line by line: the console ends a message's first line with the logger's file name.
        for line in message.text.splitlines():
            assert " ".join(line.split()) in console, message
        assert message.levelname in console
    assert ("Traceback" in ours.log) == ("Traceback" in console)


def test_a_plugin_of_one_build_does_not_run_in_the_next(tmp_path):
    build_site(FIXTURES / "site", tmp_path / "full")
    assert (tmp_path / "full" / "topics").is_dir() and (tmp_path / "full" / "pagefind").is_dir()
    assert connected() == {}, "receivers stayed connected after the build"
    build(FIXTURES / "site", tmp_path / "bare", settings=BARE)
    # Without the topics and search plugins there are no topic pages and no search index,
    # although both plugins connected their receivers in the build before.
    assert not (tmp_path / "bare" / "topics").exists()
    assert not (tmp_path / "bare" / "pagefind").exists()
    process = command_build_bare(tmp_path / "command")
    assert process.returncode == 0, process.stdout + process.stderr
    assert hashes(tmp_path / "bare") == hashes(tmp_path / "command")


def command_build_bare(output):
    plugins = '["plugins.yaml_metadata", "plugins.reading_time"]'
    return run_pelican(FIXTURES / "site", output, extra_settings={"PLUGINS": plugins})


def test_a_warning_said_in_one_build_is_said_again_in_the_next(tmp_path):
    # Pelican's log filter drops a message it has seen: one process, one set of seen messages.
    first = build_site(FIXTURES / "broken-warnings", tmp_path / "one")
    second = build_site(FIXTURES / "broken-warnings", tmp_path / "two")
    assert first.texts() and second.texts() == first.texts()


def _process_state():
    """What a build could leave changed in this process: log handlers and levels, cwd, env."""
    root = logging.getLogger()
    return (
        root.handlers[:],
        root.level,
        pelican.log.FatalLogger.fatal_lvl,
        os.getcwd(),
        dict(os.environ),
    )


def test_a_stopped_build_leaves_the_process_as_it_found_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SITEBUILD_PROBE", "kept")
    before = _process_state()
    stopped = build_site(
        FIXTURES / "broken-no-title", tmp_path / "stopped", env={"SITEURL": "x"}, check=False
    )
    assert stopped.exit_code == 1
    assert "the post has no title" in stopped.log
    after = _process_state()
    assert after == before
    assert connected() == {}
    # The next build is not stopped by what the first one said.
    assert build_site(FIXTURES / "site", tmp_path / "next").exit_code == 0


def test_each_build_has_a_cache_of_its_own_unless_given_one(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    for day in (1, 2):
        (content / "articles" / f"post-{day}.md").write_text(
            f"---\ntitle: Post {day}\ndate: 2020-01-0{day} 10:00\n---\n"
            "The Ofsted inspection report came out. Ofsted inspectors and the inspection team.\n",
            encoding="utf-8",
        )
    report = {"THEMES_REPORT_LEVEL": "warning"}  # each post's detected themes, or "kept"
    first = build(content, tmp_path / "one", settings=report)
    second = build(content, tmp_path / "two", settings=report)
    assert "post-1.md has no theme tags; detected" in first.log
    assert second.texts() == first.texts(), "the second build read the first one's cache"
    assert not [path for path in (first.cache, second.cache) if path.exists()]
    assert ROOT not in first.cache.parents
    # Given the same cache folder, the second build is a warm one that reads it.
    cache = tmp_path / "cache"
    build(content, tmp_path / "three", settings=report, cache=cache)
    warm = build(content, tmp_path / "four", settings=report, cache=cache)
    assert "post-1.md has no theme tags; detected" not in warm.log
    assert any("kept the themes detected" in text for text in warm.texts()), warm.log


def test_a_plugin_logger_made_before_pelican_log_is_refused(tmp_path):
    manager = logging.Logger.manager
    plain = logging.Logger("plugins.made_too_early")
    manager.loggerDict[plain.name] = plain
    try:
        with pytest.raises(AssertionError, match="plugins.made_too_early"):
            build_site(FIXTURES / "site", tmp_path / "out")
    finally:
        del manager.loggerDict[plain.name]
