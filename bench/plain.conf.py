"""Settings for build B: plain Pelican 4.12, default theme (notmyidea), no plugins."""

SITENAME = "Benchmark baseline"
AUTHOR = "Chris Mills"
TIMEZONE = "Europe/London"
# An explicit empty list: no plugins, not even auto-discovered namespace plugins.
PLUGINS = []
