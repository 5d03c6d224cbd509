"""Tags and themes: labels join themes, plain tags stay, authors' tags and exclusions win."""

from plugins.themes import markdown_text, tags_for_import, themes_for_post
from plugins.themes.tagging import split_tags

HCPC_TEXT = (
    "Another social worker was referred to the HCPC. The fitness to practise hearing took a "
    "year. The Health and Care Professions Council found no case to answer."
)
INSPECTION_TEXT = (
    "Ofsted's inspection praised our paperwork. Inspectors read records for two days. "
    "The inspection report said little about families."
)


def test_a_label_that_names_a_theme_joins_it_and_others_stay_plain(vocabulary):
    themes, theme_tags, plain = split_tags(["HCPC", "Gardening", "blame culture"], vocabulary)
    assert [t.slug for t in themes] == ["hcpc-referrals", "blame-culture"]
    assert theme_tags == ["HCPC", "blame culture"]
    assert plain == ["Gardening"]


def test_tags_for_import_keeps_author_tags_first_and_adds_detected_theme_names(vocabulary):
    tags = tags_for_import("Referred again", HCPC_TEXT, ["Gardening", "gardening"], vocabulary)
    assert tags == ["Gardening", "HCPC referrals and regulation"]


def test_tags_for_import_does_not_repeat_a_theme_a_label_already_names(vocabulary):
    tags = tags_for_import("Referred again", HCPC_TEXT, ["HCPC"], vocabulary)
    assert tags == ["HCPC"]


def test_tags_for_import_respects_exclusions_and_is_deterministic(vocabulary):
    args = ("Referred again", HCPC_TEXT, [], vocabulary)
    assert tags_for_import(*args, exclude=["hcpc-referrals"]) == []
    assert tags_for_import(*args) == tags_for_import(*args)


def test_author_theme_tags_win_over_the_detector(vocabulary):
    decision = themes_for_post("Inspection", INSPECTION_TEXT, ["Supervision"], vocabulary)
    assert decision.source == "tags"
    assert [t.slug for t in decision.themes] == ["supervision"]


def test_author_can_add_a_theme_the_detector_missed(vocabulary):
    decision = themes_for_post(
        "Inspection", INSPECTION_TEXT, ["Ofsted", "Children in care"], vocabulary
    )
    # Strongest first: the theme the text supports leads, the added one follows.
    assert [t.slug for t in decision.themes] == ["ofsted-inspection", "care-system"]


def test_a_post_without_theme_tags_gets_detected_themes(vocabulary):
    decision = themes_for_post("Inspection", INSPECTION_TEXT, ["Gardening"], vocabulary)
    assert decision.source == "detected"
    assert [t.slug for t in decision.themes] == ["ofsted-inspection"]
    assert decision.plain_tags == ("Gardening",)


def test_exclusion_removes_a_detected_or_tagged_theme(vocabulary):
    detected = themes_for_post(
        "Inspection", INSPECTION_TEXT, [], vocabulary, exclude=["ofsted-inspection"]
    )
    assert detected.themes == () and detected.excluded == ("ofsted-inspection",)
    tagged = themes_for_post(
        "Inspection", INSPECTION_TEXT, ["Ofsted"], vocabulary, exclude=["ofsted-inspection"]
    )
    assert tagged.themes == ()


def test_unknown_exclusions_are_reported(vocabulary):
    decision = themes_for_post("x", "text", [], vocabulary, exclude=["blame"])
    assert decision.unknown_excluded == ("blame",)


def test_markdown_text_keeps_sentences_apart_and_drops_markup():
    text = markdown_text("# Heading\n\nA *blame* culture.\n\n- one\n- two\n")
    assert "Heading" in text and "A blame culture." in text
    assert "*" not in text and "#" not in text
