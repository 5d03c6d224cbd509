"""Find which themes a text is about, with the evidence: phrases, where, how often, score."""

import bisect
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
        cache["patterns"] = tuple(patterns)
    return cache["patterns"]


def _sentence_starts(text):
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def _find(text, patterns, in_title, starts):
    """Every phrase occurrence in TEXT; where phrases overlap, the longest wins.

    A theme's not_phrases veto any of that theme's matches they overlap.
    """
    found, vetoes = [], []
    for pattern in patterns:
        for m in pattern.regex.finditer(text):
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
    taken, kept = [], []
    for start, end, pattern in found:
        clash = any(s < end and start < e and (s, e) != (start, end) for s, e in taken)
        same = any((s, e) == (start, end) and p.theme is pattern.theme for s, e, p in kept)
        if clash or same:
            continue
        taken.append((start, end))
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


def _snippet(text, starts, index, width=160):
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(text)
    sentence = " ".join(text[start:end].split())
    return sentence if len(sentence) <= width else sentence[: width - 1].rstrip() + "…"


def detect_themes(text, vocabulary, title="", **options):
    """Score every theme of VOCABULARY for TEXT (and TITLE); return evidence, strongest first.

    Each theme with any match gets a ThemeEvidence; `.selected` says whether the text is
    substantially about it. A theme is selected when its score reaches the threshold, it
    has a strong phrase in the title or in enough separate sentences, and it is not dwarfed
    by the strongest theme. Options (defaults in settings.DEFAULTS, without the THEMES_
    prefix, lower case): threshold, title_weight, weak_weight, sentence_cap,
    min_sentences, sentences_per_mention, relative, max_themes.
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

    # Longer texts need more separate mentions before a theme counts as their subject.
    n_sentences = max(1, len(starts))
    need = max(opts["min_sentences"], math.ceil(n_sentences / opts["sentences_per_mention"]))

    scored = []
    for theme, matches in by_theme.values():
        title_phrases = {m.phrase: m.weak for m in matches if m.in_title}
        title_score = sum(
            opts["title_weight"] * (opts["weak_weight"] if weak else 1.0)
            for weak in title_phrases.values()
        )
        per_sentence = {}
        for m in matches:
            if not m.in_title:
                weight = opts["weak_weight"] if m.weak else 1.0
                per_sentence[m.sentence] = per_sentence.get(m.sentence, 0.0) + weight
        body_score = sum(min(opts["sentence_cap"], w) for w in per_sentence.values())
        score = round(title_score + body_score, 2)
        strong_title = any(not weak for weak in title_phrases.values())
        strong = {m.sentence for m in matches if not m.in_title and not m.weak}
        # Spread: a sentence with a strong phrase counts 1, one with only weak phrases 1/2.
        support = len(strong) + 0.5 * len(set(per_sentence) - strong)
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
