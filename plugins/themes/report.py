"""What the build tells the author about the themes it detected for posts without theme tags."""

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
