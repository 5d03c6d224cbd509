"""Find which themes a text is about, with the evidence: phrases, where, how often, score."""

import bisect
import functools
import itertools
import math
import operator
import re
from dataclasses import dataclass
from typing import NamedTuple

from plugins.build_speed.pool import paragraph_cuts, split_map, split_parts

from .settings import DEFAULTS

_APOSTROPHE_PAIRS = (("’", "'"), ("‘", "'"), ("‐", "-"), ("‑", "-"))
_APOSTROPHES = str.maketrans(dict(_APOSTROPHE_PAIRS))
# Where a sentence ends: only the ends of its matches are used (_sentence_starts), so the
# full stop is matched, not looked behind for: a regex whose every branch opens with a
# character it can look for runs ~40% faster over a post (bench/), with the same ends.
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+|\n\s*\n|\n\s*[●•*\-–]\s+")
_WORD = re.compile(r"\w+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]+")
_VOWELS = set("aeiou")


class Match(NamedTuple):
    """One occurrence of a vocabulary phrase in a post's title or body."""

    # A named tuple, not a frozen dataclass: a post has a hundred, 10,000 posts a million,
    # made in detection and again as the answers come back (a third of the time to make).

    phrase: str
    text: str
    start: int
    end: int
    sentence: int
    in_title: bool
    weak: bool


# A tuple of a Match's fields in order, as a Match, made in C (Match._make without a call into
# Python per match).
as_match = functools.partial(tuple.__new__, Match)


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
        """The top evidence in a short line, e.g. 'title "HCPC"; "referral" x3, "HCPC" x2'.

        The one wording of the evidence: the build's message, `make themes` and the devserver
        all show it.
        """
        parts = []
        title = [shown_phrase(m.phrase) for m in self.matches if m.in_title and not m.weak]
        if title:
            parts.append("title " + ", ".join(f'"{p}"' for p in dict.fromkeys(title)))
        body, weak, shown = {}, {}, {}
        for match in self.matches:
            if not match.in_title:
                # Each phrase's shown form worked out once (a 10 MB post: 200,000 matches).
                phrase = shown.get(match.phrase)
                if phrase is None:
                    phrase = shown[match.phrase] = shown_phrase(match.phrase)
                body[phrase] = body.get(phrase, 0) + 1
                weak[phrase] = match.weak
        # Strong phrases first: they are why a theme is chosen; weak ones only support it.
        ranked = sorted(body.items(), key=lambda i: (weak[i[0]], -i[1], i[0].lower()))[:limit]
        if ranked:
            parts.append(", ".join(f'"{p}" x{n}' for p, n in ranked))
        return "; ".join(parts)

    def where(self):
        """Where the text speaks of the theme, in words: 'found in the title and 3 sentences'."""
        # The reason counts a sentence with only weak phrases as half ("2.5 sentences"),
        # which means nothing to an author; this says which parts of the post matched.
        in_title = any(match.in_title for match in self.matches)
        sentences = len({m.sentence for m in self.matches if not m.in_title})
        parts = ["the title"] if in_title else []
        if sentences:
            parts.append(f"{sentences} sentence" + ("s" if sentences > 1 else ""))
        return f"found in {' and '.join(parts)}" if parts else ""


def shown_phrase(phrase):
    """PHRASE as a message shows it: in lower case unless it is an acronym (matched by case),
    as a phrase matches whatever the capitals ("Supervision" matches "supervision")."""
    return phrase if phrase.replace("-", "").replace(" ", "").isupper() else phrase.lower()


