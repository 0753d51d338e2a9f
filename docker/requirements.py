"""Prints what the image installs before its code: the build requirements and dependencies
in pyproject.toml, one per line.

The Dockerfile runs this in a stage of its own and copies only the printed list into the
image, so the layer that installs the dependencies is rebuilt when the list changes, not
on every edit of the code or of pyproject.toml's tool settings.

    python docker/requirements.py pyproject.toml > requirements.txt
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path


def requirements(pyproject: Path) -> list[str]:
    """Build requirements first (the package is built without isolation), then dependencies."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [*data["build-system"]["requires"], *data["project"]["dependencies"]]


if __name__ == "__main__":
    print("\n".join(requirements(Path(sys.argv[1]))))
