"""Production settings: everything in pelican.conf.py, with absolute URLs, feeds and no drafts."""

import os
import runpy
from pathlib import Path

# pelican.conf.py cannot be imported (its name has a dot), so run it and take its settings.
globals().update(
    {
        name: value
        for name, value in runpy.run_path(str(Path(__file__).with_name("pelican.conf.py"))).items()
        if name.isupper()
    }
)

# Published builds read every post afresh: nothing from an earlier build can leak into them.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
# (The theme's compiled templates are kept, as Python keeps bytecode: BUILD_SPEED_TEMPLATE_CACHE
# in pelican.conf.py. They hold no content, and each is checked against its template.)

# The address the site is published at, e.g. SITEURL = "https://learning-from-cp.net".
# Set it here once; `make publish SITEURL=https://...` overrides it for one run. Until it is
# set, `make publish` and every upload refuse to run: a site built for no address (or for a
# placeholder) has links and a stylesheet that point nowhere.
SITEURL = ""

SITEURL = (os.environ.get("SITEURL", "").strip() or SITEURL).rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
# scripts/publish.py builds into a fresh, marked output.new, so Pelican has nothing to empty
# (and must not empty a folder that is not ours, nor remove the marker).
DELETE_OUTPUT_DIRECTORY = False
# Nor is there an earlier build's page to remove there, and its list of files
# (plugins/stale_output) has no place on the published site.
STALE_OUTPUT_REMOVE = False
# No drafts in production: an empty save_as makes Pelican write no draft page, and the
# drafts plugin then drops drafts from every list (feeds, search, sitemap).
DRAFT_URL = DRAFT_SAVE_AS = ""
DRAFT_PAGE_URL = DRAFT_PAGE_SAVE_AS = ""
# A post dated in the future is scheduled: Pelican reads it as a draft here, so it is left out
# like one until its date (local previews show it, labelled "Scheduled for ...").
WITH_FUTURE_DATES = False
