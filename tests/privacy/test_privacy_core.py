"""The privacy check's core as plain functions: clues found in text, and how they are judged."""

import pytest

from plugins.privacy_check.core import ERROR, NOTE, WARNING, Block, across_posts, find_clues, judge


def kinds(text, public=()):
    return {clue.kind for clue in find_clues(text, public)}


def findings(text, path="post.md", line=5, public=()):
    block = Block(path, line, text)
    block.clues = find_clues(text, public)
    return judge([block])


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Write to SK4 2QX if you can.", "postcode"),
        ("Ring 0161 496 0734 after six.", "phone"),
        ("My mobile was 07700 900461.", "phone"),
        ("E-mail duty.team@example.gov.uk today.", "email"),
        ("The NHS number 943 476 5919 was on the form.", "nhs_number"),
        ("Her NI number AB 12 34 56 C was wrong.", "ni_number"),
        ("The court case LV17C00312 lasted a year.", "case_number"),
        ("The case reference CP/2016/04417 was quoted.", "case_number"),
        ("They lived at 27 Elm Grove for a year.", "address"),
    ],
)
def test_direct_identifiers_are_errors(text, kind):
    assert kind in kinds(text)
    result = findings(text)
    assert [f.severity for f in result if kind in f.kinds] == [ERROR]


def test_an_nhs_number_must_pass_the_modulus_11_check():
    assert "nhs_number" in kinds("NHS number 943 476 5919.")
    assert "nhs_number" not in kinds("NHS number 943 476 5918.")  # last digit wrong


def test_one_indirect_clue_is_a_note_with_the_words_and_a_fix():
    [finding] = findings("The boy, aged 7, told his teacher he was frightened.")
    assert finding.severity == NOTE
    assert str(finding).startswith("post.md, line 5: privacy: 'aged 7' is an age or school year")
    assert "'a young child'" in finding.fix


def test_two_kinds_in_one_paragraph_are_a_warning():
    [finding] = findings("Kayleigh was only three when the first referral came in.")
    assert finding.severity == WARNING
    assert set(finding.kinds) == {"name", "age"}
    assert "jigsaw identification" in finding.problem


def test_health_or_religion_alone_is_nothing_but_counts_with_another_clue():
    assert findings("A child with cerebral palsy is not, by that alone, at greater risk.") == []
    [finding] = findings("She was 15 and pregnant, and the school had not noticed.")
    assert finding.severity == WARNING and "sensitive" in finding.kinds


@pytest.mark.parametrize(
    "text",
    [
        "The Education Secretary, Damian Hinds, announced the funding in July 2018.",
        "Ian Johnston, director of the British Association of Social Workers, welcomed it.",
        "Local authorities such as Birmingham, Leeds and Kent struggle to recruit.",
        "The minister, 47, spoke in the debate.",
        "Our children's social care system is a 30-year-old tower of Jenga.",
        "The review was published on 3 March 2017.",
        "See https://example.org/2018/07/0161-496-0734/ for the report.",
        "Children in care need their parents to be heard too.",
        "As Munro argued, compliance crowds out judgement.",
    ],
)
def test_public_figures_local_authorities_adults_and_addresses_of_pages_are_not_clues(text):
    assert findings(text) == []


def test_the_line_counts_from_the_block_start():
    text = "First line of the paragraph\nand Jordan had told the school nurse."
    [finding] = findings(text, line=10)
    assert finding.line == 11


def test_image_alt_text_is_checked_but_not_the_image_address():
    text = '![Kayleigh, aged 4](/images/0161-496-0734.jpg) <img alt="Year 6 in Walthamstow">'
    found = kinds(text)
    assert {"name", "age", "place"} <= found
    assert "phone" not in found


def test_public_record_honours_the_items_listed_and_nothing_else():
    text = "Ayeeshia-Jayne Smith was twenty-one months old. Later I met Jordan, who was six."
    public = ["Ayeeshia-Jayne Smith", "twenty-one months old"]
    words = {clue.words for clue in find_clues(text, public)}
    assert "Ayeeshia-Jayne Smith" not in words
    assert "twenty-one months old" not in words
    assert "Jordan" in words
    assert any("six" in w for w in words)


def test_the_same_name_across_posts_is_a_warning_in_each():
    first, second = (
        Block("a.md", 3, "Kayleigh told me about school."),
        Block("b.md", 7, "I thought of Kayleigh again."),
    )
    for block in (first, second):
        block.clues = find_clues(block.text)
    result = across_posts({"a.md": [first], "b.md": [second]})
    assert [(f.path, f.line, f.severity) for f in result] == [
        ("a.md", 3, WARNING),
        ("b.md", 7, WARNING),
    ]
    assert "also appears in b.md" in result[0].problem


def test_a_clue_far_into_a_long_paragraph_is_found():
    filler = "Reflection on practice takes time and honest supervision. " * 40
    [clue] = [c for c in find_clues(filler + "The boy was aged 7 then.") if c.kind == "age"]
    assert clue.words == "aged 7"
