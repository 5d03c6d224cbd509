"""A post dated before a change it relies on gets a 'since this was written' note."""

import datetime as dt

from plugins.glossary import link_law, mark_first_uses, since_notes


def notes_for(html, day, glossary, law):
    _, refs = link_law(html, law, day)
    _, _, used = mark_first_uses(html, glossary)
    return since_notes(day, used, refs, glossary, "glossary/")


def test_the_hcpc_note_names_the_change_and_links_both_entries(glossary, law):
    (note,) = notes_for("<p>Referred to the HCPC.</p>", dt.date(2017, 10, 7), glossary, law)
    assert note.text == "the HCPC's role passed to Social Work England (December 2019)."
    links = [(text, href) for text, href, internal in note.pieces if href and internal]
    assert links == [("HCPC", "glossary/#term-hcpc"), ("Social Work England", "glossary/#term-swe")]


def test_no_note_once_the_change_had_happened(glossary, law):
    assert notes_for("<p>Referred to the HCPC.</p>", dt.date(2020, 1, 1), glossary, law) == []
    assert notes_for("<p>Referred to the HCPC.</p>", dt.date(2019, 12, 1), glossary, law)


def test_guidance_and_bodies_that_changed_are_listed_oldest_first(glossary, law):
    html = "<p>Working Together to Safeguard Children asks LSCBs for SCRs; the GSCC agrees.</p>"
    notes = notes_for(html, dt.date(2009, 11, 6), glossary, law)
    texts = [note.text for note in notes]
    assert (
        texts[0] == "Working Together to Safeguard Children has been revised (March 2010, "
        "March 2013, March 2015, July 2018, December 2023)."
    )
    assert (
        texts[1] == "the GSCC was abolished and the regulation of social workers passed to "
        "the HCPC (August 2012)."
    )
    assert set(texts[2:]) == {
        "local safeguarding children boards gave way to safeguarding partners (September 2019).",
        "serious case reviews gave way to child safeguarding practice reviews (September 2019).",
    }


def test_an_act_change_after_the_post(glossary, law):
    notes = notes_for(
        "<p>The Children Act 2004 set up boards.</p>", dt.date(2010, 1, 1), glossary, law
    )
    assert [n.text for n in notes] == [
        "the Children and Social Work Act 2017 replaced the local safeguarding children boards "
        "of the Children Act 2004 with arrangements led by safeguarding partners (September 2019)."
    ]
