"""Fixtures for the drift report: the real catalog, and editable copies of schemas/."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codegen.catalog import load_catalog
from codegen.drift import analyze, drift_items

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"


@pytest.fixture(scope="session")
def report() -> dict[str, Any]:
    return analyze(load_catalog(SCHEMAS))


@pytest.fixture(scope="session")
def items(report: dict[str, Any]) -> list[dict[str, Any]]:
    return drift_items(report)


@pytest.fixture
def schemas_copy(tmp_path: Path) -> Path:
    """A copy of schemas/ (baseline included) that a test may edit."""
    target = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, target)
    return target


def endpoints() -> list[str]:
    """The canonical endpoints (schemas/canonical/<id>/), sorted."""
    return sorted(p.name for p in (SCHEMAS / "canonical").iterdir() if p.is_dir())


def targets(endpoint: str) -> list[str]:
    """Every "provider/endpoint" of the catalog with a mapping for `endpoint`, sorted."""
    return sorted(
        f"{path.parent.parent.name}/{path.parent.name}"
        for path in SCHEMAS.glob(f"*/{endpoint}/mapping.yaml")
    )


Edit = Callable[[Path, str, Callable[[Any], None]], None]


def edit_json(root: Path, relative: str, change: Callable[[Any], None]) -> None:
    """Load schemas/<relative>, let `change` mutate it, write it back."""
    path = root / relative
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def find(
    items: list[dict[str, Any]], field: str, kind: str, endpoint: str | None = None
) -> list[dict[str, Any]]:
    return [
        i
        for i in items
        if i["field"] == field
        and i["kind"] == kind
        and (endpoint is None or i["endpoint"] == endpoint)
    ]


def current_request(key: str) -> str:
    """The request file of the endpoint's current version, as the catalog says today."""
    return load_catalog(SCHEMAS).endpoint(key).current_version().schemas["request"].path