@dataclass(frozen=True)
class _Pattern:
    theme: object
    phrase: str
    weak: bool

    @functools.cached_property
    def regex(self):
        """The phrase's regex (compile_phrase), compiled the first time a text may hold it."""
        # Speed (the real blog, cold): compiling the ~770 phrases was most of a small site's
        # theme work (0.16-0.23 s), and its posts hold the first words of 466 of them.
        # Before processes fork to share the work, _PatternSet.compile_all compiles them all,
        # so that it is done once, not in each.
        return compile_phrase(self.phrase)

    @property
    def compiled(self):
        """Whether the regex is compiled already (the cached property is in place)."""
        return "regex" in self.__dict__

    @functools.cached_property
    def ignores_case(self):
        """Whether the regex ignores case (as compile_phrase decides, without compiling)."""
        return not _is_acronym(self.phrase)

    @functools.cached_property
    def literals(self):
        """Texts every match contains, lower case unless matched by case; () when unknown."""
        return _required_literals(self.phrase, not self.ignores_case)

    @functools.cached_property
    def lead(self):
        """Text every match starts with (as literals); "" when unknown."""
        by_case = not self.ignores_case
        first = self.phrase.translate(_APOSTROPHES).split()[:1]
        lead = first[0].rstrip("*").split("-")[0][:-1] if first else ""
        if not lead.isascii():
            return ""
        return lead if by_case else lead.lower()

    @functools.cached_property
    def first_word(self):
        """How every match's first word looks, folded: see first_word()."""
        return first_word(self.phrase)


# Speed (bench/, plugins/build_speed): most phrases of the vocabulary are absent from most
# texts, and substring tests rule them out far faster than running their regex. The tests
# never rule out a real match: they look for the words of the phrase less their last letter
# (which inflections may change), which every match spells out, compare ASCII only, and fold
# the four non-ASCII characters that re.IGNORECASE treats as ASCII letters (İ ı ſ K).
_RE_FOLD_PAIRS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def _replace_each(text, pairs):
    # Speed (bench/): str.translate with a dict looks up every character of a text that has
    # any non-ASCII character (a curly quote will do) and costs ~0.3 ms for a post; replacing
    # the few characters one by one is a scan in C. No replacement makes another's character.
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def straighten(text):
    """TEXT with curly apostrophes and Unicode hyphens made ASCII: text.translate(_APOSTROPHES)."""
    return _replace_each(text, _APOSTROPHE_PAIRS)


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


def _token_start(token, last, acronym):
    """The text every match of _token_pattern(TOKEN, LAST, ACRONYM) begins with, as written."""
    stem = token.rstrip("*")
    pieces = stem.split("-")
    if token.endswith("*") or not last or acronym or len(pieces) > 1:
        return pieces[0]  # matched as written (a hyphen may be a space or nothing after it)
    if len(stem) > 2 and stem[-1] == "y" and stem[-2].lower() not in _VOWELS:
        return stem[:-1]
    if stem[-1:] == "e" and len(stem) > 3:
        return stem[:-1]
    return stem


def first_word(phrase):
    """How the first word of every match of compile_phrase(PHRASE) looks, folded.

    (word, True) when it is WORD, (prefix, False) when it begins with PREFIX; None when
    unknown (the phrase does not start with an ASCII letter, digit or underscore).
    """
    phrase = phrase.translate(_APOSTROPHES).strip()
    acronym = phrase.replace("-", "").replace(" ", "").isupper()
    tokens = phrase.split()
    if not tokens:
        return None
    token = tokens[0]
    start = _token_start(token, len(tokens) == 1, acronym)
    run = _WORD.match(start)
    ascii_run = _ASCII_WORD.match(start)
    if not ascii_run:
        return None
    word = ascii_run.group()
    if len(word) < len(run.group()):  # "Climbié": only the ASCII letters are known folded
        return word.lower(), False
    # The word ends where the start has a non-word character (never a hyphen: see
    # _token_start), or where a whole token, followed by [-\s]+, ends.
    whole = len(word) < len(start) or (start == token and len(tokens) > 1)
    return word.lower(), whole


def _is_acronym(phrase):
    """Whether PHRASE is matched by case (an acronym: HCPC, SCR) rather than ignoring it."""
    return phrase.translate(_APOSTROPHES).strip().replace("-", "").replace(" ", "").isupper()


def compile_phrase(phrase):
    """A regex for PHRASE: whole words, acronyms by case, other phrases with simple plurals."""
    phrase = phrase.translate(_APOSTROPHES).strip()
    acronym = _is_acronym(phrase)
    tokens = phrase.split()
    pieces = [_token_pattern(t, i == len(tokens) - 1, acronym) for i, t in enumerate(tokens)]
    flags = 0 if acronym else re.IGNORECASE
    return re.compile(r"(?<!\w)" + r"[-\s]+".join(pieces) + r"(?!\w)", flags)


