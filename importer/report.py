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
