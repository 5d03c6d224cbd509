"""Find which themes a text is about, with the evidence: phrases, where, how often, score."""

import bisect
import functools
import math
import re
from dataclasses import dataclass

from .settings import DEFAULTS

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-"})
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’')\]]*\s+|\n\s*\n|\n\s*[●•*\-–]\s+")
_WORD = re.compile(r"\w+")
_VOWELS = set("aeiou")


@dataclass(frozen=True)
class Match:
    """One occurrence of a vocabulary phrase in a post's title or body."""

    phrase: str
    text: str
    start: int
    end: int
    sentence: int
    in_title: bool
    weak: bool


@dataclass(frozen=True)
class ThemeEvidence:
    """Why a text is (or is not) about one theme: its matches, score and the decision."""

    theme: object
    score: float
    matches: tuple[Match, ...]
    selected: bool
    reason: str
    snippets: tuple[str, ...] = ()

    @property
    def counts(self):
        """Each matched phrase with how often it occurs, most frequent first."""
        tally = {}
        for match in self.matches:
            tally[match.phrase] = tally.get(match.phrase, 0) + 1
        return dict(sorted(tally.items(), key=lambda item: (-item[1], item[0].lower())))

    @property
    def sentences(self):
        """How many body sentences mention the theme with a strong phrase."""
        return len({m.sentence for m in self.matches if not m.in_title and not m.weak})

    def summary(self, limit=3):
        """The top evidence in a short line, e.g. 'title "HCPC"; "referral" x3, "HCPC" x2'."""
        parts = []
        title = [m.phrase for m in self.matches if m.in_title and not m.weak]
        if title:
            parts.append("title " + ", ".join(f'"{p}"' for p in dict.fromkeys(title)))
        body, weak = {}, {}
        for match in self.matches:
            if not match.in_title:
                body[match.phrase] = body.get(match.phrase, 0) + 1
                weak[match.phrase] = match.weak
        # Strong phrases first: they are why a theme is chosen; weak ones only support it.
        ranked = sorted(body.items(), key=lambda i: (weak[i[0]], -i[1], i[0].lower()))[:limit]
        if ranked:
            parts.append(", ".join(f'"{p}" x{n}' for p, n in ranked))
        return "; ".join(parts)


@dataclass(frozen=True)
class _Pattern:
    theme: object
    phrase: str
    weak: bool
    regex: re.Pattern

    @functools.cached_property
    def ignores_case(self):
        """Whether the regex ignores case (a plain bool: testing the flag enum is slow)."""
        return bool(self.regex.flags & re.IGNORECASE)

    @functools.cached_property
    def literals(self):
        """Texts every match contains, lower case unless matched by case; () when unknown."""
        return _required_literals(self.phrase, not self.regex.flags & re.IGNORECASE)

    @functools.cached_property
    def lead(self):
        """Text every match starts with (as literals); "" when unknown."""
        by_case = not self.regex.flags & re.IGNORECASE
        first = self.phrase.translate(_APOSTROPHES).split()[:1]
        lead = first[0].rstrip("*").split("-")[0][:-1] if first else ""
        if not lead.isascii():
            return ""
        return lead if by_case else lead.lower()


# Speed (bench/, plugins/build_speed): most phrases of the vocabulary are absent from most
# texts, and substring tests rule them out far faster than running their regex. The tests
# never rule out a real match: they look for the words of the phrase less their last letter
# (which inflections may change), which every match spells out, compare ASCII only, and fold
# the four non-ASCII characters that re.IGNORECASE treats as ASCII letters (İ ı ſ K).
_RE_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _required_literals(phrase, by_case):
    literals = []
    for token in phrase.translate(_APOSTROPHES).split():
        for piece in token.rstrip("*").split("-"):
            literal = piece[:-1]
            if len(literal) >= 2 and literal.isascii():
                literals.append(literal if by_case else literal.lower())
    # Longest first: the rarest text rules the phrase out soonest.
    return tuple(sorted(set(literals), key=lambda text: (-len(text), text)))


