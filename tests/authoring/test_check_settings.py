"""`make check` refuses plugin settings the build would refuse, with the same words."""

import subprocess
import sys

import pytest

from scripts.check_content import check
from tests.conftest import FIXTURES, ROOT


def conf_with(tmp_path, lines):
    conf = tmp_path / "wrong.conf.py"
    # The project's settings (read as from the project folder), then the wrong line.
    real = str(ROOT / "pelican.conf.py")
    conf.write_text(f"__file__ = {real!r}\nexec(open(__file__).read())\n" + lines)
    return conf


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("RELATED_POSTS_MAX = -1", "RELATED_POSTS_MAX = -1 is less than 0"),
        ("TOPICS_URLS = 'x/'", "did you mean TOPICS_URL for TOPICS_URLS?"),
        ("BUILD_WORKERS = 'two'", "BUILD_WORKERS = 'two'"),
        ("SITEMAP_TOPICS_URL = 'subjects/'", "SITEMAP_TOPICS_URL is no longer a setting"),
    ],
)
def test_a_wrong_plugin_setting_is_an_error_naming_the_settings_file(tmp_path, line, words):
    conf = conf_with(tmp_path, line + "\n")
    count, problems = check(str(FIXTURES / "site"), str(conf))
    assert count == 0  # the build would stop before reading a post; so does the check
    assert len(problems) == 1 and problems[0].severity == "error"
    shown = str(problems[0])
    assert words in shown and "Fix:" in shown and "wrong.conf.py" in shown, shown


def test_make_check_exits_non_zero_on_a_wrong_setting(tmp_path):
    conf = conf_with(tmp_path, "READING_TIME_WORDS_PER_MINUTE = 0\n")
    command = [sys.executable, str(ROOT / "scripts" / "check_content.py"), str(FIXTURES / "site")]
    process = subprocess.run([*command, "-s", str(conf)], capture_output=True, text=True)
    assert process.returncode == 1, process.stdout + process.stderr
    assert "READING_TIME_WORDS_PER_MINUTE = 0" in process.stdout
    assert "Traceback" not in process.stderr
