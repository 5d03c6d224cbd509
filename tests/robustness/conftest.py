"""Robustness tests import plugin cores and the importer by name, whichever test runs first."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
