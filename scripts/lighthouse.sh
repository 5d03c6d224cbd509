#!/usr/bin/env bash
# Measure one page with Lighthouse: accessibility, best practices, SEO and performance scores.
# A measurement to run by hand, not a test (scores vary with the machine's load).
#
# Usage: scripts/lighthouse.sh [PAGE_PATH] [SITE_DIR]
#   PAGE_PATH  path of the page from the site root (default: the newest article)
#   SITE_DIR   a built site to serve (default: build content/ into a temporary folder)
# Needs `make test-deps` (Debian's chromium, npm's lighthouse). Reports go to
# test-artifacts/lighthouse.{json,html}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PAGE=${1:-}
SITE=${2:-}
PORT=${PORT:-0}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
[ -x "$CHROME_PATH" ] || { echo "no $CHROME_PATH: run make test-deps" >&2; exit 1; }
[ -x node_modules/.bin/lighthouse ] || { echo "no lighthouse: run make test-deps" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "$SITE" ]; then
  SITE=$WORK/site
  .venv/bin/pelican content -o "$SITE" -s pelican.conf.py --fatal errors >/dev/null
fi
if [ -z "$PAGE" ]; then
  # The newest article: date-named folders sort by date.
  PAGE=/$(cd "$SITE" && ls -d [0-9][0-9][0-9][0-9]/[0-9][0-9]/*/ | sort | tail -n 1)
fi

# Serve on a free port of 127.0.0.1 and read the port back from the server itself.
.venv/bin/python - "$SITE" "$WORK/port" <<'PY' &
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$WORK/port")$PAGE"

mkdir -p test-artifacts
echo "Lighthouse on $URL"
node_modules/.bin/lighthouse "$URL" \
  --quiet \
  --only-categories=accessibility,best-practices,seo,performance \
  --output=json --output=html --output-path="$ROOT/test-artifacts/lighthouse" \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking \
--disable-component-update --disable-sync --no-first-run --user-data-dir=$WORK/profile"

.venv/bin/python - "$ROOT/test-artifacts/lighthouse.report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for key, category in report["categories"].items():
    print(f"{category['title']:<16} {round(category['score'] * 100):>3}")
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"    {audit['score']:.2f}  {audit['title']}")
PY