def _patterns(vocabulary):
    """The vocabulary's phrases compiled, once per Vocabulary object (Vocabulary.cached)."""
    return vocabulary.cached("patterns", lambda: _PatternSet(_compile_patterns(vocabulary)))


def compile_all_patterns(vocabulary):
    """Compile every phrase of VOCABULARY now: before forking processes that detect themes."""
    _patterns(vocabulary).compile_all()


def _compile_patterns(vocabulary):
    patterns = []
    for theme in vocabulary:
        strong = dict.fromkeys((theme.name, *theme.synonyms, *theme.phrases))
        for phrase in strong:
            patterns.append(_Pattern(theme, phrase, False))
        for phrase in dict.fromkeys(theme.weak_phrases):
            if phrase not in strong:
                patterns.append(_Pattern(theme, phrase, True))
        for phrase in dict.fromkeys(theme.not_phrases):
            patterns.append(_Pattern(theme, phrase, None))
    return patterns


def _sentence_starts(text):
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def words_regex(words, prefixes):
    """Regex source matching the strings that are one of WORDS or begin with one of PREFIXES.

    A trie, so the regex engine tells each word by its first letters: at each letter it
    tries the few branches for the letters that can follow, not every word in turn.
    """
    trie = {}
    for text, end in [*((word, _WHOLE) for word in words), *((p, _START) for p in prefixes)]:
        node = trie
        for char in text:
            node = node.setdefault(char, {})
        node[end] = {}

    def source(node):
        if _START in node:  # what follows is free
            return ""
        branches = [re.escape(char) + source(child) for char, child in sorted(node.items()) if char]
        if _WHOLE in node:
            branches.append(r"(?!\w)")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return source(trie)


# Trie marks (never a character of a word): a word ends here; any word beginning here matches.
_WHOLE, _START = "", "*"


