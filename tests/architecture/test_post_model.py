"""The post model: what our plugins add to a post is one declared PostModel, filled by owners."""

import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from pelican.settings import DEFAULT_CONFIG, read_settings

from plugins import post_model
from plugins.post_model import OWNERS, PELICAN_FIELDS_WRITTEN, PostModel, PostModelError
from plugins.yaml_metadata.reader import FrontMatterError, YAMLMarkdownReader
from tests.conftest import FIXTURES, ROOT

PROBE = Path(__file__).with_name("model_probe.py")


def probe(content, tmp_path, plugins):
    """What a build of CONTENT with PLUGINS added to each article (see model_probe.py)."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    command = [sys.executable, str(PROBE), str(content), str(output), str(cache), *plugins]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The real blog and the fixture with imported comments, with all plugins and with none."""
    plugins = read_settings(str(ROOT / "pelican.conf.py"))["PLUGINS"]
    found = {}
    for name, content in (("blog", ROOT / "content"), ("comments", FIXTURES / "privacy-site")):
        found[name] = probe(content, tmp_path_factory.mktemp(name), plugins)
        found[name + "-bare"] = probe(
            content, tmp_path_factory.mktemp(name + "-bare"), ["plugins.yaml_metadata"]
        )
    return found


def test_every_field_is_declared_with_one_owner_that_is_a_plugin():
    assert set(OWNERS) == {f.name for f in fields(PostModel)}
    for owner in set(OWNERS.values()):
        assert (ROOT / "plugins" / owner / "__init__.py").is_file(), owner


def test_a_field_that_is_not_declared_cannot_be_set():
    model = PostModel()
    with pytest.raises(AttributeError):
        model.reading_minutes = 3  # a typo, or a new field nobody declared


@pytest.mark.slow
@pytest.mark.parametrize("name", ["blog", "comments"])
def test_plugins_add_nothing_to_articles_but_the_model(builds, name):
    full, bare = builds[name], builds[name + "-bare"]
    assert full["added"], "no article was built"
    allowed = {post_model.ATTRIBUTE, *PELICAN_FIELDS_WRITTEN}
    for source, added in full["added"].items():
        ours = set(added) - set(bare["added"].get(source, ()))  # not what Pelican adds itself
        assert ours <= allowed, f"{source}: undeclared attributes {sorted(ours - allowed)}"
        assert post_model.ATTRIBUTE in added, source
    # No plugin swaps the class of Pelican's articles.
    assert set(full["classes"]) == {"Article"}


@pytest.mark.slow
def test_every_field_is_filled_by_its_declared_owner_only(builds):
    writes = {
        (field, module) for name in ("blog", "comments") for field, module in builds[name]["writes"]
    }
    for field, module in writes:
        assert module.startswith("plugins."), f"{field} set by {module}"
        assert module.split(".")[1] == OWNERS[field], f"{field} set by {module}"
    assert {field for field, _ in writes} == set(OWNERS), "a field no build fills"


def test_the_model_is_made_once_and_read_without_making_it():
    class Post:
        source_path = "articles/a.md"

    post = Post()
    assert post_model.get(post, "reading_time", 0) == 0
    assert not hasattr(post, post_model.ATTRIBUTE)  # reading does not add it
    post_model.of(post).reading_time = 4
    assert post_model.of(post) is post.blog
    assert post_model.get(post, "reading_time") == 4


def test_a_front_matter_field_named_like_the_model_is_refused_with_the_fix():
    class Post:
        source_path = "articles/a.md"
        blog = "my old blog"  # Pelican makes every front matter field an attribute

    with pytest.raises(PostModelError, match=r"articles/a\.md: .*'blog'.*Fix: rename"):
        post_model.of(Post())


def test_the_reader_refuses_a_front_matter_field_named_like_the_model(tmp_path):
    post = tmp_path / "a.md"
    post.write_text(
        "---\ntitle: A post\ndate: 2020-01-02\nblog: my old blog\n---\nWords.\n", encoding="utf-8"
    )
    reader = YAMLMarkdownReader(dict(DEFAULT_CONFIG))
    with pytest.raises(FrontMatterError) as caught:
        reader.read(str(post))
    assert caught.value.line == 4
    assert "'blog' is a name the build keeps for itself" in str(caught.value)
    assert "Remove the 'blog:' line" in str(caught.value)