def _token_pattern(token, last, acronym):
    wildcard = token.endswith("*")
    stem = token.rstrip("*")
    parts = [re.escape(piece) for piece in stem.split("-")]
    # A hyphen in a phrase matches a hyphen, a space or nothing: "case-load", "case load".
    body = r"[-\s]?".join(parts)
    if wildcard:
        return body + r"\w*"
    if not last:
        return body
    if acronym:
        return body + r"(?:s|'s)?"
    # Simple inflections: plural and possessive ("carer", "carers", "carer's", "carers'").
    if len(stem) > 2 and stem[-1] == "y" and stem[-2].lower() not in _VOWELS:
        return re.escape(stem[:-1]) + r"(?:y|ies|y's|ies')"
    # ... and the regular verb forms of a last word ("blame": "blamed", "blaming").
    if stem[-1:] == "e" and len(stem) > 3:
        return re.escape(stem[:-1]) + r"(?:e|es|e's|es'|ed|ing)"
    if stem[-1:] in ("s", "x", "z") or stem.endswith(("ch", "sh")):
        return body + r"(?:es|'s|es'|ed|ing)?"
    return body + r"(?:s|'s|s'|ed|ing)?"


def compile_phrase(phrase):
    """A regex for PHRASE: whole words, acronyms by case, other phrases with simple plurals."""
    phrase = phrase.translate(_APOSTROPHES).strip()
    acronym = phrase.replace("-", "").replace(" ", "").isupper()
    tokens = phrase.split()
    pieces = [_token_pattern(t, i == len(tokens) - 1, acronym) for i, t in enumerate(tokens)]
    flags = 0 if acronym else re.IGNORECASE
    return re.compile(r"(?<!\w)" + r"[-\s]+".join(pieces) + r"(?!\w)", flags)


def _patterns(vocabulary):
    # Compiled once per Vocabulary object: the cache lives and dies with the vocabulary,
    # so autoreload builds that load a fresh vocabulary never see stale patterns.
    cache = vocabulary._cache
    if "patterns" not in cache:
        patterns = []
        for theme in vocabulary:
            strong = dict.fromkeys((theme.name, *theme.synonyms, *theme.phrases))
            for phrase in strong:
                patterns.append(_Pattern(theme, phrase, False, compile_phrase(phrase)))
            for phrase in dict.fromkeys(theme.weak_phrases):
                if phrase not in strong:
                    patterns.append(_Pattern(theme, phrase, True, compile_phrase(phrase)))
            for phrase in dict.fromkeys(theme.not_phrases):
                patterns.append(_Pattern(theme, phrase, None, compile_phrase(phrase)))
        cache["patterns"] = _PatternSet(patterns)
    return cache["patterns"]


def _sentence_starts(text):
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


class _PatternSet(tuple):
    """The vocabulary's patterns, with an index from each lead to the patterns it starts."""

    @functools.cached_property
    def by_lead(self):
        """Lead indexes ({lead: positions}, folded and by case), other positions, lead lengths."""
        folded, by_case, unindexed = {}, {}, []
        for position, pattern in enumerate(self):
            if pattern.lead and _WORD.fullmatch(pattern.lead):
                index = folded if pattern.ignores_case else by_case
                index.setdefault(pattern.lead, []).append(position)
            else:
                unindexed.append(position)
        lengths = sorted({len(lead) for lead in (*folded, *by_case)})
        return folded, by_case, tuple(unindexed), lengths


def _candidates(patterns, text, folded):
    """The patterns that can match TEXT, in their order.

    Speed (bench/): a match starts where a run of word characters starts (its regex opens
    with (?<!\\w)), and a word-only lead is all word characters, so a pattern can match only
    if its lead begins one of the text's words (folded, or as written for patterns matched
    by case); set intersections find those patterns.
    """
    by_lead = getattr(patterns, "by_lead", None)
    if by_lead is None:  # a plain list of patterns, as tests may pass
        return patterns
    folded_index, by_case_index, unindexed, lengths = by_lead
    spans = [m.span() for m in _WORD.finditer(text)]
    positions = set(unindexed)
    for index, source in ((folded_index, folded), (by_case_index, text)):
        if not index:
            continue
        words = {source[start:end] for start, end in spans}
        prefixes = {word[:size] for word in words for size in lengths if size <= len(word)}
        for lead in prefixes & index.keys():
            positions.update(index[lead])
    return [patterns[position] for position in sorted(positions)]


