"""Walk `schemas/` and build the Catalog, collecting every problem before failing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codegen.catalog import checks, openapi
from codegen.catalog.files import read_source
from codegen.catalog.model import SCHEMA_KINDS, Catalog, Endpoint, Provider, SourceFile, Version
from codegen.errors import SchemaError

RESERVED = {"meta", "canonical"}
META_NAMES = ("manifest", "mapping", "provenance", "canonical")
META_DIR = Path(__file__).resolve().parents[1] / "meta"


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = _real(root)  # root.resolve(), once per load
        self.problems: list[checks.Problem] = []

    def read(self, path: Path) -> SourceFile | None:
        try:
            return read_source(self.root, path, real_root=self.real_root)
        except SchemaError as exc:
            self.problems.extend(exc.problems)
            return None

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def add(self, problem: checks.Problem | None) -> None:
        if problem is not None:
            self.problems.append(problem)


def _real(root: Path) -> Path | None:
    """root.resolve(); None where it fails (each file then reports why)."""
    try:
        return root.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def load_catalog(root: Path) -> Catalog:
    """Load and check the whole catalog; raise SchemaError listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise SchemaError([(str(root), "", "schemas folder not found")])
    loader = _Loader(root)
    meta = _load_meta(loader)
    canonical = _load_canonical(loader, meta.get("canonical"))
    providers = _load_providers(loader, meta)
    if not providers and not loader.problems:
        loader.add(("", "", "no provider folder with a manifest.yaml: nothing to generate from"))
    if loader.problems:
        raise SchemaError([(_display(root, f), ptr, msg) for f, ptr, msg in loader.problems])
    return Catalog(root=root, providers=providers, canonical=canonical, meta=meta)


def _display(root: Path, rel: str) -> str:
    """A problem's file as the user would open it: below the schemas folder they named."""
    return rel if rel.startswith(str(root)) else (root / rel).as_posix()


def _subdirs(path: Path) -> list[Path]:
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))


def _load_meta(loader: _Loader) -> dict[str, SourceFile]:
    """The tool's own formats, from the codegen package: a catalog cannot drop or replace them
    (its `meta/` folder, if any, is a copy for editors and is not read)."""
    return {name: read_source(META_DIR, META_DIR / f"{name}.schema.json") for name in META_NAMES}


def _load_canonical(loader: _Loader, meta: SourceFile | None) -> dict[str, dict[str, SourceFile]]:
    canonical: dict[str, dict[str, SourceFile]] = {}
    for folder in _subdirs(loader.root / "canonical"):
        loader.add(checks.name_problem(loader.rel(folder), folder.name, what="endpoint"))
        files = {p.stem: loader.read(p) for p in sorted(folder.glob("*.json"))}
        if "request" not in files:
            loader.add((loader.rel(folder), "", "canonical endpoint folder has no request.json"))
        canonical[folder.name] = _checked_schemas(loader, files)
        for source in canonical[folder.name].values():  # x-rules: schemas/meta/canonical
            loader.problems.extend(checks.against_meta(source, meta))
    return canonical


def _checked_schemas(loader: _Loader, files: dict[str, SourceFile | None]) -> dict[str, SourceFile]:
    good = {kind: f for kind, f in files.items() if f is not None}
    for source in good.values():
        loader.problems.extend(checks.schema_problems(source))
    return good


def _load_providers(loader: _Loader, meta: dict[str, SourceFile]) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    for folder in _subdirs(loader.root):
        if folder.name in RESERVED:
            continue
        provider = _load_provider(loader, folder, meta)
        if provider is not None:
            providers[provider.id] = provider
    return providers


def _load_provider(loader: _Loader, folder: Path, meta: dict[str, SourceFile]) -> Provider | None:
    rel = loader.rel(folder)
    loader.add(checks.name_problem(rel, folder.name, what="provider"))
    manifest_path = folder / "manifest.yaml"
    if not manifest_path.is_file():
        loader.add((rel, "", "provider folder has no manifest.yaml"))
        return None
    manifest = loader.read(manifest_path)
    if manifest is None:
        return None
    todo = checks.todo_problems(manifest)
    if todo:  # a scaffold: its TODOs are all there is to say until they are filled in
        loader.problems.extend(todo)
        for path in sorted(folder.glob("*/mapping.yaml")):
            _load_mapping(loader, path.parent, meta)
        return None
    problems = checks.against_meta(manifest, meta.get("manifest"))
    loader.problems.extend(problems)
    if problems:
        return None
    if manifest.data["id"] != folder.name:
        loader.add((manifest.path, "/id", f"id {manifest.data['id']!r} must equal the folder name"))
    endpoints = _load_endpoints(loader, folder, manifest, meta)
    return Provider(id=folder.name, manifest=manifest, endpoints=endpoints)


def _load_endpoints(
    loader: _Loader, folder: Path, manifest: SourceFile, meta: dict[str, SourceFile]
) -> dict[str, Endpoint]:
    declared: dict[str, Any] = manifest.data["endpoints"]
    on_disk = {p.name: p for p in _subdirs(folder)}
    for name in sorted(set(on_disk) - set(declared)):
        loader.add((loader.rel(on_disk[name]), "", "endpoint folder is not in manifest.yaml"))
    endpoints: dict[str, Endpoint] = {}
    for name in sorted(declared):
        if name not in on_disk:
            loader.add((manifest.path, f"/endpoints/{name}", "no folder for this endpoint"))
            continue
        endpoints[name] = _load_endpoint(loader, on_disk[name], manifest, declared[name], meta)
    return endpoints


