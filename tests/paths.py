"""Where the tests find the project and leave what a person would look at (screenshots, letters, logs)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