def _finditer(pattern, text, folded):
    """The matches pattern.regex.finditer(TEXT) gives, found by trying only where one can start.

    Every match starts with the pattern's lead and contains its literals (in FOLDED, the text
    folded as re.IGNORECASE compares, when the pattern ignores case), so the regex runs only
    at those places, from left to right without overlaps, as finditer does. re.match at a
    position still sees the text before it, so the (?<!\\w) at the start works as in a search.
    """
    regex = pattern.regex
    haystack = folded if pattern.ignores_case else text
    if any(literal not in haystack for literal in pattern.literals):
        return ()
    lead = pattern.lead
    if not lead:
        return regex.finditer(text)
    matches = []
    at = haystack.find(lead)
    while at != -1:
        match = regex.match(text, at)
        if match:
            matches.append(match)
            at = haystack.find(lead, max(match.end(), at + 1))
        else:
            at = haystack.find(lead, at + 1)
    return matches


def _fold(text):
    """TEXT folded as re.IGNORECASE compares, one character for one, for _finditer."""
    # str.lower() lengthens only U+0130, which _RE_FOLD replaces.
    return text.translate(_RE_FOLD).lower()


def _find(text, patterns, in_title, starts):
    """Every phrase occurrence in TEXT; where phrases overlap, the longest wins.

    A theme's not_phrases veto any of that theme's matches they overlap.
    """
    found, vetoes = [], []
    folded = _fold(text)
    for pattern in _candidates(patterns, text, folded):
        for m in _finditer(pattern, text, folded):
            if pattern.weak is None:
                vetoes.append((m.start(), m.end(), pattern.theme))
            else:
                found.append((m.start(), m.end(), pattern))
    found = [
        (start, end, p)
        for start, end, p in found
        if not any(t is p.theme and s < end and start < e for s, e, t in vetoes)
    ]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    # Taken spans never overlap one another (a span that would is skipped), so the only
    # candidates for a clash are the neighbours by start: O(n log n), not O(n^2) on long posts.
    starts_taken, spans_taken, themes_at, kept = [], [], {}, []
    for start, end, pattern in found:
        here = bisect.bisect_left(starts_taken, start)
        near = spans_taken[max(here - 1, 0) : here + 1]
        clash = any(s < end and start < e and (s, e) != (start, end) for s, e in near)
        same = pattern.theme in themes_at.get((start, end), ())
        if clash or same:
            continue
        if (start, end) not in themes_at:
            starts_taken.insert(here, start)
            spans_taken.insert(here, (start, end))
        themes_at.setdefault((start, end), []).append(pattern.theme)
        kept.append((start, end, pattern))
    kept.sort(key=lambda k: k[0])
    return [
        (
            pattern.theme,
            Match(
                phrase=pattern.phrase,
                text=text[start:end],
                start=start,
                end=end,
                sentence=-1 if in_title else bisect.bisect_right(starts, start) - 1,
                in_title=in_title,
                weak=pattern.weak,
            ),
        )
        for start, end, pattern in kept
    ]


def _specificity(phrase, opts):
    """How much one strong PHRASE counts: long phrases are rarely used in passing."""
    words = len(phrase.split())
    return opts["long_phrase_weight"] if words >= opts["long_phrase_words"] else 1.0


def _snippet(text, starts, index, width=160):
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(text)
    sentence = " ".join(text[start:end].split())
    return sentence if len(sentence) <= width else sentence[: width - 1].rstrip() + "…"


