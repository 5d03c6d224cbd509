"""Write a seeded, deterministic synthetic blog corpus in two metadata formats.

The same N posts (same bodies, same metadata) are written twice:
  yaml/    the project's format: YAML front matter between `---` lines, under articles/YYYY/;
  native/  plain Pelican's `Key: value` header, which Pelican's own Markdown reader reads.
Same seed and N -> byte-identical files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

# Phrases the themes plugin looks for (content/themes.yaml); each post gets a few of them so
# that theme detection, related posts and topic pages have real work to do.
THEME_PHRASES = (
    "blame culture",
    "no blame culture",
    "HCPC",
    "Health and Care Professions Council",
    "Social Work England",
    "fitness to practise",
    "serious case review",
    "serious case reviews",
    "child safeguarding practice review",
    "supervision",
    "reflective supervision",
    "caseloads",
    "high caseloads",
    "workload",
    "Ofsted",
    "inspection",
    "Munro review",
    "risk aversion",
    "defensive practice",
    "organisational learning",
    "learning organisation",
    "Baby P",
    "Victoria Climbié",
    "Laming",
    "thresholds",
    "early help",
    "care proceedings",
    "Care Crisis Review",
    "family group conference",
    "relationship-based practice",
    "systems thinking",
    "root cause",
    "hindsight bias",
    "media coverage",
    "burnout",
    "retention",
    "agency workers",
    "Working Together",
    "multi-agency",
    "local safeguarding children board",
)

TAGS = (
    "Blame culture",
    "Ofsted and inspection",
    "Serious case reviews",
    "Supervision",
    "Regulation",
    "Caseloads",
    "Workforce",
    "Systems thinking",
    "Risk",
    "Media",
    "Learning",
    "Policy",
    "Families",
    "Courts",
    "Early help",
    "Leadership",
    "Research",
    "Munro",
    "Social Work England",
    "HCPC",
    "Training",
    "Practice",
    "Ethics",
    "Partnership",
)

WORDS = (  # noqa: SIM905 (one readable block of words)
    "the of and to a in that is was it for on are as with they be at this have from or one "
    "had by but not what all were we when your can said there use an each which she do how "
    "their if will up other about out many then them these so some her would make like him "
    "into time has look two more write go see number no way could people my than first been "
    "call who its now find long down day did get come made may part social worker workers "
    "child children family families practice manager managers team teams service services "
    "council local authority report reports review decision decisions risk risks safety safe "
    "learning learn organisation organisations culture case cases help support parent parents "
    "home school police health court judge evidence assessment plan plans meeting meetings "
    "record records visit visits concern concerns judgement professional professionals "
    "system systems error errors mistake mistakes trust open honest fear pressure time "
    "training student students research researcher government minister policy policies "
    "inquiry inquiries response change changes improve improvement outcome outcomes study "
    "question questions answer answers reason reasons experience experiences work working "
    "difficult complex uncertain careful thoughtful reflective critical important clear "
    "often rarely always never sometimes because although however therefore whereas while"
).split()

TITLE_WORDS = (  # noqa: SIM905
    "Blame Learning Safety Risk Culture Supervision Inspection Reviews Caseloads Trust "
    "Judgement Hindsight Families Children Practice Systems Organisations Error Fear "
    "Openness Evidence Regulation Leadership Courage Uncertainty Workload Reflection "
    "Change Honesty Accountability Media Thresholds Partnership Care Crisis"
).split()

CATEGORIES = ("Reflections", "News")
START = dt.datetime(2005, 1, 1, 9, 0)
SPAN_MINUTES = 20 * 365 * 24 * 60  # dates spread over twenty years


@dataclass(frozen=True)
class Post:
    """One synthetic post: metadata and Markdown body."""

    index: int
    title: str
    slug: str
    date: dt.datetime
    category: str
    tags: tuple[str, ...]
    summary: str | None
    body: str


def _sentence(rng: random.Random, phrases: tuple[str, ...]) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.35:
        words.insert(rng.randrange(len(words)), rng.choice(phrases))
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), f"*{rng.choice(WORDS)}*")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def _paragraph(rng: random.Random, phrases: tuple[str, ...]) -> str:
    return " ".join(_sentence(rng, phrases) for _ in range(rng.randint(2, 6)))


def _body(rng: random.Random, phrases: tuple[str, ...]) -> str:
    target = rng.randint(300, 1000)
    blocks: list[str] = []
    words = 0
    while words < target:
        roll = rng.random()
        if roll < 0.08 and blocks:
            block = "## " + " ".join(rng.choice(TITLE_WORDS) for _ in range(rng.randint(2, 4)))
        elif roll < 0.18:
            items = [_sentence(rng, phrases) for _ in range(rng.randint(3, 6))]
            marker = "1." if rng.random() < 0.3 else "-"
            block = "\n".join(f"{marker} {item}" for item in items)
        elif roll < 0.26:
            block = "> " + _paragraph(rng, phrases) + " (“" + rng.choice(phrases) + "”)"
        else:
            block = _paragraph(rng, phrases)
        blocks.append(block)
        words += len(block.split())
    return "\n\n".join(blocks) + "\n"


def make_posts(n: int, seed: int = 1, phrases: tuple[str, ...] = THEME_PHRASES) -> list[Post]:
    """Return N deterministic posts for this seed."""
    rng = random.Random(seed)
    posts = []
    for index in range(n):
        title_words = [rng.choice(TITLE_WORDS) for _ in range(rng.randint(2, 6))]
        title = " ".join(title_words) + f" {index + 1}"
        slug = "-".join(w.lower() for w in title_words) + f"-{index + 1}"
        date = START + dt.timedelta(minutes=rng.randrange(SPAN_MINUTES))
        date = date.replace(second=0, microsecond=0)
        tags = tuple(sorted(rng.sample(TAGS, rng.randint(1, 4))))
        summary = _sentence(rng, phrases) if rng.random() < 0.5 else None
        posts.append(
            Post(
                index, title, slug, date, rng.choice(CATEGORIES), tags, summary, _body(rng, phrases)
            )
        )
    return posts


def _yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_text(post: Post) -> str:
    """The post in the project's format: YAML front matter, then the Markdown body."""
    lines = [
        "---",
        f"title: {_yaml_quote(post.title)}",
        f"date: {post.date:%Y-%m-%d %H:%M}",
        "author: Chris Mills",
        f"category: {post.category}",
        "tags: [" + ", ".join(post.tags) + "]",
        f"slug: {post.slug}",
    ]
    if post.summary:
        lines.append(f"summary: {_yaml_quote(post.summary)}")
    return "\n".join(lines) + "\n---\n" + post.body


