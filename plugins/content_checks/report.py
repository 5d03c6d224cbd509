"""Tell the author, in plain lines, which themes a post got and why, or which it might have."""

import re

_WORD = re.compile(r"[a-z][a-z'-]+")
# Words too common to suggest a theme on their own.
# fmt: off
_COMMON = frozenset((
    "about", "after", "again", "also", "and", "are", "because", "been", "but", "can", "could",
    "did", "does", "for", "from", "had", "has", "have", "her", "his", "how", "into", "its",
    "more", "not", "one", "our", "out", "over", "she", "should", "some", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "was", "were",
    "what", "when", "which", "who", "will", "with", "would", "you", "your", "work",
))
# fmt: on


def _evidence_for(evidence, theme):
    """The evidence the themes plugin recorded for THEME, whatever shape it was kept in."""
    slug = getattr(theme, "slug", str(theme))
    if isinstance(evidence, dict):
        found = evidence.get(slug, evidence.get(theme))
    elif isinstance(evidence, (list, tuple)):
        found = next(
            (
                item[1]
                for item in evidence
                if isinstance(item, (list, tuple))
                and len(item) == 2
                and getattr(item[0], "slug", item[0]) == slug
            ),
            None,
        )
    else:
        found = None
    if found is None:
        return ""
    if hasattr(found, "matches"):
        return _describe_matches(found)
    if isinstance(found, str):
        return found
    if isinstance(found, dict):
        return "; ".join(f"{key}: {value}" for key, value in found.items())
    try:
        return "; ".join(str(item) for item in found)
    except TypeError:
        return str(found)


def _describe_matches(evidence):
    """'"reflective supervision" x2, "supervisor" (title); found in the title and 2 sentences'."""
    counts, in_title = {}, set()
    for match in getattr(evidence, "matches", ()) or ():
        phrase = str(getattr(match, "phrase", match)).lower()
        counts[phrase] = counts.get(phrase, 0) + 1
        if getattr(match, "in_title", False):
            in_title.add(phrase)
    parts = [
        f'"{phrase}"'
        + (f" x{count}" if count > 1 else "")
        + (" (title)" if phrase in in_title else "")
        for phrase, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    text = ", ".join(parts[:6]) or "no phrases"
    where = _where(evidence)
    return f"{text}; {where}" if where else text


def _where(evidence):
    """Where the post speaks of the theme, in words ('the title and 3 sentences')."""
    # The detector's own reason counts a sentence with only weak phrases as half ("2.5
    # sentences"), which means nothing to an author; say which parts of the post matched.
    matches = getattr(evidence, "matches", ()) or ()
    in_title = any(getattr(match, "in_title", False) for match in matches)
    sentences = len(
        {getattr(m, "sentence", None) for m in matches if not getattr(m, "in_title", False)}
    )
    parts = ["the title"] if in_title else []
    if sentences:
        parts.append(f"{sentences} sentence" + ("s" if sentences > 1 else ""))
    return f"found in {' and '.join(parts)}" if parts else ""


def suggest_themes(text, vocabulary, limit=3):
    """Themes whose phrases or name words appear in TEXT, best first: [(theme, words)]."""
    if vocabulary is None:
        return []
    words = set(_WORD.findall(text.lower()))
    lowered = text.lower()
    scored = []
    for theme in vocabulary:
        hits = []
        for phrase in (*theme.phrases, *theme.weak_phrases):
            phrase = phrase.lower().rstrip("*")
            if phrase in lowered and phrase not in hits:
                hits.append(phrase)
        hits += [
            w
            for w in dict.fromkeys(
                _WORD.findall(f"{theme.name} {' '.join(theme.synonyms)}".lower())
            )
            if w in words and w not in _COMMON and w not in hits
        ]
        if hits:
            scored.append((len(hits), theme.slug, theme, hits))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [(theme, hits) for _score, _slug, theme, hits in scored[:limit]]


_SOURCES = {"tags": "named by the post's tags", "detected": "detected in the text"}


def theme_report(title, path, themes, evidence, text="", vocabulary=None, source=None):
    """Lines for the devserver console: the themes found and why, or suggestions."""
    how = f", {_SOURCES.get(source, source)}" if source and themes else ""
    lines = [f"Themes for '{title}' ({path}){how}:"]
    if themes is None:
        lines.append("  (the themes plugin is not active, so no themes were detected)")
        return lines
    for theme in themes:
        why = _evidence_for(evidence, theme)
        lines.append(f"  - {getattr(theme, 'name', theme)}" + (f": {why}" if why else ""))
    if not themes:
        suggestions = suggest_themes(text, vocabulary)
        if suggestions:
            lines.append("  No theme found. Themes that might fit (add one as a tag):")
            lines += [
                f"  - {theme.name} (the post mentions: {', '.join(hits[:5])})"
                for theme, hits in suggestions
            ]
        else:
            lines.append(
                "  No theme found, and none is close. Add a tag naming a theme from "
                "content/themes.yaml."
            )
    return lines