def detect_themes(text, vocabulary, title="", **options):
    """Score every theme of VOCABULARY for TEXT (and TITLE); return evidence, strongest first.

    Each theme with any match gets a ThemeEvidence; `.selected` says whether the text is
    substantially about it. A theme is selected when its score reaches the threshold, it
    has a strong phrase in the title or in enough separate sentences (one in a short post;
    a sentence with several different weak phrases of the theme counts as strong), and it
    is not dwarfed by the strongest theme. Long strong phrases weigh more than short ones.
    Options (defaults in settings.DEFAULTS, without the THEMES_ prefix, lower case):
    threshold, title_weight, weak_weight, sentence_cap, min_sentences,
    sentences_per_mention, relative, max_themes, cooccurrence, long_phrase_words,
    long_phrase_weight, short_post.
    """
    opts = {key[len("THEMES_") :].lower(): value for key, value in DEFAULTS.items()}
    unknown = set(options) - set(opts)
    if unknown:
        raise TypeError(f"unknown detect_themes option(s): {', '.join(sorted(unknown))}")
    opts.update(options)
    text = (text or "").translate(_APOSTROPHES)
    title = (title or "").translate(_APOSTROPHES)
    patterns = _patterns(vocabulary)
    starts = _sentence_starts(text)
    found = _find(title, patterns, True, [0]) + _find(text, patterns, False, starts)

    by_theme = {}
    for theme, match in found:
        by_theme.setdefault(theme.slug, (theme, []))[1].append(match)

    # Longer texts need more separate mentions before a theme counts as their subject; a
    # short post (a news item, a paragraph of comment) may make its point in one sentence.
    n_sentences = max(1, len(starts))
    need = max(opts["min_sentences"], math.ceil(n_sentences / opts["sentences_per_mention"]))
    if n_sentences <= opts["short_post"]:
        need = 1

    scored = []
    for theme, matches in by_theme.values():
        title_phrases = {m.phrase: m.weak for m in matches if m.in_title}
        title_score = sum(
            opts["title_weight"] * (opts["weak_weight"] if weak else 1.0)
            for weak in title_phrases.values()
        )
        sentences = {}
        for m in matches:
            if not m.in_title:
                sentences.setdefault(m.sentence, []).append(m)
        body_score, strong, weak_only = 0.0, set(), set()
        for index, found_here in sentences.items():
            # A phrase repeated within one sentence (a quoted list) is one piece of evidence.
            phrases = {m.phrase: m.weak for m in found_here}
            weight = sum(
                opts["weak_weight"] if weak else _specificity(phrase, opts)
                for phrase, weak in phrases.items()
            )
            weak_kinds = {m.phrase for m in found_here if m.weak}
            if any(not m.weak for m in found_here):
                strong.add(index)
            elif opts["cooccurrence"] and len(weak_kinds) >= opts["cooccurrence"]:
                # Several different supporting words in one sentence ("police", "health",
                # "schools") say as much as one strong phrase does.
                strong.add(index)
                weight = max(weight, 1.0)
            else:
                weak_only.add(index)
            body_score += min(opts["sentence_cap"], weight)
        score = round(title_score + body_score, 2)
        strong_title = any(not weak for weak in title_phrases.values())
        # Spread: a sentence with a strong phrase counts 1, one with only weak phrases 1/2.
        support = len(strong) + 0.5 * len(weak_only)
        scored.append((theme, matches, score, strong_title, len(strong), support))

    scored.sort(key=lambda s: (-s[2], s[0].slug))
    top = scored[0][2] if scored else 0.0
    evidence, chosen = [], 0
    for theme, matches, score, strong_title, strong_sentences, support in scored:
        if not strong_title and not strong_sentences:
            selected, reason = False, "only weak phrases"
        elif score < opts["threshold"]:
            selected, reason = False, f"score {score} below threshold {opts['threshold']}"
        elif not strong_title and support < need:
            selected = False
            reason = f"mentioned in {support:g} sentence(s), needs {need} or the title"
        elif score < opts["relative"] * top:
            selected, reason = False, f"score {score} is minor beside the top theme ({top})"
        elif chosen >= opts["max_themes"]:
            selected, reason = False, f"already {opts['max_themes']} stronger themes"
        else:
            selected = True
            reason = "title and text" if strong_title else f"{support:g} sentences"
            chosen += 1
        sentences = dict.fromkeys(m.sentence for m in matches if not m.in_title and not m.weak)
        snippets = tuple(_snippet(text, starts, i) for i in list(sentences)[:2])
        evidence.append(ThemeEvidence(theme, score, tuple(matches), selected, reason, snippets))
    return evidence


def selected_themes(evidence):
    """The themes a list of ThemeEvidence selects, strongest first."""
    return [item.theme for item in evidence if item.selected]
