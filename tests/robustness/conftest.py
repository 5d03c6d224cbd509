"""Robustness tests import plugin cores and the importer by name, whichever test runs first."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT, ROOT / "plugins"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
