"""Everything an import writes, checked on a copy of the catalog before the real one is touched."""

from __future__ import annotations

import copy
import datetime
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.catalog import load_catalog
from codegen.catalog.checks import ID_PATTERN, VERSION_PATTERN
from codegen.catalog.model import Catalog, Endpoint, SourceFile
from codegen.errors import SchemaError, UsageError
from codegen.importer import manifest, scaffold
from codegen.importer.document import Document, read_document
from codegen.importer.fetch import fetch
from codegen.normalize import normalize_schema

EXAMPLE = "examples/request-document.json"
TODO_SUFFIX = "(fill this in)"


@dataclass(frozen=True)
class Request:
    """What the user asked for."""

    key: str
    document: str
    version: str
    schemas: Path
    source_url: str | None = None
    current: bool = True
    operation: str | None = None


@dataclass
class Plan:
    request: Request
    catalog: Catalog
    doc: Document
    previous: Endpoint | None  # the endpoint as it was, None for a new one
    writes: dict[str, bytes] = field(default_factory=dict)  # path below schemas/ -> bytes
    scaffold: bool = False  # manifest or mapping written with TODOs
    carried: dict[str, SourceFile] = field(default_factory=dict)  # kinds the document lacks

    @property
    def schemas(self) -> dict[str, SourceFile]:
        """kind -> schema of the new version: the document's, and those carried over."""
        return {**self.carried, **self.doc.schemas}

    @property
    def provider(self) -> str:
        return self.request.key.split("/")[0]

    @property
    def endpoint(self) -> str:
        return self.request.key.split("/")[1]

    @property
    def folder(self) -> str:
        return f"{self.provider}/{self.endpoint}/{self.request.version}"


def make_plan(request: Request, *, today: datetime.date | None = None) -> Plan:
    """Read and check everything; SchemaError/UsageError (nothing written) on a problem."""
    _check_names(request)
    catalog = load_catalog(request.schemas)
    previous = _endpoint(catalog, request.key)
    if previous is not None and request.version in previous.versions:
        folder = f"{request.schemas.as_posix()}/{request.key}/{request.version}"
        raise SchemaError.at(folder, [], "this version exists; a version is never re-imported")
    keep = _operations(previous)
    doc = read_document(fetch(request.document), keep=keep, operation=request.operation)
    for source in doc.schemas.values():
        normalize_schema(source)
    plan = Plan(request, catalog, doc, previous)
    _version_files(plan, today or datetime.datetime.now(datetime.UTC).date())
    _manifest(plan)
    _staged_check(plan)
    return plan


def _check_names(request: Request) -> None:
    provider, _, endpoint = request.key.partition("/")
    if not (ID_PATTERN.fullmatch(provider) and ID_PATTERN.fullmatch(endpoint)):
        raise UsageError(f"{request.key!r}: expected PROVIDER/ENDPOINT, lowercase with dashes")
    try:
        datetime.date.fromisoformat(request.version)
    except ValueError:
        raise UsageError(f"--version {request.version!r}: expected a date, YYYY-MM-DD") from None
    if not VERSION_PATTERN.fullmatch(request.version):
        raise UsageError(f"--version {request.version!r}: expected a date, YYYY-MM-DD")


def _endpoint(catalog: Catalog, key: str) -> Endpoint | None:
    try:
        return catalog.endpoint(key)
    except KeyError:
        return None


def _operations(previous: Endpoint | None) -> dict[str, str] | None:
    provenance = previous.current_version().provenance if previous else None
    found = provenance.data.get("operations") if provenance else None
    return dict(found) if isinstance(found, dict) else None


def _version_files(plan: Plan, today: datetime.date) -> None:
    doc, base = plan.doc, plan.folder
    plan.writes[f"{base}/{doc.filename}"] = doc.published.raw
    plan.carried = carried_kinds(plan.previous, doc)
    for kind, source in plan.carried.items():
        plan.writes[f"{base}/{kind}.json"] = (plan.request.schemas / source.path).read_bytes()
    example = _example(doc)
    if example is not None:
        plan.writes[f"{base}/{EXAMPLE}"] = (json.dumps(example, indent=2) + "\n").encode()
    text = manifest.dump(_provenance(plan, today, with_example=example is not None))
    plan.writes[f"{base}/provenance.yaml"] = text.encode()


def carried_kinds(previous: Endpoint | None, doc: Document) -> dict[str, SourceFile]:
    """A published JSON Schema is the request only: the previous version's other schema
    files (response, status, callback) stay as they were."""
    if previous is None or doc.openapi:
        return {}
    schemas = previous.current_version().schemas
    return {
        kind: source
        for kind, source in schemas.items()
        if kind != "request" and source.path.endswith(f"/{kind}.json")
    }


def _provenance(plan: Plan, today: datetime.date, *, with_example: bool) -> dict[str, Any]:
    doc = plan.doc
    data: dict[str, Any] = {
        "source": source_name(doc.published.filename),
        "sha256": doc.source.sha256,
        "captured": today.isoformat(),
        "document_date": None,
        "url": plan.request.source_url or doc.published.url,
        "public_sources": _public_sources(plan),
    }
    if doc.operations:
        data["operations"] = doc.operations
    readings = [
        {
            "pointer": doc.filename,
            "text": (
                f"Filed byte for byte by kling-codegen import from {doc.published.name}"
                + ("; the schemas are the ones `operations` names." if doc.operations else ".")
            ),
        }
    ]
    if with_example:
        readings.append(
            {
                "pointer": EXAMPLE,
                "text": (
                    "Assembled from the first non-null `examples` entry of each request property."
                ),
            }
        )
    readings += [
        {"pointer": f"{kind}.json", "text": (
            f"Carried over unchanged from {plan.previous.current if plan.previous else '-'}: "
            "the published document is the request schema only."
        )}
        for kind in sorted(plan.carried)
    ]  # fmt: skip
    data["readings"] = readings
    return data


