"""Each test's tier (unit, site, browser, slow) comes from what it does (tests/conftest.py)."""

import subprocess
import sys

from tests.conftest import ROOT, _reaches_site
from tests.sitebuild import build_site


def _plain(text):
    return text.upper()


def _builds_a_site(tmp_path):
    return build_site(tmp_path, tmp_path / "out")


def _calls_a_helper_that_builds(tmp_path):
    return _builds_a_site(tmp_path)


def _runs_a_command():
    return subprocess.run(["true"], check=False)


def _imports_the_builder_inside():
    from tests.sitebuild import build

    return build


def test_what_a_function_reaches_decides_its_tier():
    assert not _reaches_site(_plain, set())
    assert _reaches_site(_builds_a_site, set())
    assert _reaches_site(_calls_a_helper_that_builds, set())
    assert _reaches_site(_runs_a_command, set())
    assert _reaches_site(_imports_the_builder_inside, set())
    assert _reaches_site(lambda: _runs_a_command(), set())


def test_the_unit_tier_builds_nothing_and_opens_no_browser():
    files = ["tests/themes/test_detect.py", "tests/site/test_theme_site.py"]
    files += ["tests/themes/test_site.py", "tests/real_site", "tests/browser/test_reading.py"]
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    process = subprocess.run(
        [*command, "-m", "unit", *files], cwd=ROOT, capture_output=True, text=True
    )
    lines = [line for line in process.stdout.splitlines() if "::" in line]
    unit = {line.split("::")[1].split("[")[0] for line in lines}
    # Plain functions are in it; not a test that reads the session's built site, one that
    # takes a variant build by name (request.getfixturevalue), one whose module fixture
    # builds, nor a browser test.
    assert {"test_phrase_rules", "test_synonyms_and_phrases_find_the_theme"} <= unit
    assert "test_every_internal_link_resolves" not in unit
    assert "test_tag_pages_list_exactly_their_posts" not in unit
    assert "test_first_prose_mention_is_linked_relative_to_the_article" not in unit
    assert not [line for line in lines if line.startswith("tests/browser/")]