class _PatternSet(tuple):
    """The vocabulary's patterns, with indexes from the words a match can begin with."""

    def compile_all(self):
        """Compile every pattern's regex now (before forking processes that share them)."""
        for pattern in self:
            pattern.regex  # noqa: B018  (a cached property: compiled once, kept)
        return self

    @functools.cached_property
    def by_word(self):
        """({first word: positions}, {prefix of it: positions}, prefix lengths) of patterns."""
        heads, leads = {}, {}
        for position, pattern in enumerate(self):
            if pattern.first_word:
                word, whole = pattern.first_word
                (heads if whole else leads).setdefault(word, []).append(position)
        return heads, leads, sorted({len(lead) for lead in leads})

    @functools.cached_property
    def searched(self):
        """Positions of the patterns found by searching the whole text: no first word known."""
        return frozenset(
            position for position, pattern in enumerate(self) if not pattern.first_word
        )

    @functools.cached_property
    def first_words(self):
        """A regex of the (folded) words that are a first word or begin with a prefix; or None."""
        # One alternation for the whole vocabulary finds, in C, the few words of a text worth
        # a look, rather than looking up every word in Python.
        heads, leads, _ = self.by_word
        if not heads and not leads:
            return None
        return re.compile(r"(?<!\w)" + words_regex(heads, leads) + r"\w*")

    @functools.cached_property
    def _memo(self):
        # {folded word: beginning(word)}: the patterns a match may begin with at that word. Words
        # recur from post to post, so each is worked out once per vocabulary; the dict lives
        # and dies with the vocabulary (one build), and is emptied if it ever grows past
        # _WORD_MEMO words.
        return {}

    @functools.cached_property
    def _worth_memo(self):
        # [the text, it folded, {position: whether that pattern is worth trying in it}]
        return [None, None, {}]

    def _worth_trying(self, text, folded):
        """{position: whether the pattern is worth trying in TEXT (FOLDED)}, filled as asked:
        once a text, not again for each part of a long one (each literal test scans the whole
        text: 1.2 s and 1.1 s for a 10 MB post's 492 parts, under the profiler)."""
        memo = self._worth_memo
        # The texts themselves are kept, so their ids are never another text's.
        if memo[0] is not text or memo[1] is not folded:
            memo[:] = [text, folded, {}]
        return memo[2]

    def beginning(self, word):
        """(position, pattern) of the patterns whose match may begin with WORD (folded)."""
        heads, leads, lengths = self.by_word
        positions = list(heads.get(word, ()))
        for size in lengths:
            if size > len(word):
                break
            positions += leads.get(word[:size], ())
        return tuple((position, self[position]) for position in sorted(positions))

    def _candidates(self, word):
        """(position, pattern, its regex's match or None while not compiled) for beginning."""
        # Speed (bench/size.py): the bound match is looked up once a word, not at each of
        # the text's candidates (a 10 MB post has ~1,000,000); a pattern compiled by then
        # (every one, in a build that shares the work: compile_all) is just tried.
        return tuple(
            (position, pattern, pattern.regex.match if pattern.compiled else None)
            for position, pattern in self.beginning(word)
        )

    def matches(self, text, folded, begin=0, stop=None):
        """[(pattern, [(start, end)])] of the matches pattern.regex.finditer(TEXT) gives, for
        the patterns that match; with BEGIN and STOP, those that finditer(TEXT, BEGIN) gives
        starting before STOP (see _settle_part).

        Speed (bench/): a match starts where a run of word characters starts (every regex
        opens with (?<!\\w)), so when a pattern's first_word is known, the regex need only
        run at the words of FOLDED (TEXT folded as re.IGNORECASE compares; its words are where
        TEXT's are) that are that word or begin with that prefix. One search finds those
        words, left to right, and at each the regexes of its patterns run, skipping a pattern
        until the end of its last match as finditer does. The few patterns with no first word
        known are searched (_finditer).
        """
        # Where each pattern may match next: the end of its last match (a list: faster than a dict).
        by_position, free = {}, [0] * len(self)
        # Whether to try the pattern at that position, asked the first time one of its first
        # words is met. Speed: a pattern whose regex is not compiled yet is tried only if the
        # text holds every literal of it; most start with a common word ("child", "social")
        # and are ruled out by a substring test, their regex never compiled (a small site
        # compiled 498 of its 770 phrases for 13 posts: 0.15 s). A compiled one is just tried,
        # without a test that scans the whole text. The searched patterns are always tested.
        worth = self._worth_trying(text, folded)
        stop = len(text) if stop is None else stop
        if self.first_words is not None:
            memo = self._memo
            for word in self.first_words.finditer(folded, begin):
                at = word.start()
                if at >= stop:
                    break
                key = word.group()
                candidates = memo.get(key)
                if candidates is None:
                    if len(memo) >= _WORD_MEMO:
                        memo.clear()
                    candidates = memo[key] = self._candidates(key)
                for position, pattern, match_at in candidates:
                    if free[position] <= at:
                        if match_at is None:
                            tried = worth.get(position)
                            if tried is None:
                                tried = worth[position] = pattern.compiled or _holds_literals(
                                    pattern, text, folded
                                )
                            if not tried:
                                continue
                            match_at = pattern.regex.match
                        match = match_at(text, at)
                        if match:
                            # Spans, not the match objects (a 10 MB post has 250,000).
                            free[position] = end = match.end()
                            if position in by_position:
                                by_position[position].append((at, end))
                            else:
                                by_position[position] = [(at, end)]
        for position in self.searched:
            pattern = self[position]
            if position not in worth:
                worth[position] = _holds_literals(pattern, text, folded)
            if not worth[position]:
                continue
            found = _finditer(pattern, text, folded, begin, stop, checked=True)
            spans = [match.span() for match in found]
            if spans:
                by_position[position] = spans
        return [(self[position], by_position[position]) for position in sorted(by_position)]


# How many distinct words a vocabulary remembers the patterns of (_PatternSet._memo).
_WORD_MEMO = 200_000


def _raw_matches(patterns, text, folded, begin=0, stop=None):
    """[(pattern, [(start, end)])] for the PATTERNS with a match in TEXT, in their order
    (with BEGIN and STOP: those finditer(TEXT, BEGIN) gives that start before STOP)."""
    if isinstance(patterns, _PatternSet):
        return patterns.matches(text, folded, begin, stop)
    # A plain list of patterns, as tests may pass.
    found = [
        (pattern, [m.span() for m in _finditer(pattern, text, folded, begin, stop)])
        for pattern in patterns
    ]
    return [(pattern, spans) for pattern, spans in found if spans]


