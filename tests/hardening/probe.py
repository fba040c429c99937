"""Run in a fresh interpreter with the generated output folder first on PYTHONPATH.

Reads a spec (JSON) on stdin, imports every generated module, pushes payloads through each
model and validator, and prints one JSON report line on stdout. The test decides what passes.

    spec = {"out": str, "checks": [{"module": "kling_gateways.<provider>.<endpoint>",
            "kinds": {kind: {"class": "Request", "valid": [...], "invalid": [...]}}}, ...]}
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    spec = json.load(sys.stdin)
    out = Path(spec["out"]).resolve()
    package = importlib.import_module("kling_gateways")
    origin = Path(str(package.__file__)).resolve()
    if out not in origin.parents:
        raise SystemExit(f"imported the wrong kling_gateways: {origin}")
    report: dict[str, Any] = {"modules": import_all(out), "checks": {}}
    for check in spec["checks"]:
        module = importlib.import_module(check["module"])
        kinds = {kind: check_kind(module, kind, case) for kind, case in check["kinds"].items()}
        report["checks"][check["module"]] = kinds
    print(json.dumps(report, ensure_ascii=True))


def import_all(out: Path) -> list[str]:
    names = []
    for path in sorted((out / "kling_gateways").rglob("*.py")):
        parts = path.relative_to(out).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        importlib.import_module(name)
        names.append(name)
    return names


def check_kind(module: Any, kind: str, case: dict[str, Any]) -> dict[str, Any]:
    from pydantic import BaseModel, ValidationError

    model: type[BaseModel] = getattr(module, case["class"])
    validate = getattr(module, f"validate_{kind}")
    valid, invalid = [], []
    for payload in case.get("valid", []):
        entry: dict[str, Any] = {"issues": [str(i) for i in validate(payload)]}
        try:
            instance = model.model_validate(payload)
            entry["dump"] = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
            entry["json_dump"] = json.loads(
                instance.model_dump_json(by_alias=True, exclude_unset=True)
            )
        except ValidationError as exc:
            entry["model_error"] = str(exc)
        valid.append(entry)
    for payload in case.get("invalid", []):
        entry = {"issues": [str(i) for i in validate(payload)], "model_rejects": False}
        try:
            model.model_validate(payload)
        except ValidationError:
            entry["model_rejects"] = True
        invalid.append(entry)
    return {
        "valid": valid,
        "invalid": invalid,
        "model_schema": model.model_json_schema(by_alias=True),
        "validator_schema": _validator_schema(module, kind),
    }


def _validator_schema(module: Any, kind: str) -> Any:
    version = importlib.import_module(module.__name__ + "." + _current_module(module))
    schemas = importlib.import_module(version.__name__ + "._schemas")
    return json.loads(getattr(schemas, kind.upper()))


def _current_module(module: Any) -> str:
    return "v" + str(module.CURRENT).replace("-", "_")


if __name__ == "__main__":
    main()
