"""Importer tests import the project's `importer` package, whichever way pytest is started."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The regular package /work/main/importer must win over this tests/importer folder.
