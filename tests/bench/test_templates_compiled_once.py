"""A build compiles each theme template once, whatever the number of Jinja environments."""

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