def native_text(post: Post) -> str:
    """The same post with plain Pelican's `Key: value` metadata header."""
    lines = [
        f"Title: {post.title}",
        f"Date: {post.date:%Y-%m-%d %H:%M}",
        "Author: Chris Mills",
        f"Category: {post.category}",
        "Tags: " + ", ".join(post.tags),
        f"Slug: {post.slug}",
    ]
    if post.summary:
        lines.append(f"Summary: {post.summary}")
    return "\n".join(lines) + "\n\n" + post.body


def load_theme_phrases(themes_file: Path | None) -> tuple[str, ...]:
    """Built-in phrases plus every phrase-like string in themes.yaml, if there is one."""
    phrases = set(THEME_PHRASES)
    if themes_file is not None and themes_file.is_file():
        import yaml

        def walk(node, collect=False):
            if isinstance(node, dict):
                for key, value in node.items():
                    walk(value, key in ("phrases", "synonyms", "name"))
            elif isinstance(node, list):
                for item in node:
                    walk(item, collect)
            elif collect and isinstance(node, str) and 2 < len(node) < 60:
                phrases.add(node.strip())

        with contextlib.suppress(yaml.YAMLError):  # a broken vocabulary: built-ins only
            walk(yaml.safe_load(themes_file.read_text(encoding="utf-8")))
    return tuple(sorted(phrases))


def write_corpus(root: Path, n: int, seed: int = 1, themes_file: Path | None = None) -> dict:
    """Write yaml/ and native/ trees for N posts under ROOT; return their paths."""
    posts = make_posts(n, seed, load_theme_phrases(themes_file))
    yaml_root, native_root = root / "yaml", root / "native"
    for post in posts:
        year = f"{post.date:%Y}"
        target = yaml_root / "articles" / year / f"{post.slug}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml_text(post), encoding="utf-8")
        target = native_root / year / f"{post.slug}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(native_text(post), encoding="utf-8")
    about = "An about page for the benchmark corpus.\n"
    (yaml_root / "pages").mkdir(parents=True, exist_ok=True)
    (yaml_root / "pages" / "about.md").write_text(
        "---\ntitle: About\nslug: about\n---\n" + about, encoding="utf-8"
    )
    (native_root / "pages").mkdir(parents=True, exist_ok=True)
    (native_root / "pages" / "about.md").write_text(
        "Title: About\nSlug: about\n\n" + about, encoding="utf-8"
    )
    return {"yaml": yaml_root, "native": native_root, "posts": posts}
