"""Importer tests import the project's `importer` package, whichever way pytest is started."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The regular package /work/main/importer must win over this tests/importer folder.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
