"""GLOSSARY_* and CPD_* settings: defaults filled in, mistakes named with the fix."""

import pytest

from plugins.glossary import SETTINGS, GlossarySettingsError
from plugins.glossary.settings import check_settings, site_owned_paths


def test_defaults_and_site_owned_paths():
    settings = check_settings({})
    assert {key: settings[key] for key in SETTINGS} == SETTINGS
    assert site_owned_paths(settings) == ["glossary/index.html", "cpd/"]
    moved = check_settings({"CPD_SAVE_AS": "print/{slug}.html", "GLOSSARY_SAVE_AS": "words.html"})
    assert site_owned_paths(moved) == ["words.html", "print/"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"GLOSSARY_TERM": True}, "unknown setting(s) GLOSSARY_TERM; the glossary plugin knows"),
        ({"GLOSSARY_TERMS": "yes"}, "GLOSSARY_TERMS = 'yes' is not True or False"),
        ({"CPD_URL": "cpd/"}, "CPD_URL = 'cpd/' has no {slug}, so every post would share one"),
        ({"GLOSSARY_URL": "/glossary/"}, "GLOSSARY_URL = '/glossary/' is not a relative path"),
    ],
)
def test_bad_settings_are_named(settings, message):
    with pytest.raises(GlossarySettingsError) as caught:
        check_settings(settings)
    assert message in str(caught.value) and "Fix:" in str(caught.value)


def test_empty_cpd_settings_turn_the_pages_off():
    settings = check_settings({"CPD_URL": "", "CPD_SAVE_AS": ""})
    assert site_owned_paths(settings) == ["glossary/index.html"]
    with pytest.raises(GlossarySettingsError, match="CPD_SAVE_AS = '' is not a relative path"):
        check_settings({"CPD_SAVE_AS": ""})
