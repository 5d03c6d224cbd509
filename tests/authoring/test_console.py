"""What an author reads on the console: each line actionable or wanted, and said once."""

import shutil

from authoring_helpers import FIXTURES, PELICAN, ROOT, flat, run

from plugins.console import LISTED_MOST, MORE, themes_message
from plugins.themes.detect import detect_themes
from plugins.themes.report import theme_report
from plugins.themes.vocabulary import load_vocabulary


def test_a_local_build_prints_only_its_summary(build_messages):
    code, messages = build_messages("drafts")
    assert code == 0
    # Local feeds have relative links on purpose; Pelican's warning about it helps nobody.
    assert "Feeds generated without SITEURL" not in messages
    assert messages.startswith("Done: Processed 1 article, 1 draft"), messages


def test_make_html_and_make_check_do_not_echo_their_command_lines(tmp_path):
    for target in ("html", "check"):
        process = run(
            ["make", "--no-print-directory", target, f"INPUTDIR={FIXTURES / 'drafts'}"]
            + [f"OUTPUTDIR={tmp_path / 'out'}"]
        )
        assert process.returncode == 0, process.stdout + process.stderr
        assert "pelican.conf.py" not in process.stdout + process.stderr


def test_the_themes_report_counts_whole_sentences():
    vocabulary = load_vocabulary(ROOT / "content" / "themes.yaml")
    title = "A better week"
    # Two sentences with a strong phrase, one with only a weak one: the detector's own reason
    # for choosing the theme is "2.5 sentences".
    text = (
        "Reflective supervision helped me think. The supervisor listened. The team felt supported."
    )
    evidence = {e.theme.slug: e for e in detect_themes(text, vocabulary, title=title)}
    chosen = evidence["supervision"]
    assert chosen.selected and chosen.reason == "2.5 sentences"
    lines = theme_report(title, "post.md", [chosen.theme], evidence, source="detected")
    report = "\n".join(lines)
    assert ".5" not in report
    assert report.endswith("found in 3 sentences")


def fresh_build(name, tmp_path):
    """Build a copy of fixture NAME (a new folder: no build cache from an earlier run)."""
    content = tmp_path / name
    shutil.copytree(FIXTURES / name, content)
    command = [str(PELICAN), str(content), "-o", str(tmp_path / "out")]
    process = run([*command, "-s", str(ROOT / "pelican.conf.py"), "--fatal", "errors"])
    return process.returncode, flat(process.stdout + process.stderr)


def test_a_post_without_themes_is_reported_once(tmp_path):
    code, messages = fresh_build("broken-warnings", tmp_path)
    assert code == 0
    # The checks' warning (with the fix) only; not also the themes plugin's own line.
    assert messages.count("quiet.md") == 1, messages
    assert "quiet.md: no theme was found for this post" in messages
    assert "long.md has no theme tags; detected Supervision" in messages  # still said


def test_an_unknown_themes_exclude_entry_is_reported_once(tmp_path):
    code, messages = fresh_build("broken-theme-name", tmp_path)
    assert code != 0
    assert messages.count("blame-cultur'") == 1, messages
    assert "line 6: 'themes_exclude' lists 'blame-cultur', which is not a theme" in messages


def test_the_themes_message_keeps_every_post_that_has_detected_themes():
    advice = "Add them to tags: to keep them, or list a slug in themes_exclude: to drop one."
    message = "\n".join(
        [
            "themes: 3 posts have no theme tags:",
            "a.md has no theme tags; detected Supervision (title).",
            "b.md has no theme tags and no theme was detected",
            "c.md has no theme tags; detected Caseloads (x2).",
            advice,
        ]
    )
    assert themes_message(message).split("\n") == [
        "themes: 2 posts have no theme tags:",
        "a.md has no theme tags; detected Supervision (title).",
        "c.md has no theme tags; detected Caseloads (x2).",
        advice,
    ]
    two = message.replace("c.md has no theme tags; detected Caseloads (x2).", "")
    assert themes_message(two.replace("3 posts", "2 posts").replace("\n\n", "\n")) == (
        f"themes: a.md has no theme tags; detected Supervision (title). {advice}"
    )
    assert themes_message("themes: b.md has no theme tags and no theme was detected") is None


def test_the_themes_message_lists_at_most_ten_posts_and_counts_the_rest():
    advice = "Add them to tags: to keep them, or list a slug in themes_exclude: to drop one."
    detected = [f"p{n:03}.md has no theme tags; detected Supervision (title)." for n in range(30)]
    undetected = [f"q{n}.md has no theme tags and no theme was detected" for n in range(3)]
    message = "\n".join(["themes: 33 posts have no theme tags:", *detected, *undetected, advice])
    lines = themes_message(message).split("\n")
    # The count is of every post the console would have listed, not only those shown.
    assert lines[0] == "themes: 30 posts have no theme tags:"
    assert lines[1 : LISTED_MOST + 1] == detected[:LISTED_MOST]
    assert lines[LISTED_MOST + 1] == MORE.format(count=30 - LISTED_MOST)
    assert "`make themes`" in lines[LISTED_MOST + 1]
    assert lines[-1] == advice
    assert len(lines) == LISTED_MOST + 3
    # Up to the limit, every post is listed and nothing is counted.
    full = "\n".join(
        [f"themes: {LISTED_MOST} posts have no theme tags:", *detected[:LISTED_MOST], advice]
    )
    assert themes_message(full) == full
