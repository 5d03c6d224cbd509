"""'Since this was written': the changes after a post's date to the things it relies on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .annotate import act_urls, anchor


@dataclass(frozen=True)
class Note:
    """One change since a post was written, as text pieces: (text, href or '', internal).

    The pieces complete "Since then ...": 'the HCPC's role passed to Social Work England
    (December 2019).'
    """

    when: dt.date
    pieces: tuple

    @property
    def text(self):
        return "".join(piece[0] for piece in self.pieces)


def _glossary_href(glossary_url, slug):
    return f"{glossary_url}#{anchor(slug)}"


def _linked(text, targets):
    """TEXT split into pieces, the first mention of each (words, href, internal) target linked."""
    spans = []
    for words, href, internal in targets:
        flags = 0 if any(c.isupper() for c in words) else re.IGNORECASE
        match = re.search(rf"(?<!\w){re.escape(words)}s?(?!\w)", text, flags)
        if match and not any(s < match.end() and match.start() < e for s, e, _, _ in spans):
            spans.append((match.start(), match.end(), href, internal))
    pieces, cursor = [], 0
    for start, end, href, internal in sorted(spans):
        if start > cursor:
            pieces.append((text[cursor:start], "", False))
        pieces.append((text[start:end], href, internal))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], "", False))
    return pieces


def term_note(term, glossary, glossary_url):
    """The note for a term that ended: 'the HCPC's role passed to ... (December 2019).'"""
    targets = []
    for form in (term.term, term.expansion):
        if form:
            targets.append((form, _glossary_href(glossary_url, term.slug), True))
    replacement = glossary.get(term.replaced_by) if term.replaced_by else None
    if replacement is not None:
        for form in (replacement.expansion, replacement.term):
            if form:
                targets.append((form, _glossary_href(glossary_url, replacement.slug), True))
    pieces = _linked(term.change, targets)
    pieces.append((f" ({term.until}).", "", False))
    return Note(term.until.date, tuple(pieces))


def since_notes(day, used_terms, law_refs, glossary, glossary_url):
    """The notes for a post written on DAY that uses USED_TERMS and cites LAW_REFS, oldest first."""
    if isinstance(day, dt.datetime):
        day = day.date()
    notes = []
    for slug in used_terms:
        term = glossary.get(slug)
        if term is not None and term.until is not None and day < term.until.date:
            notes.append(term_note(term, glossary, glossary_url))
    seen = set()
    for ref in law_refs:
        if ref.guidance is not None and ref.edition is not None:
            later = [e for e in ref.guidance.later(ref.edition) if e.published.date > day]
            if later and ref.guidance.slug not in seen:
                seen.add(ref.guidance.slug)
                years = ", ".join(str(e.published) for e in later)
                notes.append(
                    Note(
                        later[0].published.date,
                        (
                            (ref.guidance.title, ref.guidance.current_url, False),
                            (f" has been revised ({years}).", "", False),
                        ),
                    )
                )
        if ref.act is not None and ref.act.slug not in seen:
            seen.add(ref.act.slug)
            for change in ref.act.changes:
                if day < change.when.date:
                    notes.append(
                        Note(
                            change.when.date,
                            (
                                *_linked(
                                    change.text, [(ref.act.title, act_urls(ref.act, day)[1], False)]
                                ),
                                (f" ({change.when}).", "", False),
                            ),
                        )
                    )
    return sorted(notes, key=lambda note: note.when)
