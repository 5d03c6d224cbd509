"""Audit theme tagging: every post's themes with their evidence, or precision/recall on labels.

python scripts/themes_report.py [INPUTDIR] [-s pelican.conf.py]  # what `make themes` runs
python scripts/themes_report.py --evaluate        # score the detector on the labelled sets
python scripts/themes_report.py --all [INPUTDIR]  # also show themes that were not chosen
"""

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

from plugins.themes import load_vocabulary  # noqa: E402
from plugins.themes.detect import detect_themes  # noqa: E402
from plugins.themes.settings import DEFAULT_VOCABULARY  # noqa: E402
from plugins.themes.tagging import markdown_text  # noqa: E402
from plugins.yaml_metadata import parse_front_matter, split_front_matter  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "themes-labelled"
HELDOUT = ROOT / "tests" / "fixtures" / "themes-heldout"
_DATE_LINE = re.compile(r"^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{1,2} \w+ \d{4}$")


@dataclass(frozen=True)
class Labelled:
    """A text with the themes a person decided it is about."""

    name: str
    title: str
    text: str
    themes: frozenset
    acceptable: frozenset


def split_source_posts(path, titles):
    """Cut a raw source file into {title: body} at lines equal to the given TITLES, in order."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    marks, cursor = [], 0
    for title in titles:
        index = next(i for i in range(cursor, len(lines)) if lines[i].strip() == title)
        # A repeated title line (page heading + article heading) belongs to the same post.
        body_start = index + 1
        while body_start < len(lines) and lines[body_start].strip() in ("", title):
            body_start += 1
        marks.append((title, index, body_start))
        cursor = body_start
    posts = {}
    for n, (title, _, body_start) in enumerate(marks):
        end = marks[n + 1][1] if n + 1 < len(marks) else len(lines)
        body = [line for line in lines[body_start:end] if not _DATE_LINE.match(line.strip())]
        posts[title] = "\n".join(body).strip()
    return posts


def load_labelled(root=LABELS, sources=ROOT / "sources"):
    """The two labelled sets: hand-written cases and the real posts from sources/."""
    cases = yaml.safe_load((root / "cases.yaml").read_text(encoding="utf-8"))["cases"]
    written = [
        Labelled(c["id"], c["title"], c["text"], frozenset(c["themes"]), frozenset(c["acceptable"]))
        for c in cases
    ]
    real_posts = yaml.safe_load((root / "real-posts.yaml").read_text(encoding="utf-8"))["posts"]
    by_source = {}
    for post in real_posts:
        by_source.setdefault(post["source"], []).append(post["title"])
    bodies = {
        source: split_source_posts(sources / source, titles) for source, titles in by_source.items()
    }
    real = [
        Labelled(
            p["title"],
            p["title"],
            bodies[p["source"]][p["title"]],
            frozenset(p["themes"]),
            frozenset(p["acceptable"]),
        )
        for p in real_posts
    ]
    return {"hand-written cases": written, "the 13 real posts": real, **load_heldout()}


def load_heldout(root=HELDOUT):
    """The held-out posts (Markdown with front matter), split into "tune" and "final" sets."""
    labels = yaml.safe_load((root / "labels.yaml").read_text(encoding="utf-8"))["posts"]
    sets = {"held-out tune": [], "held-out final": []}
    for post in labels:
        path = root / post["file"]
        front, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
        meta = parse_front_matter(front, path)
        sets[f"held-out {post['split']}"].append(
            Labelled(
                path.stem,
                str(meta["title"]),
                markdown_text(body),
                frozenset(post["themes"]),
                frozenset(post["acceptable"]),
            )
        )
    return sets


def score(items, vocabulary, **options):
    """Run the detector on labelled ITEMS; return per-item rows and totals."""
    rows, tp, fp, fn = [], 0, 0, 0
    for item in items:
        evidence = detect_themes(item.text, vocabulary, title=item.title, **options)
        chosen = [e for e in evidence if e.selected]
        got = {e.theme.slug for e in chosen}
        hits, missed = got & item.themes, item.themes - got
        extras = got - item.themes - item.acceptable
        tp, fn, fp = tp + len(hits), fn + len(missed), fp + len(extras)
        rows.append((item, chosen, missed, extras))
    # Precision counts acceptable themes as neither right nor wrong.
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return rows, {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}


def evaluate(vocabulary, out=None, verbose=True, **options):
    """Print precision and recall on each labelled set; return the totals."""
    out = out or sys.stdout
    results = {}
    for name, items in load_labelled().items():
        rows, totals = score(items, vocabulary, **options)
        results[name] = totals
        print(f"\n== {name}: {len(items)} texts", file=out)
        for item, chosen, missed, extras in rows:
            if not verbose and not (missed or extras):
                continue
            got = ", ".join(f"{e.theme.slug} ({e.score})" for e in chosen) or "-"
            flags = "".join(
                [
                    f"  MISSED {sorted(missed)}" if missed else "",
                    f"  EXTRA {sorted(extras)}" if extras else "",
                ]
            )
            print(f"  {item.name[:48]:48}  {got}{flags}", file=out)
        print(
            f"  precision {totals['precision']:.2f}  recall {totals['recall']:.2f}  "
            f"(found {totals['tp']}, missed {totals['fn']}, extra {totals['fp']})",
            file=out,
        )
    return results


def decisions(inputdir, settings_file=ROOT / "pelican.conf.py", vocabulary=None):
    """([(shown path, title, PostInput, PostThemes)], [problems]) for INPUTDIR's articles,
    read and decided as the build reads and decides them (check_content shares the reading)."""
    from pelican.contents import Article

    from plugins.themes.decision import decide, post_input, theme_options
    from scripts.check_content import _settings, html_as_built, read_posts

    root = Path(inputdir)
    settings = _settings(settings_file, root)
    if vocabulary is None:
        vocabulary = load_vocabulary(settings.get("THEMES_VOCABULARY") or DEFAULT_VOCABULARY)
    options = theme_options(settings)
    _posts, contents, problems, _count = read_posts(settings)
    found = []
    for content in contents:
        if not isinstance(content, Article):
            continue
        path = Path(content.source_path)
        shown = path.relative_to(root.resolve()) if path.is_relative_to(root.resolve()) else path
        post = post_input(content, html=html_as_built(content, settings))
        found.append((shown, post.title, post, decide(post, vocabulary, options)))
    return sorted(found, key=lambda item: str(item[0])), problems


def report(inputdir, vocabulary=None, show_all=False, out=None, settings=None):
    """Print each post's themes with evidence; return the number of posts that failed to read."""
    out = out or sys.stdout
    found, problems = decisions(inputdir, settings or ROOT / "pelican.conf.py", vocabulary)
    for problem in problems:
        print(f"\n{problem.path}\n  cannot read: {problem}", file=out)
    for shown, title, _post, decision in found:
        print(f"\n{shown}  [{title}]  themes from {decision.source}", file=out)
        # Tags that name a theme are the whole answer; else every theme was detected.
        origin = "tag" if decision.source == "tags" else "detected"
        for theme in decision.themes:
            item = decision.evidence_for(theme.slug)
            evidence = f"{item.score:5.1f}  {item.summary()}" if item else "  -    not in the text"
            print(f"   + {theme.slug:24} {origin:8} {evidence}", file=out)
        if not decision.themes:
            print("     (no theme)", file=out)
        for slug in decision.excluded:
            print(f"   - {slug:24} excluded by themes_exclude", file=out)
        if show_all:
            chosen = {t.slug for t in decision.themes} | set(decision.excluded)
            for item in decision.evidence:
                if item.theme.slug not in chosen:
                    print(
                        f"     {item.theme.slug:24} {'':8} {item.score:5.1f}  {item.summary()}"
                        f"  [{item.reason}]",
                        file=out,
                    )
        if decision.plain_tags:
            print(f"     plain tags: {', '.join(decision.plain_tags)}", file=out)
    if not found and not problems:
        print(f"No posts found under {inputdir}.", file=out)
    return len(problems)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputdir", nargs="?", default=str(ROOT / "content"))
    parser.add_argument(
        "-s",
        "--settings",
        default=str(ROOT / "pelican.conf.py"),
        help="the build's settings: its Markdown, THEMES_* options and vocabulary",
    )
    parser.add_argument("--vocabulary", help="another vocabulary than the settings' one")
    parser.add_argument("--evaluate", action="store_true", help="precision/recall on labels")
    parser.add_argument("--all", action="store_true", help="also list themes not chosen")
    args = parser.parse_args(argv)
    vocabulary = load_vocabulary(args.vocabulary) if args.vocabulary else None
    if args.evaluate:
        evaluate(vocabulary or load_vocabulary(DEFAULT_VOCABULARY))
        return 0
    failed = report(Path(args.inputdir), vocabulary, show_all=args.all, settings=args.settings)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
