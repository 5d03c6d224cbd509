"""Build a content tree in this process and say what the build added to each article.

Run by test_post_model.py in a child process, so the plugins' module state stays out of the
test process: `python model_probe.py CONTENT OUTPUT CACHE PLUGIN...`. Its last line is JSON:
  added:   {source path: [attributes the article gained after Pelican made it]}
  classes: [the class name of every article when the pages are about to be written]
  writes:  [[PostModel field, module that set it], ...]
"""

import json
import sys

from pelican import Pelican, signals
from pelican.contents import Article
from pelican.settings import read_settings

from plugins import post_model


def main(content, output, cache, plugins):
    made, generators, result = {}, [], {"added": {}, "classes": [], "writes": []}

    def recording_setattr(model, name, value):
        module = sys._getframe(1).f_globals.get("__name__", "?")
        if module != post_model.__name__:  # the dataclass's own __init__
            result["writes"].append([name, module])
        object.__setattr__(model, name, value)

    post_model.PostModel.__setattr__ = recording_setattr

    # Connected before Pelican loads the plugins, so these run before theirs (ordered receivers).
    def on_init(content):
        if isinstance(content, Article):
            made[id(content)] = set(vars(content))

    def keep(found):
        generators.extend(found)

    def on_writer(pelican):
        for generator in generators:
            for name in ("articles", "translations", "hidden_articles", "drafts"):
                for article in getattr(generator, name, ()):
                    added = sorted(set(vars(article)) - made[id(article)])
                    result["added"][article.source_path] = added
                    result["classes"].append(type(article).__name__)

    signals.content_object_init.connect(on_init)
    signals.all_generators_finalized.connect(keep)
    signals.get_writer.connect(on_writer)
    settings = read_settings(
        "pelican.conf.py",
        override={
            "PATH": content,
            "OUTPUT_PATH": output,
            "CACHE_PATH": cache,
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            "PLUGINS": plugins,
        },
    )
    Pelican(settings).run()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