def _holds_literals(pattern, text, folded):
    """Whether TEXT (FOLDED when the pattern ignores case) holds every literal of PATTERN."""
    haystack = folded if pattern.ignores_case else text
    return all(literal in haystack for literal in pattern.literals)


def _finditer(pattern, text, folded, begin=0, stop=None, checked=False):
    """The matches pattern.regex.finditer(TEXT, BEGIN) gives that start before STOP, found by
    trying only where one can start.

    Every match starts with the pattern's lead and contains its literals (in FOLDED, the text
    folded as re.IGNORECASE compares, when the pattern ignores case), so the regex runs only
    at those places, from left to right without overlaps, as finditer does. re.match at a
    position still sees the text before it, so the (?<!\\w) at the start works as in a search.
    CHECKED: the caller has found the literals in the text.
    """
    if not checked and not _holds_literals(pattern, text, folded):
        return ()
    regex = pattern.regex
    haystack = folded if pattern.ignores_case else text
    stop = len(text) if stop is None else stop
    lead = pattern.lead
    if not lead:
        if begin == 0 and stop >= len(text):
            return regex.finditer(text)
        return list(itertools.takewhile(lambda m: m.start() < stop, regex.finditer(text, begin)))
    matches = []
    at = haystack.find(lead, begin)
    while at != -1 and at < stop:
        match = regex.match(text, at)
        if match:
            matches.append(match)
            at = haystack.find(lead, max(match.end(), at + 1))
        else:
            at = haystack.find(lead, at + 1)
    return matches


def _fold(text):
    """TEXT folded as re.IGNORECASE compares, one character for one, for _finditer."""
    # str.lower() lengthens only U+0130, which _RE_FOLD_PAIRS replaces.
    return _replace_each(text, _RE_FOLD_PAIRS).lower()


def _longest_first(found):
    return found[0] - found[1], found[0]


_first = operator.itemgetter(0)


def _settle(text, patterns):
    """(start, end, pattern) of the phrase occurrences _find keeps in TEXT, by start."""
    return _settle_part(text, patterns, _fold(text), 0, None)[0]


def _settle_part(text, patterns, folded, begin, stop):
    """(What _settle keeps of the raw matches that start in TEXT[BEGIN:STOP], their furthest end).

    FOLDED is _fold(TEXT). The raw matches are those finditer(TEXT, BEGIN) gives: when no raw
    match of the parts before BEGIN reaches past it (it is where they stop), they are the
    ones a search of the whole text gives there, and as spans settle only with the spans they
    share a character with, the parts' answers end to end are _settle's (_settled_body).
    """
    found, vetoes, reach = [], {}, begin
    for pattern, spans in _raw_matches(patterns, text, folded, begin, stop):
        # A pattern's matches do not overlap, so its last one ends furthest.
        if spans[-1][1] > reach:
            reach = spans[-1][1]
        if pattern.weak is None:
            vetoes.setdefault(id(pattern.theme), []).extend(spans)
        else:
            found += [(start, end, pattern) for start, end in spans]
    if vetoes:
        vetoed = {key: _Spans(spans) for key, spans in vetoes.items()}
        found = [
            (start, end, p)
            for start, end, p in found
            if id(p.theme) not in vetoed or not vetoed[id(p.theme)].overlaps(start, end)
        ]
    # Speed (bench/size.py: a 10 MB post has 250,000 matches): spans contend only with the
    # spans they share characters with, so they are settled a cluster at a time (spans that
    # overlap, in a chain), and a span alone in its cluster is kept as it is. Sorting by start
    # keeps the order of found among equal starts, so each cluster is settled in the order,
    # and its kept spans come out in the order, that settling all of found at once gives.
    found.sort(key=_first)
    kept, cluster, cluster_end = [], [], -1
    for item in found:
        if item[0] >= cluster_end:  # shares no character with the cluster before it
            if len(cluster) == 1:
                kept.append(cluster[0])
            elif cluster:
                kept += _contest(cluster)
            cluster, cluster_end = [item], item[1]
        else:
            cluster.append(item)
            if item[1] > cluster_end:
                cluster_end = item[1]
    if len(cluster) == 1:
        kept.append(cluster[0])
    elif cluster:
        kept += _contest(cluster)
    # Every raw match's end counts (vetoes and the matches they remove too): a veto that
    # runs over the end of its part may remove a match of the next.
    return kept, reach