def _public_sources(plan: Plan) -> list[dict[str, Any]]:
    """Where a user can check the new version: the document's URL, else the previous version's
    sources; with neither, the import is refused (provenance must cite something public)."""
    url = plan.request.source_url or plan.doc.published.url
    if url:
        return [{"url": url}]
    provenance = plan.previous.current_version().provenance if plan.previous else None
    found = provenance.data.get("public_sources") if provenance else None
    if isinstance(found, list) and found:
        return copy.deepcopy(found)
    raise UsageError(
        f"{plan.request.document}: read from a file with no public address; give --source-url URL "
        "(provenance.yaml#/public_sources cites where users can check the document)"
    )


def _example(doc: Document) -> dict[str, Any] | None:
    """A request built from the document's per-property examples, if it is valid."""
    import jsonschema

    schema = normalize_schema(doc.schemas["request"]).validator
    found: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        examples = prop.get("examples") if isinstance(prop, dict) else None
        value = next((e for e in examples or [] if e is not None), None)
        if value is not None:
            found[name] = value
    valid = jsonschema.Draft202012Validator(schema).is_valid(found)
    return found if found and valid else None


def source_name(filename: str) -> str:
    """The published file's name as provenance `source` holds it (no folder separators)."""
    return filename.replace("/", "_").replace("\\", "_") or "document"


def _manifest(plan: Plan) -> None:
    provider = plan.catalog.providers.get(plan.provider)
    mpath = f"{plan.provider}/manifest.yaml"
    if provider is None:
        data = scaffold.new_manifest(plan.provider, plan.endpoint, plan.request.version, plan.doc)
        plan.writes[mpath] = (_HEADER + manifest.dump(data)).encode()
    else:
        plan.writes[mpath] = _edited(plan, (plan.request.schemas / mpath).read_text("utf-8"))
    if plan.previous is None:
        canonical = plan.catalog.canonical.get(plan.endpoint, {}).get("request")
        data = scaffold.new_mapping(
            plan.provider, plan.endpoint, plan.request.version, plan.doc,
            canonical.data if canonical else None,
        )  # fmt: skip
        plan.writes[f"{plan.provider}/{plan.endpoint}/mapping.yaml"] = (
            _HEADER + manifest.dump(data)
        ).encode()
        plan.scaffold = True


_HEADER = (
    "# Scaffolded by `kling-codegen import`: every value starting with TODO must be filled in\n"
    "# before `kling-codegen generate` accepts this file. Vocabulary: schemas/meta/.\n"
)


def _edited(plan: Plan, text: str) -> bytes:
    path = f"{plan.request.schemas.as_posix()}/{plan.provider}/manifest.yaml"
    if plan.previous is None:
        entry = scaffold.manifest_entry(plan.doc, model=scaffold.model_id(plan.doc))
        spec = {"current": plan.request.version, "versions": {plan.request.version: entry}}
        plan.scaffold = True
        return manifest.add_endpoint(text, path=path, endpoint=plan.endpoint, spec=spec).encode()
    _mapping_version(plan)
    data = plan.catalog.providers[plan.provider].manifest.data
    entry = copy.deepcopy(data["endpoints"][plan.endpoint]["versions"][plan.previous.current])
    return manifest.add_version(
        text, path=path, endpoint=plan.endpoint, version=plan.request.version, entry=entry,
        current=plan.request.current,
    ).encode()  # fmt: skip


def _mapping_version(plan: Plan) -> None:
    """The mapping follows the new current version (translations target its `version`)."""
    mapping = plan.previous.mapping if plan.previous else None
    if mapping is None or not plan.request.current:
        return
    path = plan.request.schemas / mapping.path
    text = manifest.set_scalar(
        path.read_text("utf-8"), path=path.as_posix(), keys=["version"], value=plan.request.version
    )
    expected = {**mapping.data, "version": plan.request.version}
    plan.writes[mapping.path] = manifest.same(text, expected, path.as_posix()).encode()


def _staged_check(plan: Plan) -> None:
    """Load a copy of the catalog with the writes applied: only TODOs may remain."""
    with tempfile.TemporaryDirectory(prefix="kling-import-") as tmp:
        staged = Path(tmp) / "schemas"
        shutil.copytree(plan.request.schemas, staged, symlinks=True)
        _write_all(staged, plan.writes)
        try:
            load_catalog(staged)
        except SchemaError as exc:
            real = [(_unstage(f, staged, plan), p, m) for f, p, m in exc.problems]
            left = [p for p in real if not p[2].endswith(TODO_SUFFIX)]
            if left:
                raise SchemaError(left) from None


def _unstage(file: str, staged: Path, plan: Plan) -> str:
    prefix = staged.as_posix()
    return (
        plan.request.schemas.as_posix() + file[len(prefix) :] if file.startswith(prefix) else file
    )


def apply(plan: Plan) -> list[str]:
    """Write the planned files (each replaced atomically); the paths written, sorted."""
    _write_all(plan.request.schemas, plan.writes)
    return sorted(plan.writes)


def _write_all(root: Path, writes: dict[str, bytes]) -> None:
    for rel, data in sorted(writes.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-")
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
