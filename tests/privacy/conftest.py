"""The privacy tests import plugins/privacy_check and scripts/ directly."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