def _settled_body(text, patterns, starts):
    """(start, end, pattern, sentence) of what _settle(TEXT, PATTERNS) keeps, each with the
    number of its sentence (STARTS: where each sentence starts).

    Speed (bench/size.py, a 10 MB post): a long text is cut into runs of whole paragraphs
    that are matched and settled side by side in the build's pool (split_map). A run begins
    after a blank line, where no word goes on, so the words of the first-word search are the
    whole text's. The parts' answers end to end are the one pass's answer when no raw match
    reaches past the end of its part (_settle_part); otherwise, or with no pool to be had,
    the text is settled in one pass here.
    """
    count = split_parts(len(text))
    cuts = paragraph_cuts(text, count) if count > 1 else ()
    if len(cuts) > 1:
        folded = _fold(text)
        position = {id(pattern): index for index, pattern in enumerate(patterns)}

        def settle(cut):
            kept, reach = _settle_part(text, patterns, folded, *cut)
            # Positions, not patterns: what comes back is pickled, and must name this
            # process's own pattern objects.
            numbered = [
                (start, end, position[id(pattern)], bisect.bisect_right(starts, start) - 1)
                for start, end, pattern in kept
            ]
            return numbered, reach

        if isinstance(patterns, _PatternSet):
            patterns.compile_all()  # once here, not in each process split_map forks
        answers = split_map(settle, cuts)
        if answers is not None and all(
            reach <= stop for (_, reach), (_, stop) in zip(answers[:-1], cuts[:-1], strict=True)
        ):
            return [
                (start, end, patterns[index], sentence)
                for numbered, _ in answers
                for start, end, index, sentence in numbered
            ]
    return [
        (start, end, pattern, bisect.bisect_right(starts, start) - 1)
        for start, end, pattern in _settle(text, patterns)
    ]


def _contest(found):
    """The spans kept of FOUND, overlapping (start, end, pattern): the longest wins; by start."""
    found.sort(key=_longest_first)
    # Taken spans never overlap one another (a span that would is skipped), so a span clashes
    # with them exactly when one of its characters is taken: one mark per character keeps
    # this linear in the text's length (a sorted list of spans cost O(n^2) inserts: a 20 MB
    # import spent minutes here). A span already taken by another theme clashes with nothing.
    offset = min(start for start, _, _ in found)
    taken = bytearray(max(end for _, end, _ in found) - offset + 1)
    themes_at, kept = {}, []
    for start, end, pattern in found:
        themes = themes_at.get((start, end))
        if themes is None:
            if 1 in taken[start - offset : end - offset]:
                continue
            taken[start - offset : end - offset] = b"\x01" * (end - start)
            themes_at[start, end] = [pattern.theme]
        elif pattern.theme in themes:
            continue
        else:
            themes.append(pattern.theme)
        kept.append((start, end, pattern))
    kept.sort(key=_first)
    return kept


