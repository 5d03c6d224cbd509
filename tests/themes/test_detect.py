"""Detection as text in, themes and evidence out: phrases, acronyms, boundaries, threshold."""

import pytest

from plugins.themes import detect_themes, parse_vocabulary, selected_themes
from plugins.themes.detect import compile_phrase


def chosen(text, vocabulary, title=""):
    return [theme.slug for theme in selected_themes(detect_themes(text, vocabulary, title))]


def evidence_for(slug, text, vocabulary, title=""):
    return next(e for e in detect_themes(text, vocabulary, title) if e.theme.slug == slug)


@pytest.mark.parametrize(
    "phrase, text, matches",
    [
        ("foster carer", "two foster carers and a foster carer's home", 2),
        ("HCPC", "the HCPC and the HCPC's register", 2),
        ("HCPC", "the hcpc said", 0),  # acronyms only in capitals
        ("HCPC", "HCPCS billing codes", 0),  # not inside a longer word
        ("SCR", "three SCRs and an SCR", 2),
        ("accreditation", "an accredited course", 0),
        ("accreditation", "national accreditation", 1),
        ("case-load", "caseload, case load, case-loads", 3),
        ("blame", "he was blamed for blaming others; blameless", 2),
        ("recruit*", "recruited, recruitment, recruiting", 3),
        ("children's rights", "children’s rights", 1),  # curly apostrophe
        ("vacancy", "vacancies", 1),
    ],
)
def test_phrase_rules(phrase, text, matches):
    assert len(compile_phrase(phrase).findall(text.replace("’", "'"))) == matches


def test_synonyms_and_phrases_find_the_theme(vocabulary):
    text = (
        "The Health and Care Professions Council received another referral. "
        "The fitness to practise hearing lasted three days before she was struck off."
    )
    assert chosen(text, vocabulary) == ["hcpc-referrals"]


def test_a_single_passing_mention_does_not_tag(vocabulary):
    text = (
        "We visited the family support team and saw their parenting groups. "
        "The team was praised in its last Ofsted report. "
        "Families valued the weekend visits most of all."
    )
    evidence = evidence_for("ofsted-inspection", text, vocabulary)
    assert not evidence.selected
    assert "needs 2" in evidence.reason or "below threshold" in evidence.reason


def test_two_separate_mentions_tag(vocabulary):
    text = (
        "Ofsted has rated the service inadequate. "
        "The families we work with were not asked about the inspection."
    )
    assert chosen(text, vocabulary) == ["ofsted-inspection"]


def test_a_title_mention_weighs_more(vocabulary):
    text = "The scheme will test every child and family social worker. Accreditation is costly."
    assert "accreditation" not in chosen(text, vocabulary)
    assert "accreditation" in chosen(text, vocabulary, title="Accreditation again")


def test_only_weak_words_never_tag(vocabulary):
    text = "Risk is everywhere. Risk assessments are done. Every risk is recorded. More risk."
    evidence = evidence_for("risk-aversion", text, vocabulary)
    assert not evidence.selected and evidence.reason == "only weak phrases"


def test_the_longest_phrase_wins_across_themes(vocabulary):
    text = (
        "The court made a supervision order. Supervision orders last a year. "
        "The supervision order ended in care proceedings."
    )
    assert chosen(text, vocabulary) == ["care-system"]
    assert all(e.theme.slug != "supervision" for e in detect_themes(text, vocabulary))


def test_not_phrases_veto_a_false_friend(vocabulary):
    text = "The children's social care system is rigid. The social care system needs help."
    assert all(e.theme.slug != "care-system" for e in detect_themes(text, vocabulary))


def test_evidence_says_which_phrases_where_how_often_and_the_score(vocabulary):
    text = "First line. A blame culture grows. Nobody wants blame. A blame culture again."
    evidence = evidence_for("blame-culture", text, vocabulary, title="Blame")
    assert evidence.selected
    assert evidence.counts == {"Blame culture": 2, "blame": 2}
    body = [m for m in evidence.matches if not m.in_title]
    assert [text[m.start : m.end] for m in body] == ["blame culture", "blame", "blame culture"]
    assert [m.sentence for m in body] == [1, 2, 3]
    assert evidence.score > 3
    assert 'title "blame"' in evidence.summary()
    assert evidence.snippets[0] == "A blame culture grows."


def test_strongest_first_and_deterministic(vocabulary):
    text = (
        "Caseloads keep rising. Our caseload is thirty. Funding cuts hit early help. "
        "Ofsted inspected us. The inspection was hard."
    )
    first = detect_themes(text, vocabulary)
    assert [e.score for e in first] == sorted((e.score for e in first), reverse=True)
    assert first == detect_themes(text, vocabulary)
    assert chosen(text, vocabulary)[0] == "caseloads-and-resources"


def test_unknown_option_is_an_error(vocabulary):
    with pytest.raises(TypeError, match="treshold"):
        detect_themes("text", vocabulary, treshold=1)


def test_a_minimal_vocabulary_needs_no_project_file():
    vocabulary = parse_vocabulary(
        "themes:\n  - slug: gardening\n    name: Gardening\n    description: d\n"
        "    phrases: [allotment, broad bean]\n"
    )
    text = "The allotment is dry. Broad beans went in. The allotment needs rain."
    assert chosen(text, vocabulary) == ["gardening"]


def test_a_short_post_can_make_its_point_in_one_sentence(vocabulary):
    text = (
        "The new rules were announced on Monday. "
        "They ignore the rights of children and young people entirely. "
        "Nobody asked them."
    )
    assert chosen(text, vocabulary) == ["childrens-rights"]
    # The same sentence in a long post about something else is a passing mention.
    padding = " ".join(f"We planted row {n} of beans in the garden." for n in range(20))
    assert "childrens-rights" not in chosen(padding + " " + text, vocabulary)
    assert selected_themes(detect_themes(text, vocabulary, short_post=0)) == []


def test_several_supporting_words_in_one_sentence_count_as_a_mention(vocabulary):
    text = (
        "The GP, the police and the teacher each knew part of the story. "
        "Later the police, the paediatrician and the midwife met to talk it over. "
        "Then everyone went home."
    )
    evidence = evidence_for("multi-agency-work", text, vocabulary)
    assert evidence.selected and evidence.sentences == 0
    without = detect_themes(text, vocabulary, cooccurrence=0)
    assert "multi-agency-work" not in [t.slug for t in selected_themes(without)]


def test_a_long_specific_phrase_counts_more_than_a_short_one(vocabulary):
    long = evidence_for(
        "hcpc-referrals", "The Health and Care Professions Council wrote.", vocabulary
    )
    short = evidence_for("hcpc-referrals", "The HCPC wrote.", vocabulary)
    assert long.score == 2 * short.score
