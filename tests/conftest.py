"""Session-wide test settings."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Every run starts with its own empty generator cache, never the user's (~/.cache):
    subprocesses inherit the variable, so no test writes to the home folder or depends on
    what an earlier run left there."""
    if "KLING_CODEGEN_TEST_CACHE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="kling-codegen-test-cache-")
        os.environ["KLING_CODEGEN_TEST_CACHE"] = folder
        os.environ["XDG_CACHE_HOME"] = folder
        os.environ.pop("KLING_CODEGEN_CACHE", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    folder = os.environ.get("KLING_CODEGEN_TEST_CACHE")
    if folder and os.path.basename(folder).startswith("kling-codegen-test-cache-"):
        shutil.rmtree(folder, ignore_errors=True)
