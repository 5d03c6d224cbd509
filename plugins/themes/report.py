"""What the build and the devserver tell the author about a post's themes, and why."""

from .detect import shown_phrase

ADVICE = "Add them to tags: to keep them, or list a slug in themes_exclude: to drop one."


def detection_line(path, decision):
    """(line, detected) on the themes found for the post at PATH; None if its tags named them."""
    if decision.source != "detected":
        return None
    if not decision.themes:
        return f"{path} has no theme tags and no theme was detected", False
    why = "; ".join(
        f"{theme.name} ({decision.evidence_for(theme.slug).summary()})" for theme in decision.themes
    )
    return f"{path} has no theme tags; detected {why}.", True


REMEMBERED = (
    "themes: {count} {other}post{s} without theme tags kept the themes detected in an earlier "
    "build; `make themes` lists every post's themes with the evidence."
)


def detection_message(reports, remembered=0):
    """The build's one message for the REPORTS of detection_line (None ignored), or None.

    One post reads as it always has; several are listed one a line, with the advice once.
    REMEMBERED untagged posts, unchanged since an earlier build said all this, are counted.
    """
    # Speed: each log record costs Pelican's rich handler milliseconds to lay out, so a build
    # of many untagged posts says it all in one record rather than one per post.
    reports = [report for report in reports if report]
    other = "other " if reports else ""
    note = REMEMBERED.format(count=remembered, other=other, s="" if remembered == 1 else "s")
    if not reports:
        return note if remembered else None
    return _listed(reports) + (f"\n{note}" if remembered else "")


def _listed(reports):
    """One post as it always read; several one a line, with the advice once."""
    advice = ADVICE if any(detected for _, detected in reports) else ""
    if len(reports) == 1:
        return " ".join(part for part in (f"themes: {reports[0][0]}", advice) if part)
    listed = "".join(f"\n{line}" for line, _ in reports)
    return f"themes: {len(reports)} posts have no theme tags:{listed}" + (
        f"\n{advice}" if advice else ""
    )


# What the devserver says about each post saved: its themes and why, or themes that might fit.

_SOURCES = {"tags": "named by the post's tags", "detected": "detected in the text"}


def _why(found):
    """One theme's evidence in words: a ThemeEvidence's summary and where, or text as given."""
    if found is None:
        return ""
    if hasattr(found, "summary"):
        return "; ".join(part for part in (found.summary(), found.where()) if part)
    if isinstance(found, str):
        return found
    return "; ".join(str(item) for item in found)


def suggest_themes(html, vocabulary, limit=3, title="", options=None, exclude=()):
    """Themes the text mentions, strongest first, for a post that has none: [(theme, phrases)].

    The build's decision (decision.decide with its OPTIONS) read for every theme it found
    any evidence of, except the slugs in EXCLUDE (the post's themes_exclude).
    """
    from .decision import PostInput, decide

    if vocabulary is None:
        return []
    post = PostInput(html=html or "", title=title, tags=(), exclude=tuple(exclude))
    evidence = decide(post, vocabulary, options or {}).evidence
    near = [item for item in evidence if item.theme.slug not in post.exclude]
    return [
        (item.theme, list(dict.fromkeys(shown_phrase(p) for p in item.counts)))
        for item in near[:limit]
    ]


def theme_report(
    title, path, themes, evidence, text="", vocabulary=None, source=None, options=None, exclude=()
):
    """Lines for the devserver console: the themes found and why, or suggestions.

    EVIDENCE maps a theme's slug to its ThemeEvidence (or to text); TEXT is the post's HTML,
    read for suggestions when it has no theme, with the build's detector OPTIONS (never one
    of the slugs in EXCLUDE).
    """
    how = f", {_SOURCES.get(source, source)}" if source and themes else ""
    lines = [f"Themes for '{title}' ({path}){how}:"]
    if themes is None:
        lines.append("  (the themes plugin is not active, so no themes were detected)")
        return lines
    evidence = evidence or {}
    for theme in themes:
        why = _why(evidence.get(getattr(theme, "slug", theme)))
        lines.append(f"  - {getattr(theme, 'name', theme)}" + (f": {why}" if why else ""))
    if not themes:
        suggestions = suggest_themes(
            text, vocabulary, title=title, options=options, exclude=exclude
        )
        if suggestions:
            lines.append("  No theme found. Themes that might fit (add one as a tag):")
            lines += [
                f"  - {theme.name} (the post mentions: {', '.join(phrases[:5])})"
                for theme, phrases in suggestions
            ]
        else:
            lines.append(
                "  No theme found, and none is close. Add a tag naming a theme from "
                "content/themes.yaml."
            )
    return lines
