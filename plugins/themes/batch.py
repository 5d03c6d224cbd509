"""Every post's themes and cross-links in one pass: remembered per post, split over processes.

Speed (bench/): detection and cross-linking are pure functions of a post's HTML, title, tags
and exclusions (with the build's vocabulary and options), and are most of the plugin's time.
So when Pelican's content cache is on (the devserver's CACHE_CONTENT), each post's answer is
kept in the build memo (plugins/build_speed/memo.py, "ThemesAnswers") under a key of all
those inputs, and a warm rebuild works out only the posts that changed. Posts with no kept
answer are worked out in the build's worker pool (BUILD_WORKERS) when there are many of them.
Either way the answer is the one computing it here would give, so the output is
byte-identical.
"""

from __future__ import annotations

import dataclasses
import logging

from plugins.build_speed.keys import key
from plugins.build_speed.pool import pooled
from plugins.collector import collector_paused

from .crosslinks import link_page
from .decision import PostInput, decide
from .detect import as_match, compile_all_patterns
from .markup import read_html
from .tagging import PostThemes

logger = logging.getLogger(__name__)

# Fewer posts to work out than this and a pool costs more than it saves (make bench).
POOL_MIN = 40


# One post's inputs: what decision.decide() takes.
Job = PostInput


@dataclasses.dataclass(frozen=True)
class Answer:
    """One post's answer as the build memo keeps it: its decision, packed (see `packed`), and
    its HTML with cross-links (None when not cross-linked)."""

    key: bytes
    decision: PostThemes  # packed: themes as slugs, matches as tuples
    # (linked html, linked slugs, slugs of the themes linked for, digest of the html linked)
    linked: tuple | None


def digest(text):
    """A short fingerprint of TEXT."""
    return key(text)


def links_for(linked, html, themes):
    """The (html, slugs) of an Answer's LINKED when made for HTML and THEMES; else None."""
    if linked is None or linked[2] != tuple(t.slug for t in themes) or linked[3] != digest(html):
        return None
    return linked[0], linked[1]


def build_key(vocabulary, options, crosslink_class):
    """What every answer of this build depends on besides the post: vocabulary and settings."""
    return key(repr((vocabulary.themes, sorted(options.items()), crosslink_class)))


def job_key(job, build):
    """The key an answer to JOB is remembered under, in a build whose key is BUILD."""
    return key(build, job.html, job.title, job.tags, job.exclude)


def answer(job, vocabulary, options, crosslink_class):
    """Detect JOB's themes and, when CROSSLINK_CLASS is not None, link their first mentions."""
    with collector_paused():
        # One parse serves both: the text to detect in, then the nodes to link.
        page = read_html(job.html)
        decision = decide(job, vocabulary, options, page=page)
        linked = None
        if crosslink_class is not None and decision.themes:
            html, slugs = link_page(
                page, job.html, decision.themes, vocabulary, css_class=crosslink_class
            )
            linked = (html, slugs, tuple(t.slug for t in decision.themes), digest(job.html))
    return decision, linked


def packed(decision):
    """DECISION as it comes from a worker and as the build memo keeps it: the evidence of its
    chosen themes only (chosen_evidence), themes as slugs and matches as plain tuples."""
    # Speed (bench/): pickling a hundred Match objects and each theme's whole vocabulary
    # entry costs the main process ~1 ms a post to unpickle; slugs and tuples cost a tenth
    # (plain tuples are pickled in C; a Match or a Theme calls back into Python for each
    # one: keeping a 10 MB post's answer took 0.47 s). A Match is a tuple of its fields in
    # order, so it is copied in C; and no collector pass walks the heap while a long post's
    # matches are copied (a 10 MB post has ~200,000: 0.53 s with the collector on, 0.10 s
    # paused).
    decision = chosen_evidence(decision)
    with collector_paused():
        return dataclasses.replace(
            decision,
            themes=tuple(theme.slug for theme in decision.themes),
            evidence=tuple(
                dataclasses.replace(
                    item, theme=item.theme.slug, matches=tuple(map(tuple, item.matches))
                )
                for item in decision.evidence
            ),
        )


def unpack(packed, vocabulary):
    """The decision `packed` made PACKED from, with VOCABULARY's own Theme objects."""
    with collector_paused():  # as in packed (a 10 MB post: 0.41 s with it on, 0.09 s paused)
        return dataclasses.replace(
            packed,
            themes=tuple(vocabulary[slug] for slug in packed.themes),
            evidence=tuple(
                dataclasses.replace(
                    item, theme=vocabulary[item.theme], matches=tuple(map(as_match, item.matches))
                )
                for item in packed.evidence
            ),
        )


def worker(vocabulary, options, crosslink_class):
    """What a pool worker does with one job: its packed answer, or None when it fails."""

    def work(job):
        try:
            decision, linked = answer(job, vocabulary, options, crosslink_class)
        except Exception:
            return None
        # Memory (10,000 posts): the build uses the evidence of a post's chosen themes only,
        # so the rest is never sent; every post's answer reaches the main process at once.
        return packed(decision), linked

    return work


def answer_all(jobs, vocabulary, options, crosslink_class, settings):
    """[(packed decision, linked) or None] for JOBS, from the build's pool; all None without
    one. Each decision is as the pool sends it and the build memo keeps it (`packed`: the
    evidence of its chosen themes only); `unpack` gives the decision itself.

    None for a job means "work it out here" (no pool was worth it, or the job failed in the
    pool: the main process meets the same error and reports it as usual).
    """

    work = worker(vocabulary, options, crosslink_class)
    if len(jobs) >= POOL_MIN:  # the pool's processes share them, compiled once here
        compile_all_patterns(vocabulary)
    results = pooled(settings, work, jobs, POOL_MIN, chunk_most=16)
    return [None] * len(jobs) if results is None else results


def chosen_evidence(decision):
    """DECISION with the evidence of its chosen themes only (the same object if that is all)."""
    chosen = {theme.slug for theme in decision.themes}
    evidence = tuple(e for e in decision.evidence if e.theme.slug in chosen)
    if len(evidence) == len(decision.evidence):
        return decision
    return dataclasses.replace(decision, evidence=evidence)
