"""A build compiles each theme template once, whatever the number of Jinja environments."""

import os

import jinja2

from plugins.build_speed import templates


class _Generator:
    def __init__(self, folder, **options):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder)), trim_blocks=True, **options
        )


class _Writer:
    def __init__(self, pages):
        self.pages_queued = [("page.html", (), {})] * pages


def _counting(monkeypatch):
    compiled = []
    real = jinja2.Environment._compile

    def counted(self, source, filename):
        compiled.append(filename)
        return real(self, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", counted)
    return compiled


def _theme(folder):
    folder.mkdir()
    (folder / "base.html").write_text("<title>{% block title %}{% endblock %}</title>")
    (folder / "post.html").write_text(
        '{% extends "base.html" %}{% block title %}{{ title|upper }}{% endblock %}'
    )
    return folder


def test_the_environments_of_a_build_share_what_one_compiled(tmp_path, monkeypatch):
    theme = _theme(tmp_path / "theme")
    compiled = _counting(monkeypatch)
    templates.start_build()
    generators = [_Generator(theme) for _ in range(3)]
    for generator in generators:
        templates.share_templates(generator)
    pages = [g.env.get_template("post.html").render(title="x") for g in generators]
    assert pages == ["<title>X</title>"] * 3
    assert sorted(name.rsplit("/", 1)[-1] for name in compiled) == ["base.html", "post.html"]


def test_before_the_writers_fork_every_template_of_a_writing_environment_is_compiled(
    tmp_path, monkeypatch
):
    theme = _theme(tmp_path / "theme")
    (theme / "broken.html").write_text("{% if %}")  # left for the page that uses it to report
    compiled = _counting(monkeypatch)
    templates.start_build()
    writing, idle = _Generator(theme), _Generator(theme)
    templates.share_templates(writing)
    templates.share_templates(idle)
    writing.env.get_template("post.html")  # as a generator's generate_output does
    compiled.clear()
    templates.compile_theme_templates(_Writer(templates.COMPILE_FIRST_MIN - 1))
    assert compiled == []  # a small site's writers compile what they meet, side by side
    templates.compile_theme_templates(_Writer(templates.COMPILE_FIRST_MIN))
    assert "base.html" in {name.rsplit("/", 1)[-1] for name in compiled}
    # What a forked writer then asks for is in this environment's own cache: no compiling.
    compiled.clear()
    writing.env.get_template("base.html")
    assert compiled == []
    assert len(idle.env.cache) == 0  # it writes nothing: nothing compiled for it


def test_an_edited_template_is_compiled_again_in_the_next_build(tmp_path, monkeypatch):
    theme = _theme(tmp_path / "theme")
    for title in ("{{ title }}", "{{ title }}!"):
        (theme / "post.html").write_text(
            '{% extends "base.html" %}{% block title %}' + title + "{% endblock %}"
        )
        templates.start_build()
        generator = _Generator(theme)
        templates.share_templates(generator)
        page = generator.env.get_template("post.html").render(title="x")
    assert page == "<title>x!</title>"


def test_environments_that_compile_differently_never_share_code(tmp_path):
    theme = _theme(tmp_path / "theme")
    (theme / "spaced.html").write_text("{% if true %}\n  a\n{% endif %}\n")
    templates.start_build()
    trimmed, kept = _Generator(theme), _Generator(theme, lstrip_blocks=True)
    kept.env.trim_blocks = False
    for generator in (trimmed, kept):
        templates.share_templates(generator)
    assert trimmed.env.get_template("spaced.html").render() == "  a\n"
    assert kept.env.get_template("spaced.html").render() == "\n  a\n"


# The theme's compiled code kept on disk (BUILD_SPEED_TEMPLATE_CACHE), as Python keeps bytecode.


class _Pelican:
    def __init__(self, cache, on=True):
        self.settings = {"CACHE_PATH": str(cache), "BUILD_SPEED_TEMPLATE_CACHE": on}


def _build(theme, cache, name="post.html", on=True, **options):
    """One build's page NAME, rendered as a generator of a new build renders it."""
    templates.start_build(_Pelican(cache, on))
    generator = _Generator(theme, **options)
    templates.share_templates(generator)
    return generator.env.get_template(name).render(title="x")


def test_a_later_build_loads_the_compiled_theme_and_compiles_nothing(tmp_path, monkeypatch):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"
    compiled = _counting(monkeypatch)
    first = _build(theme, cache)
    assert len(compiled) == 2
    assert len(list((cache / ".templates").glob("*.jinja"))) == 2
    compiled.clear()
    assert _build(theme, cache) == first == "<title>X</title>"
    assert compiled == []


def test_without_the_setting_nothing_is_kept_on_disk(tmp_path):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"
    assert _build(theme, cache, on=False) == "<title>X</title>"
    assert not cache.exists()


def test_a_template_edited_between_builds_is_compiled_again(tmp_path, monkeypatch):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"
    _build(theme, cache)
    # The same size and time stamp: only the source's checksum tells the edit.
    post = theme / "post.html"
    stamp = post.stat().st_mtime_ns
    post.write_text(post.read_text().replace("upper", "lower"))
    os.utime(post, ns=(stamp, stamp))
    compiled = _counting(monkeypatch)
    assert _build(theme, cache) == "<title>x</title>"
    assert [name.rsplit("/", 1)[-1] for name in compiled] == ["post.html"]
    compiled.clear()
    assert _build(theme, cache) == "<title>x</title>"  # and the new code is what is kept
    assert compiled == []


def test_settings_that_change_the_code_never_take_another_builds_code(tmp_path):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"
    (theme / "spaced.html").write_text("  {% if true %}<{% endif %}\n{{ title }}")
    assert _build(theme, cache, "spaced.html") == "  <x"
    assert _build(theme, cache, "spaced.html", lstrip_blocks=True) == "<x"
    assert _build(theme, cache, "spaced.html", autoescape=True) == "  <x"
    assert _build(theme, cache, "spaced.html", finalize=lambda v: f"[{v}]") == "  <[x]"
    assert _build(theme, cache, "spaced.html", finalize=lambda v: f"({v})") == "  <(x)"
    assert _build(theme, cache, "spaced.html") == "  <x"
    assert len(list((cache / ".templates").glob("*.jinja"))) == 5


def test_a_filter_that_now_takes_the_context_gets_code_compiled_for_it(tmp_path):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"
    (theme / "where.html").write_text("{{ title|where }}")

    def build(where):
        templates.start_build(_Pelican(cache))
        generator = _Generator(theme)
        generator.env.filters["where"] = where
        templates.share_templates(generator)
        return generator.env.get_template("where.html").render(title="x", place="home")

    assert build(lambda value: f"{value} alone") == "x alone"
    in_context = jinja2.pass_context(lambda context, value: f"{value} at {context['place']}")
    assert build(in_context) == "x at home"


def test_a_damaged_or_unwritable_cache_only_means_compiling_again(tmp_path, monkeypatch):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"
    _build(theme, cache)
    kept = sorted((cache / ".templates").glob("*.jinja"))
    kept[0].write_bytes(kept[0].read_bytes()[:20])  # cut short: a full disk, say
    kept[1].write_bytes(b"j2" + b"\x80\x04garbage" * 3)  # Jinja's mark, then nonsense
    compiled = _counting(monkeypatch)
    assert _build(theme, cache) == "<title>X</title>"
    assert len(compiled) == 2
    compiled.clear()
    assert _build(theme, cache) == "<title>X</title>"  # written whole again
    assert compiled == []

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    assert _build(theme, blocked) == "<title>X</title>"
    assert not list(tmp_path.glob("**/.tmp-*"))  # no half-written file left behind


def test_an_option_that_cannot_be_told_apart_across_builds_is_never_kept(tmp_path):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"

    class Finalize:  # an object: what it does is not in its name
        def __call__(self, value):
            return value

    assert _build(theme, cache, finalize=Finalize()) == "<title>X</title>"
    assert not list(cache.glob("**/*.jinja"))


# The theme compiled ahead in a forked process while the posts are read (compile_ahead).


class _Reading:
    """An articles generator about to read the posts: its settings are what compile_ahead reads."""

    def __init__(self, workers=2):
        self.settings = {"BUILD_WORKERS": workers, "BUILD_POOL_MIN": 0}


def _ahead_build(theme, cache, on=True, workers=2):
    templates.start_build(_Pelican(cache, on))
    generator = _Generator(theme)
    templates.share_templates(generator)
    templates.compile_ahead(_Reading(workers))
    return generator


def test_the_theme_compiled_ahead_is_what_this_process_uses(tmp_path, monkeypatch):
    theme = _theme(tmp_path / "theme")
    compiled = _counting(monkeypatch)
    generator = _ahead_build(theme, tmp_path / "cache", on=False)
    assert templates._build["bytecode"].ahead is not None
    assert generator.env.get_template("post.html").render(title="x") == "<title>X</title>"
    assert compiled == []  # both templates came from the forked process


def test_nothing_is_compiled_ahead_when_the_theme_is_kept_or_one_process_is_asked_for(tmp_path):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"
    _ahead_build(theme, tmp_path / "other", on=False, workers=1)
    assert templates._build["bytecode"].ahead is None
    _build(theme, cache)  # keeps both on disk
    _ahead_build(theme, cache)
    assert templates._build["bytecode"].ahead is None


def test_a_process_that_fails_to_compile_ahead_leaves_it_to_this_one(tmp_path, monkeypatch):
    theme = _theme(tmp_path / "theme")

    def fails(*_args):
        raise RuntimeError("a worker that died")

    monkeypatch.setattr(templates, "_compile_all", fails)
    compiled = _counting(monkeypatch)
    generator = _ahead_build(theme, tmp_path / "cache", on=False)
    assert generator.env.get_template("post.html").render(title="x") == "<title>X</title>"
    assert len(compiled) == 2


def test_a_broken_template_is_still_reported_by_the_page_that_uses_it(tmp_path):
    theme = _theme(tmp_path / "theme")
    (theme / "broken.html").write_text("{% if %}")
    generator = _ahead_build(theme, tmp_path / "cache")
    assert generator.env.get_template("post.html").render(title="x") == "<title>X</title>"
    try:
        generator.env.get_template("broken.html")
    except jinja2.TemplateSyntaxError as error:
        assert error.lineno == 1 and "broken.html" in str(error.filename)
    else:
        raise AssertionError("a template that does not compile was accepted")


def test_compiling_ahead_is_decided_once_a_build_though_asked_before_every_post(
    tmp_path, monkeypatch
):
    theme, cache = _theme(tmp_path / "theme"), tmp_path / "cache"
    _build(theme, cache)  # every template kept: nothing to start, at each ask
    looked = []
    real = templates._kept

    def kept(*args):
        looked.append(args[-1])
        return real(*args)

    monkeypatch.setattr(templates, "_kept", kept)
    _ahead_build(theme, cache)
    for _ in range(50):  # Pelican sends article_generator_preread before each post it reads
        templates.compile_ahead(_Reading())
    assert sorted(looked) == ["base.html", "post.html"]
