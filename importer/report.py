"""The import report: per source file, the posts found, lists, removed lines and decisions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """Where the importer had to choose whether a line starts a post, what it chose and why."""

    file: str
    line: int
    text: str
    decided: str
    why: str
    ambiguous: bool = False


def _lists(post) -> list[str]:
    from .records import BulletList

    return [
        f"{'numbered' if block.ordered else 'bulleted'} list of {len(block.items)}"
        for block in post.body
        if isinstance(block, BulletList)
    ]


def render_report(posts: dict, decisions: list[Decision], notes: list[str] = ()) -> str:
    """The import report as text: per source file, posts, lists, removed lines, decisions.

    POSTS is {article path: Post} (Report.posts); DECISIONS and NOTES come from the import.
    """
    files: dict[str, list] = {}
    for relative, post in posts.items():
        files.setdefault(post.source_file, []).append((relative, post))
    for decision in decisions:
        files.setdefault(decision.file, [])
    out = ["Import report", ""]
    for name in sorted(files):
        found = sorted(files[name], key=lambda item: (item[1].line, item[0]))
        out.append(f"{name}: {len(found)} post{'s' if len(found) != 1 else ''}")
        for relative, post in found:
            estimated = " (estimated)" if post.date_estimated else ""
            out.append(
                f"  line {post.line}: {post.date:%Y-%m-%d %H:%M}{estimated}  "
                f"{post.title}  -> {relative}"
            )
            for described in _lists(post):
                out.append(f"    {described}")
        removed = sorted(
            (removal for _, post in found for removal in post.removed),
            key=lambda removal: removal.line,
        )
        if removed:
            out.append("  removed, by rule:")
            for removal in removed:
                text = " ".join(removal.text.split())
                text = text if len(text) <= 70 else text[:69] + "…"
                out.append(f"    line {removal.line}: {removal.rule}: {text}")
        chosen = [decision for decision in decisions if decision.file == name]
        if chosen:
            out.append("  where a line could start a post:")
            for decision in chosen:
                flag = "AMBIGUOUS, " if decision.ambiguous else ""
                out.append(
                    f"    line {decision.line}: '{decision.text}': {flag}{decision.decided} "
                    f"({decision.why})"
                )
        out.append("")
    if notes:
        out.append("Notes:")
        out.extend(f"  {note}" for note in notes)
        out.append("")
    return "\n".join(out)
