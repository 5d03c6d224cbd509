"""References to the law link to the text as it stood on the post's date, and to today's text."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from plugins.glossary import link_law

DAY = dt.date(2017, 10, 7)
LEGISLATION = "https://www.legislation.gov.uk/"


def links(html, law, day=DAY):
    out, refs = link_law(html, law, day)
    soup = BeautifulSoup(out, "html.parser")
    return soup, refs


def hrefs(soup):
    return [(a.get_text(), a["href"]) for a in soup.find_all("a")]


@pytest.mark.parametrize(
    ("text", "linked", "path"),
    [
        (
            "under section 47 of the Children Act 1989 the council",
            "section 47 of the Children Act 1989",
            "ukpga/1989/41/section/47",
        ),
        ("a s47 enquiry", "s47", "ukpga/1989/41/section/47"),
        ("help under s.17 was refused", "s.17", "ukpga/1989/41/section/17"),
        ("Section 17 services", "Section 17", "ukpga/1989/41/section/17"),
        ("s 47 Children Act 1989 applies", "s 47 Children Act 1989", "ukpga/1989/41/section/47"),
    ],
)
def test_a_section_links_to_its_text_on_the_post_date(law, text, linked, path):
    soup, refs = links(f"<p>{text}</p>", law)
    assert hrefs(soup) == [
        (linked, f"{LEGISLATION}{path}/2017-10-07"),
        ("current text", f"{LEGISLATION}{path}"),
    ]
    assert soup.get_text().startswith(text.split(linked)[0] + linked)
    dated = soup.find("a", class_="law")
    assert dated["title"].endswith("as it stood on 7 October 2017")
    assert refs[0].label.startswith("section ")


def test_an_act_links_to_its_contents_of_the_date_and_before_assent_to_the_act_as_passed(law):
    html = "<p>The Children and Social Work Act 2017 changed it.</p>"
    soup, _ = links(html, law, dt.date(2018, 1, 2))
    assert hrefs(soup)[0] == (
        "Children and Social Work Act 2017",
        f"{LEGISLATION}ukpga/2017/16/contents/2018-01-02",
    )
    soup, _ = links(html, law, dt.date(2017, 1, 2))
    assert hrefs(soup)[0][1] == f"{LEGISLATION}ukpga/2017/16/contents/enacted"
    assert hrefs(soup)[1][1] == f"{LEGISLATION}ukpga/2017/16/contents"


def test_guidance_links_to_the_edition_named_or_the_one_in_force(law):
    soup, refs = links("<p>Working Together (2018) says so.</p>", law, dt.date(2021, 5, 1))
    dated, current = soup.find_all("a")
    assert dated.get_text() == "Working Together (2018)"
    assert "20230101000000" in dated["href"]  # the 2018 edition, as archived before 2023
    assert current["href"].startswith("https://www.gov.uk/") and current.get_text() == (
        "current edition"
    )
    assert refs[0].edition.year == 2018
    _, refs = links("<p>Working Together to Safeguard Children says so.</p>", law, DAY)
    assert refs[0].edition.year == 2015  # in force on 7 October 2017


def test_each_law_is_linked_once_and_never_in_headings_or_links(law):
    html = "<h2>section 47</h2><p><a href='/x/'>s47</a> then section 47 and s47 again.</p>"
    soup, refs = links(html, law)
    dated = soup.find_all("a", class_="law")
    assert len(dated) == 1 and dated[0].find_parent("p") is not None
    assert dated[0].get_text() == "section 47" and len(refs) == 1
    assert soup.h2.get_text() == "section 47" and soup.h2.find("a") is None


def test_unknown_sections_and_lookalikes_stay_plain(law):
    html = "<p>section 99 is not ours; it’s 47 miles; Mrs 47.</p>"
    assert link_law(html, law, DAY) == (html, ())


def test_a_post_of_2011_links_working_together_2010_as_archived(law):
    soup, refs = links("<p>Working Together says so.</p>", law, dt.date(2011, 6, 1))
    dated, current = soup.find_all("a")
    assert refs[0].edition.year == 2010
    assert dated["href"].startswith("https://webarchive.nationalarchives.gov.uk/ukgwa/2010")
    assert "workingtogethertosafeguardchildren" in dated["href"]
    assert current["href"].startswith("https://www.gov.uk/")
    # A week before the 2010 edition was published, the 2006 one was in force: no address known.
    _, refs = links("<p>Working Together says so.</p>", law, dt.date(2010, 3, 10))
    assert refs[0].edition.year == 2006