def _load_endpoint(
    loader: _Loader,
    folder: Path,
    manifest: SourceFile,
    spec: dict[str, Any],
    meta: dict[str, SourceFile],
) -> Endpoint:
    provider, name = folder.parent.name, folder.name
    where = f"/endpoints/{name}"
    if spec["current"] not in spec["versions"]:
        loader.add((manifest.path, f"{where}/current", f"{spec['current']!r} is not in versions"))
    on_disk = {p.name: p for p in _subdirs(folder)}
    for version in sorted(set(on_disk) - set(spec["versions"])):
        loader.add((loader.rel(on_disk[version]), "", "version folder is not in manifest.yaml"))
    versions: dict[str, Version] = {}
    for version in sorted(spec["versions"]):
        if version not in on_disk:
            loader.add((manifest.path, f"{where}/versions/{version}", "no folder for this version"))
            continue
        versions[version] = _load_version(loader, on_disk[version], provider, name, meta)
    mapping = _load_mapping(loader, folder, meta)
    return Endpoint(provider, name, spec["current"], versions, mapping)


def _load_mapping(loader: _Loader, folder: Path, meta: dict[str, SourceFile]) -> SourceFile | None:
    path = folder / "mapping.yaml"
    mapping = loader.read(path) if path.is_file() else None
    todo = checks.todo_problems(mapping) if mapping is not None else []
    loader.problems.extend(todo)
    if mapping is not None and not todo:
        loader.problems.extend(checks.against_meta(mapping, meta.get("mapping")))
    return mapping


def _load_version(
    loader: _Loader, folder: Path, provider: str, endpoint: str, meta: dict[str, SourceFile]
) -> Version:
    loader.add(checks.name_problem(loader.rel(folder), folder.name, what="version"))
    provenance = (
        loader.read(folder / "provenance.yaml") if (folder / "provenance.yaml").is_file() else None
    )
    if provenance is not None:
        loader.problems.extend(checks.against_meta(provenance, meta.get("provenance")))
    files = _schema_files(loader, folder, provenance)
    published = any((folder / name).is_file() for name in openapi.DOCUMENT_NAMES)
    if "request" not in files and not published:  # a document's own problems are reported
        loader.add((loader.rel(folder), "", "version folder has no request.json"))
    examples = {p.stem: loader.read(p) for p in sorted((folder / "examples").glob("*.json"))}
    return Version(
        provider=provider,
        endpoint=endpoint,
        version=folder.name,
        schemas=_checked_schemas(loader, files),
        provenance=provenance,
        examples={k: v for k, v in examples.items() if v is not None},
    )


def _schema_files(
    loader: _Loader, folder: Path, provenance: SourceFile | None
) -> dict[str, SourceFile | None]:
    """kind -> schema: the version's schema files and what its OpenAPI document holds."""
    files = {
        kind: loader.read(folder / f"{kind}.json")
        for kind in SCHEMA_KINDS
        if (folder / f"{kind}.json").is_file()
    }
    files.update(_published(loader, folder, provenance, set(files)))
    return files


def _published(
    loader: _Loader, folder: Path, provenance: SourceFile | None, taken: set[str]
) -> dict[str, SourceFile | None]:
    """Schemas extracted from a published OpenAPI document in the version folder, if any."""
    found = [folder / n for n in openapi.DOCUMENT_NAMES if (folder / n).is_file()]
    if len(found) > 1:
        loader.add((loader.rel(folder), "", "more than one OpenAPI document: keep one"))
    document = loader.read(found[0]) if found else None
    data = provenance.data if provenance is not None else None
    selection = data.get("operations") if isinstance(data, dict) else None  # else: meta check
    if not found and selection is not None and provenance is not None:
        message = "names schemas of an OpenAPI document, and this folder has none"
        loader.add((provenance.path, "/operations", message))
    if document is None:
        return {}
    if not openapi.is_openapi(document.data):
        loader.add((document.path, "", "not an OpenAPI document (no `openapi` key)"))
        return {}
    try:
        extracted = openapi.extract(document, selection if isinstance(selection, dict) else None)
    except SchemaError as exc:
        loader.problems.extend(exc.problems)
        return {}
    for kind in sorted(taken & set(extracted)):
        loader.add((document.path, "", f"{kind} is both {kind}.json and in this document"))
    return dict(extracted)


def version_schemas(root: Path, folder: Path) -> dict[str, SourceFile]:
    """kind -> schema of one version folder, either form (schema files or a published
    OpenAPI document); SchemaError listing the problems."""
    loader = _Loader(root)
    provenance = folder / "provenance.yaml"
    source = loader.read(provenance) if provenance.is_file() else None
    found = {k: f for k, f in _schema_files(loader, folder, source).items() if f is not None}
    if loader.problems:
        raise SchemaError(loader.problems)
    return found
