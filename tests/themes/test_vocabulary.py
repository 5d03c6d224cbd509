"""The vocabulary file: the required themes, lookups, and clear errors for bad entries."""

import textwrap

import pytest

from plugins.themes import Theme, VocabularyError, load_vocabulary, parse_vocabulary
from plugins.themes.settings import DEFAULT_VOCABULARY

REQUIRED = [
    "hcpc-referrals",
    "accreditation",
    "recruitment",
    "blame-culture",
    "risk-aversion",
    "supervision",
    "serious-case-reviews",
    "ofsted-inspection",
    "learning-culture",
    "caseloads-and-resources",
    "media-and-politics",
    "childrens-rights",
    "care-system",
    "professional-judgement",
    "multi-agency-work",
]


def test_project_vocabulary_has_every_required_theme_with_a_description(vocabulary):
    assert [slug for slug in REQUIRED if slug not in vocabulary] == []
    for theme in vocabulary:
        assert isinstance(theme, Theme)
        assert len(theme.description.split()) >= 15, theme.slug
        assert theme.url == f"topics/{theme.slug}/"
        assert theme.phrases or theme.synonyms


def test_default_setting_points_at_the_project_file_by_absolute_path():
    assert DEFAULT_VOCABULARY.endswith("content/themes.yaml")
    assert load_vocabulary(DEFAULT_VOCABULARY).slugs[0] == "hcpc-referrals"


def test_lookup_by_slug_name_and_synonym_ignores_case_and_punctuation(vocabulary):
    assert vocabulary["blame-culture"].name == "Blame culture"
    assert vocabulary.lookup("HCPC").slug == "hcpc-referrals"
    assert vocabulary.lookup("health and care professions council").slug == "hcpc-referrals"
    assert vocabulary.lookup("Childrens Rights").slug == "childrens-rights"
    assert vocabulary.lookup("looked-after children").slug == "care-system"
    assert vocabulary.lookup("Gardening") is None
    assert vocabulary.get("nope") is None


def test_themes_are_frozen_and_hashable(vocabulary):
    theme = vocabulary["supervision"]
    with pytest.raises(AttributeError):
        theme.slug = "other"
    assert {theme: 1}[vocabulary["supervision"]] == 1


def parse(text):
    return parse_vocabulary(textwrap.dedent(text), "themes.yaml")


GOOD = """
themes:
  - slug: blame-culture
    name: Blame culture
    description: Blame and shame.
    phrases: [blame]
"""


def test_a_minimal_vocabulary_parses():
    vocabulary = parse(GOOD)
    assert vocabulary.slugs == ("blame-culture",)
    assert vocabulary["blame-culture"].phrases == ("blame",)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("themes: [\n  - slug: x\n", ["themes.yaml", "line", "not valid YAML", "Fix:"]),
        ("- slug: x\n", ["has no `themes:` list", "Fix: start the file with `themes:`"]),
        (
            "themes:\n  - name: Blame culture\n    description: d\n",
            ["entry 1 (line 2)", "has no slug", "add `slug:`"],
        ),
        (
            "themes:\n  - slug: blame\n    description: d\n",
            ["entry 1 (line 2) 'blame'", "has no name", "add `name:`"],
        ),
        (
            "themes:\n  - slug: a\n    name: A\n    description: d\n"
            "  - slug: a\n    name: B\n    description: d\n",
            ["entry 2 (line 5) 'a'", "slug 'a' is already used by entry 1", "own slug"],
        ),
        (
            "themes:\n  - slug: a\n    name: A\n    description: d\n    phrases: [ok, 42]\n",
            ["entry 1 (line 2) 'a'", "phrases item 2 is 42, not a phrase", "write each item"],
        ),
        (
            "themes:\n  - slug: a\n    name: A\n    description: d\n    phrases: blame\n",
            ["phrases is a str, not a list", "YAML list"],
        ),
        (
            "themes:\n  - slug: a\n    name: A\n    description: d\n    synonym: [x]\n",
            ["unknown field(s) synonym", "check the spelling"],
        ),
        (
            "themes:\n  - slug: Blame Culture\n    name: A\n    description: d\n",
            ["slug 'Blame Culture' is not a URL name", "lower-case letters"],
        ),
        (
            "themes:\n  - slug: a\n    name: A\n    description: d\n    synonyms: [shared]\n"
            "  - slug: b\n    name: B\n    description: d\n    synonyms: [Shared]\n",
            ["entry 2 (line 6) 'b'", "'Shared' also names theme 'a'"],
        ),
    ],
)
def test_malformed_entries_are_named_with_what_is_wrong_and_the_fix(text, expected):
    with pytest.raises(VocabularyError) as caught:
        parse_vocabulary(text, "themes.yaml")
    message = str(caught.value)
    for part in expected:
        assert part in message


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(VocabularyError, match="does not exist. Fix: create it"):
        load_vocabulary(tmp_path / "themes.yaml")


def test_authors_add_a_theme_by_editing_the_yaml_alone(tmp_path):
    path = tmp_path / "themes.yaml"
    path.write_text(
        GOOD + "  - slug: gardening\n    name: Gardening\n    description: Digging.\n"
        "    phrases: [allotment]\n",
        encoding="utf-8",
    )
    vocabulary = load_vocabulary(path)
    assert vocabulary.lookup("gardening").url == "topics/gardening/"


def test_a_build_parses_the_vocabulary_once_and_an_edit_to_it_again(tmp_path):
    # A build loads the vocabulary four times; the devserver loads it again on every save.
    path = tmp_path / "themes.yaml"
    path.write_text(textwrap.dedent(GOOD), encoding="utf-8")
    first = load_vocabulary(path)
    assert load_vocabulary(path) is first
    path.write_text(textwrap.dedent(GOOD).replace("Blame culture", "Culture of blame"), "utf-8")
    edited = load_vocabulary(path)
    assert edited["blame-culture"].name == "Culture of blame"
    assert load_vocabulary(path) is edited
