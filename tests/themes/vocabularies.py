"""Vocabularies for the themes tests that reach the phrase matcher's awkward cases."""

from plugins.themes import parse_vocabulary

# Phrases of every shape the matcher indexes differently: hyphens, apostrophes, wildcards,
# acronyms, inflections (y, e, s), digits, underscores, non-ASCII, one letter, not_phrases;
# "blame culture" also matches "blame\n\nculture" (across a blank line, where a long post is cut).
TRICKY = parse_vocabulary(
    """themes:
  - slug: tricky
    name: Tricky
    description: d
    phrases: [no-blame culture, a say in, re-referral*, S.47 enquiry, children's home,
      Ofsted’s view, party, blame, box, policy-makers, multi-agency working, UNCRC, A-level,
      CP-IS, _under, 24-hour cover, café culture, élan, x, ab*, MP, ſocial work, thing]
    weak_phrases: [work, home, culture]
    not_phrases: [social care system, party line]
  - slug: other
    name: Other
    description: d
    phrases: [blame culture, working, line, care system, children, home office]
"""
)