class _Spans:
    """Spans (start, end) sorted by start, with the furthest end so far: overlap by bisection."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [start for start, _ in spans]
        self.reach, furthest = [], -1
        for _, end in spans:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def overlaps(self, start, end):
        """True when some span s, e has s < END and START < e."""
        before = bisect.bisect_left(self.starts, end)
        return before > 0 and self.reach[before - 1] > start


def _find(text, patterns, in_title, starts):
    """Every phrase occurrence in TEXT; where phrases overlap, the longest wins.

    A theme's not_phrases veto any of that theme's matches they overlap.
    """
    if in_title:
        settled = [(start, end, pattern, -1) for start, end, pattern in _settle(text, patterns)]
    else:
        settled = _settled_body(text, patterns, starts)
    # Speed (bench/size.py, a 10 MB post's 250,000 matches): each Match made from a tuple of
    # its fields in C (as_match), not by keywords through the named tuple's __new__ (0.17 ->
    # 0.07 s, the collector paused as in a build).
    return [
        (
            pattern.theme,
            as_match(
                (pattern.phrase, text[start:end], start, end, sentence, in_title, pattern.weak)
            ),
        )
        for start, end, pattern, sentence in settled
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
    text = straighten(text or "")
    title = straighten(title or "")
    patterns = _patterns(vocabulary)
    starts = _sentence_starts(text)
    found = _find(title, patterns, True, [0]) + _find(text, patterns, False, starts)

    by_theme = {}
    for theme, match in found:
        entry = by_theme.get(theme.slug)
        if entry is None:
            entry = by_theme[theme.slug] = (theme, [])
        entry[1].append(match)

    # Longer texts need more separate mentions before a theme counts as their subject; a
    # short post (a news item, a paragraph of comment) may make its point in one sentence.
    n_sentences = max(1, len(starts))
    need = max(opts["min_sentences"], math.ceil(n_sentences / opts["sentences_per_mention"]))
    if n_sentences <= opts["short_post"]:
        need = 1

    # Speed (bench/size.py, a 10 MB post: 200,000 matches in 100,000 sentences): one pass over
    # a theme's matches, a sentence weighed when the next begins (a body's matches come by
    # start, so a sentence's are side by side), and a phrase's weight worked out once; the
    # same sums, in the same order, as a phrase's first mention in each sentence.
    weak_weight, cap, cooccurrence, specificity = (
        opts["weak_weight"],
        opts["sentence_cap"],
        opts["cooccurrence"],
        {},
    )

    def weigh(phrases, any_strong):
        """(What one sentence's PHRASES {phrase: weak} add to the score, counts as strong)."""
        # A phrase repeated within one sentence (a quoted list) is one piece of evidence.
        weight = 0
        for phrase, weak in phrases.items():
            if weak:
                weight += weak_weight
            else:
                value = specificity.get(phrase)
                if value is None:
                    value = specificity[phrase] = _specificity(phrase, opts)
                weight += value
        if any_strong:
            return min(cap, weight), True
        # Every phrase of a sentence without a strong one is weak: they are its weak kinds.
        if cooccurrence and len(phrases) >= cooccurrence:
            # Several different supporting words in one sentence ("police", "health",
            # "schools") say as much as one strong phrase does.
            return min(cap, max(weight, 1.0)), True
        return min(cap, weight), False

    scored = []
    for theme, matches in by_theme.values():
        title_phrases = {}
        body_score, strong, weak_only = 0.0, 0, 0
        sentence, phrases, any_strong = None, None, False
        for m in matches:
            if m.in_title:
                title_phrases[m.phrase] = m.weak
                continue
            if m.sentence != sentence:
                if phrases is not None:
                    value, counts = weigh(phrases, any_strong)
                    body_score += value
                    strong += counts
                    weak_only += not counts
                sentence, phrases, any_strong = m.sentence, {}, False
            weak = m.weak
            phrases[m.phrase] = weak
            if not weak:
                any_strong = True
        if phrases is not None:
            value, counts = weigh(phrases, any_strong)
            body_score += value
            strong += counts
            weak_only += not counts
        title_score = sum(
            opts["title_weight"] * (opts["weak_weight"] if weak else 1.0)
            for weak in title_phrases.values()
        )
        score = round(title_score + body_score, 2)
        strong_title = any(not weak for weak in title_phrases.values())
        # Spread: a sentence with a strong phrase counts 1, one with only weak phrases 1/2.
        support = strong + 0.5 * weak_only
        scored.append((theme, matches, score, strong_title, strong, support))

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
        # The first two sentences with a strong mention, in the order of the matches.
        sentences = []
        for m in matches:
            if not m.in_title and not m.weak and m.sentence not in sentences:
                sentences.append(m.sentence)
                if len(sentences) == 2:
                    break
        snippets = tuple(_snippet(text, starts, i) for i in sentences)
        evidence.append(ThemeEvidence(theme, score, tuple(matches), selected, reason, snippets))
    return evidence


def selected_themes(evidence):
    """The themes a list of ThemeEvidence selects, strongest first."""
    return [item.theme for item in evidence if item.selected]
