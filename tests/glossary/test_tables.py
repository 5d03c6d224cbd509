"""content/glossary.yaml and content/law.yaml are checked, and a bad entry is named with its fix."""

import textwrap

import pytest

from plugins.glossary import TableError, parse_glossary, parse_law

GOOD_TERM = """
  - slug: hcpc
    term: HCPC
    expansion: Health and Care Professions Council
    definition: The regulator of social workers in England from 2012 to 2019.
    from: 2012-08-01
    until: 2019-12-02
    replaced_by: swe
    change: the HCPC's role passed to Social Work England
    source: https://www.hcpc-uk.org/
  - slug: swe
    term: SWE
    expansion: Social Work England
    definition: The regulator of social workers in England since December 2019.
    from: 2019-12-02
    source: https://www.socialworkengland.org.uk/
"""


def glossary_text(extra="", replace=None):
    text = "terms:" + GOOD_TERM + textwrap.dedent(extra)
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def error_for(text, parse=parse_glossary):
    with pytest.raises(TableError) as caught:
        parse(text, "content/glossary.yaml")
    return str(caught.value)


def test_the_blog_glossary_has_the_fields_common_terms(glossary):
    wanted = {"HCPC", "SWE", "GSCC", "BASW", "ADCS", "SCIE", "SCR", "CSPR", "LSCB", "MASH"}
    wanted |= {"Ofsted", "DfE", "PLO", "EPO", "CIN", "CP", "LAC", "ASYE", "PCF", "NSPCC"}
    wanted |= {"safeguarding partners", "section 17", "section 47"}
    assert wanted <= {term.term for term in glossary}
    for term in glossary:
        assert term.definition and term.source.startswith("https://")
        if term.until:
            assert term.change and term.replaced_by in glossary


def test_a_good_glossary_reads_with_dates_at_their_precision():
    glossary = parse_glossary(glossary_text())
    hcpc = glossary["hcpc"]
    assert str(hcpc.until) == "December 2019" and hcpc.until.long == "2 December 2019"
    assert hcpc.forms == ("HCPC", "Health and Care Professions Council")
    assert hcpc.line == 2


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (
            {"    definition: The regulator of social workers in England from 2012 to 2019.\n": ""},
            "content/glossary.yaml, entry 1 (line 2) 'hcpc': has no definition. Fix: add "
            "`definition:` with one paragraph saying what it is",
        ),
        (
            {"slug: hcpc": "slug: HCPC!"},
            "entry 1 (line 2) 'HCPC!': slug 'HCPC!' is not a URL name. Fix: use lower-case",
        ),
        (
            {"    from: 2012-08-01\n": "    form: 2012-08-01\n"},
            "entry 1 (line 2) 'hcpc': has unknown field(s) form. Fix: use only these fields:",
        ),
        (
            {"until: 2019-12-02": "until: 2019-02-30"},
            "'hcpc': until '2019-02-30' is not a date. Fix: write until as YYYY, YYYY-MM or",
        ),
        (
            {"until: 2019-12-02": "until: 2010-01-01"},
            "'hcpc': until (1 January 2010) is before from (1 August 2012). Fix: swap them",
        ),
        (
            {"    change: the HCPC's role passed to Social Work England\n": ""},
            "'hcpc': has `until:` but no `change:`. Fix: add `change:`",
        ),
        (
            {"replaced_by: swe": "replaced_by: social-work-england"},
            "'hcpc': replaced_by 'social-work-england' is not another entry's slug. Fix:",
        ),
        (
            {"source: https://www.hcpc-uk.org/": "source: www.hcpc-uk.org"},
            "'hcpc': source 'www.hcpc-uk.org' is not a web address. Fix: write source as a full",
        ),
        (
            {"    expansion: Health and Care Professions Council\n": ""},
            "'hcpc': abbreviation 'HCPC' has no expansion. Fix: add `expansion:`",
        ),
        (
            {"slug: swe": "slug: hcpc"},
            "entry 2 (line 11) 'hcpc': slug 'hcpc' is already used by entry 1 (line 2)",
        ),
        (
            {"expansion: Social Work England": "expansion: Health and Care Professions Council"},
            "entry 2 (line 11) 'swe': 'Health and Care Professions Council' also names entry "
            "'hcpc'",
        ),
    ],
)
def test_each_mistake_is_named_with_entry_line_and_fix(replace, expected):
    assert expected in error_for(glossary_text(replace=replace))


def test_two_paragraph_definition_is_refused():
    text = glossary_text(
        replace={
            "definition: The regulator of social workers in England from 2012 to 2019.": (
                "definition: |\n      One paragraph.\n\n      Another."
            )
        }
    )
    assert "'hcpc': definition has more than one paragraph" in error_for(text)


def test_broken_yaml_and_alias_bombs_name_the_line():
    assert "content/glossary.yaml, line 3: is not valid YAML" in error_for(
        "terms:\n  - slug: x\n   term: [unclosed\n"
    )
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, "
        bomb += f"*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
    message = error_for(bomb + "terms: [*h]\n")
    assert "line 6: is refused because its aliases (*name) would repeat their values" in message
    assert "without anchors" in message


def test_a_file_without_terms_says_how_to_start():
    assert "has no `terms:` list. Fix: start the file with `terms:`" in error_for("other: 1\n")


LAW = """
acts:
  - slug: children-act-1989
    title: Children Act 1989
    legislation: ukpga/1989/41
    enacted: 1989-11-16
    bare_sections: true
    sections:
      47: Local authority's duty to investigate
guidance:
  - slug: working-together
    title: Working Together to Safeguard Children
    names: [Working Together]
    current: https://www.gov.uk/wt
    editions:
      - {year: 2015, published: 2015-03-26}
      - {year: 2018, published: 2018-07-04, url: https://example.org/wt2018}
"""


def test_the_blog_law_table_reads(law):
    assert law.bare_act.legislation == "ukpga/1989/41"
    working_together = law.guidance[0]
    assert [e.year for e in working_together.editions][-2:] == [2018, 2023]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "legislation: ukpga/1989/41",
            "legislation: Children Act 1989",
            "content/glossary.yaml, entry 1 (line 3) 'children-act-1989': legislation "
            "'Children Act 1989' is not a legislation.gov.uk path. Fix: write it as "
            "type/year/number",
        ),
        ("enacted: 1989-11-16", "enacted: 1989", "enacted is not a full date. Fix:"),
        (
            "{year: 2018, published: 2018-07-04",
            "{year: 2019, published: 2018-07-04",
            "edition 2: year 2019 does not match published '2018-07-04'",
        ),
        (
            "{year: 2015, published: 2015-03-26}",
            "{year: 2019, published: 2019-03-26}",
            "edition 2: is not later than the edition before it. Fix: list editions oldest first",
        ),
        ("url: https://example.org/wt2018", "url: example.org", "url 'example.org' is not a web"),
        ("guidance:", "guidence:", "has unknown key(s) guidence"),
    ],
)
def test_law_table_mistakes_are_named(old, new, expected):
    assert old in LAW
    assert expected in error_for(LAW.replace(old, new, 1), parse_law)


def test_only_one_act_may_claim_bare_section_numbers():
    text = LAW.replace(
        "guidance:",
        LAW.split("acts:\n")[1].split("guidance:")[0].replace("children-act-1989", "other-act")
        + "guidance:",
        1,
    )
    assert "more than one Act has bare_sections: true" in error_for(text, parse_law)
