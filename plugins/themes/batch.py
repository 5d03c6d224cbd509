"""Every post's themes and cross-links in one pass: remembered per post, split over processes.

Speed (bench/): detection and cross-linking are pure functions of a post's HTML, title, tags
and exclusions (with the build's vocabulary and options), and are most of the plugin's time.
So when Pelican's content cache is on (the devserver's CACHE_CONTENT), each post's answer is
kept in a cache file of our own under a key of all those inputs, and a warm rebuild works out
only the posts that changed. Posts with no kept answer are worked out in a small pool of
forked worker processes when there are many of them. Either way the answer is the one
computing it here would give, so the output is byte-identical.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import logging
import multiprocessing
import os
import pickle

from .crosslinks import link_page
from .decision import PostInput, decide
from .detect import Match
from .markup import read_html
from .tagging import PostThemes

logger = logging.getLogger(__name__)

# Per pool, set in each forked worker by _start_worker; never grows, dies with the worker.
_worker = None


# One post's inputs: what decision.decide() takes.
Job = PostInput


@dataclasses.dataclass(frozen=True)
class Answer:
    """One post's decision, and its HTML with cross-links (None when not cross-linked)."""

    key: bytes
    decision: PostThemes
    # (linked html, linked slugs, slugs of the themes linked for, digest of the html linked)
    linked: tuple | None


def digest(text):
    """A short fingerprint of TEXT."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def links_for(linked, html, themes):
    """The (html, slugs) of an Answer's LINKED when made for HTML and THEMES; else None."""
    if linked is None or linked[2] != tuple(t.slug for t in themes) or linked[3] != digest(html):
        return None
    return linked[0], linked[1]


def build_key(vocabulary, options, crosslink_class):
    """What every answer of this build depends on besides the post: vocabulary and settings."""
    text = repr((vocabulary.themes, sorted(options.items()), crosslink_class))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def job_key(job, build):
    """The key an answer to JOB is remembered under, in a build whose key is BUILD."""
    digest = hashlib.blake2b(build, digest_size=16)
    for part in (job.html, job.title, "\x00".join(job.tags), "\x00".join(job.exclude)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x01")
    return digest.digest()


def answer(job, vocabulary, options, crosslink_class):
    """Detect JOB's themes and, when CROSSLINK_CLASS is not None, link their first mentions."""
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


def rebind(decision, vocabulary):
    """DECISION with its Theme objects replaced by VOCABULARY's own (after a pickle trip)."""

    def own(theme):
        return vocabulary.get(theme.slug, theme)

    return dataclasses.replace(
        decision,
        themes=tuple(own(t) for t in decision.themes),
        evidence=tuple(dataclasses.replace(e, theme=own(e.theme)) for e in decision.evidence),
    )


def _pack(decision):
    """DECISION for the trip from a worker: themes as slugs, matches as tuples."""
    # Speed (bench/): pickling a hundred Match objects and each theme's whole vocabulary
    # entry costs the main process ~1 ms a post to unpickle; slugs and tuples cost a tenth.
    return dataclasses.replace(
        decision,
        themes=tuple(theme.slug for theme in decision.themes),
        evidence=tuple(
            dataclasses.replace(
                item,
                theme=item.theme.slug,
                matches=tuple(
                    (m.phrase, m.text, m.start, m.end, m.sentence, m.in_title, m.weak)
                    for m in item.matches
                ),
            )
            for item in decision.evidence
        ),
    )


def _unpack(packed, vocabulary):
    """The decision _pack made PACKED from, with VOCABULARY's own Theme objects."""
    return dataclasses.replace(
        packed,
        themes=tuple(vocabulary[slug] for slug in packed.themes),
        evidence=tuple(
            dataclasses.replace(
                item,
                theme=vocabulary[item.theme],
                matches=tuple(Match(*fields) for fields in item.matches),
            )
            for item in packed.evidence
        ),
    )


def _start_worker(vocabulary, options, crosslink_class):
    global _worker
    _worker = (vocabulary, options, crosslink_class)


def _work(item):
    index, job = item
    try:
        decision, linked = answer(job, *_worker)
        return index, (_pack(decision), linked)
    except Exception:  # the main process computes it again and reports the error as usual
        return index, None


def answer_all(jobs, vocabulary, options, crosslink_class, workers, min_jobs):
    """[(decision, linked) or None] for JOBS: in WORKERS processes when there are MIN_JOBS."""
    results = [None] * len(jobs)
    if workers < 2 or len(jobs) < max(min_jobs, 2) or not hasattr(os, "fork"):
        return results
    context = multiprocessing.get_context("fork")
    chunksize = max(1, min(16, len(jobs) // (workers * 8) or 1))
    try:
        with context.Pool(
            workers, initializer=_start_worker, initargs=(vocabulary, options, crosslink_class)
        ) as pool:
            for index, result in pool.imap_unordered(_work, enumerate(jobs), chunksize=chunksize):
                if result is not None:
                    decision, linked = result
                    results[index] = (_unpack(decision, vocabulary), linked)
    except OSError as error:  # no processes to be had: the main process works them all out
        logger.debug("themes: no worker processes (%s); working in this process", error)
        return [None] * len(jobs)
    return results


class AnswerCache:
    """Answers kept between builds in CACHE_PATH, when Pelican's content cache is on.

    Each save keeps only the answers of that build, so the file never outgrows the site.
    """

    NAME = "ThemesAnswers"

    def __init__(self, settings):
        self.save_policy = bool(settings.get("CACHE_CONTENT"))
        self.path = os.path.join(settings.get("CACHE_PATH", "cache"), self.NAME)
        self.opener = gzip.open if settings.get("GZIP_CACHE", True) else open
        self.answers = {}
        if self.save_policy and settings.get("LOAD_CONTENT_CACHE"):
            try:
                with self.opener(self.path, "rb") as handle:
                    loaded = pickle.load(handle)
                if isinstance(loaded, dict):
                    self.answers = loaded
            except FileNotFoundError:
                pass
            except Exception as error:  # an unreadable cache only costs a full detection
                logger.debug("themes: ignoring the answer cache %s: %s", self.path, error)

    def get(self, key):
        """The kept Answer for KEY, or None."""
        return self.answers.get(key)

    def save(self, answers):
        """Keep ANSWERS ({key: Answer}) for the next build, replacing what was kept."""
        if not self.save_policy or answers.keys() == self.answers.keys():
            return  # nothing new to keep (every answer came from this file)
        # A kept answer is only reused for its themes and their evidence (a post worked out
        # afresh is reported in full), so the evidence of themes not chosen is not kept.
        answers = {key: _trimmed(answer) for key, answer in answers.items()}
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            with self.opener(temporary, "wb") as handle:
                pickle.dump(answers, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)  # never a half-written cache file
        except (OSError, pickle.PicklingError, TypeError) as error:
            logger.warning("themes: could not save the answer cache %s: %s", self.path, error)


def _trimmed(answer):
    """ANSWER with evidence only for the themes its post was given."""
    chosen = {theme.slug for theme in answer.decision.themes}
    evidence = tuple(e for e in answer.decision.evidence if e.theme.slug in chosen)
    if len(evidence) == len(answer.decision.evidence):
        return answer
    return dataclasses.replace(
        answer, decision=dataclasses.replace(answer.decision, evidence=evidence)
    )
