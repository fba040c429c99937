"""Helpers for import tests: a writable copy of the catalog, fixture documents, a loopback
HTTP server that publishes them, and a way to fill in a scaffold's TODOs."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.generator.conftest import ROOT, SCHEMAS, read_tree, run_cli

FIXTURES = ROOT / "tests" / "fixtures" / "openapi"
NEW = "gate"  # a provider id of the fixtures only; tests check the catalog does not have it

__all__ = ["FIXTURES", "NEW", "ROOT", "SCHEMAS", "fill_todos", "read_tree", "run_cli"]


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    target = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, target)
    assert not (target / NEW).exists()
    return target


@pytest.fixture
def publisher(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(base URL, folder): files put in the folder are served on 127.0.0.1."""
    folder = tmp_path / "published"
    folder.mkdir()
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


# What a maintainer decides for each TODO the scaffold of the fixture documents leaves.
DECISIONS: dict[str, Any] = {
    "name": "Gate",
    "scheme": "Key",
    "pricing": {"currency": "USD", "rates": [], "source": "the fixture states no price"},
    "multi_prompt": {"to": "multi_prompt", "transforms": [{"name": "each", "transforms": [
        {"name": "object", "fields": {
            "prompt": {"to": "prompt"},
            "duration": {"to": "duration", "transforms": [{"name": "to_string"}]}}}]}]},
    "elements": {"to": "elements", "transforms": [{"name": "each", "transforms": [
        {"name": "object", "fields": {
            "frontal_image": {"to": "frontal_image_url"},
            "reference_images": {"to": "reference_image_urls"},
            "video": {"to": "video_url"},
            "voice": {"unsupported": "error"}}}]}]},
}  # fmt: skip


def fill_todos(path: Path) -> None:
    """Replace each TODO the way a maintainer would (DECISIONS by key; else drop the field)."""
    data = yaml.safe_load(path.read_text("utf-8"))
    path.write_text(yaml.safe_dump(_fill(data, ""), sort_keys=False), "utf-8")


def _fill(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        if (
            any(isinstance(v, str) and v.startswith("TODO") for v in _leaves(node))
            and key in DECISIONS
        ):
            return DECISIONS[key]
        return {k: _fill(v, str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, key) for v in node]
    if isinstance(node, str) and node.startswith("TODO"):
        return DECISIONS.get(key, "drop")
    return node


def _leaves(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value)
    else:
        yield node
