"""Outputs of the importable package `kling_gateways`: models, validators, inits, runtime."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from codegen.cache import TEMPLATES, digest, generator_fingerprint
from codegen.catalog import Endpoint, Provider, SourceFile, Version
from codegen.normalize.schema import unenforced_keywords
from codegen.render.env import render
from codegen.render.output import Context, Output, json_literal
from codegen.render.parallel import ModelJob

PKG = "kling_gateways"
CLASS_NAMES = {
    "request": "Request",
    "response": "Response",
    "status": "Status",
    "callback": "Callback",
    "result": "Result",
}


def outputs(ctx: Context) -> list[Output]:
    found = [*_root(ctx), *_runtime(), *_canonical(ctx)]
    for provider in ctx.catalog.providers.values():
        found.extend(_provider(ctx, provider))
    return found


def _template_source(rel: str) -> SourceFile:
    """A runtime module, as text (shown in headers as templates/<rel>)."""
    raw = (TEMPLATES / rel).read_bytes()
    return SourceFile(
        path=f"../templates/{rel}", data=raw.decode("utf-8"), sha256=hashlib.sha256(raw).hexdigest()
    )


def _root(ctx: Context) -> list[Output]:
    providers = sorted(ctx.catalog.providers)
    endpoints = sorted(e.key for e in ctx.catalog.endpoints())
    from codegen.render.release import package_version, release_sources

    init = Output(
        f"{PKG}/__init__.py",
        release_sources(ctx.catalog),
        lambda: render(
            "package_init.py.j2",
            providers=providers,
            endpoints=endpoints,
            version=package_version(ctx),
        ),
    )
    return [init, Output(f"{PKG}/py.typed", (), lambda: "", header=False)]


def _runtime() -> list[Output]:
    found = []
    for path in sorted((TEMPLATES / "runtime").glob("*.py")):
        source = _template_source(f"runtime/{path.name}")
        found.append(Output(f"{PKG}/_runtime/{path.name}", (source,), _text(source)))
    return found


def _text(source: SourceFile) -> Any:
    return lambda: source.data


def _models(ctx: Context, path: str, source: SourceFile, class_name: str) -> Output:
    normalized = ctx.normalized(source)
    extra = sorted(unenforced_keywords(normalized.validator))
    root = f"{class_name}Fields" if extra else class_name
    key = _plan_models(ctx, normalized.model, class_name=root, file=f"schemas/{source.path}")

    def build() -> str:
        code: str = ctx.memo["model_code"][key]
        if not extra:
            return code
        check = render(
            "schema_checked.py.j2",
            name=class_name,
            keywords=extra,
            schema=json_literal(normalized.validator),
        )
        return _add_imports(code, CHECK_IMPORTS) + check

    return Output(path, (source,), build, needs_models=True)


def _plan_models(ctx: Context, schema: dict[str, Any], *, class_name: str, file: str) -> str:
    """Record a model job (rendered in bulk by parallel.render_pending); return its key."""
    key = digest(generator_fingerprint(), class_name, json.dumps(schema, ensure_ascii=False))
    ctx.memo.setdefault("model_jobs", {})[key] = ModelJob(schema, class_name, file)
    return key


CHECK_IMPORTS = (
    "from kling_gateways._runtime.model import SchemaChecked\n"
    "from kling_gateways._runtime.validation import SchemaValidator\n"
)


def _add_imports(code: str, imports: str) -> str:
    """Put `imports` right after the `from __future__` line (ruff sorts them later)."""
    head, sep, tail = code.partition("from __future__ import annotations\n")
    return head + sep + imports + tail if sep else imports + code


def _canonical(ctx: Context) -> list[Output]:
    base = f"{PKG}/canonical"
    found: list[Output] = []
    for endpoint, files in sorted(ctx.catalog.canonical.items()):
        module = endpoint.replace("-", "_")
        for kind, source in sorted(files.items()):
            name = module if kind == "request" else f"{module}_{kind}"
            found.append(_models(ctx, f"{base}/{name}.py", source, CLASS_NAMES.get(kind, "Model")))
    found.append(_mappings(ctx, base))
    found.append(_canonical_init(ctx, base))
    return found


def _mappings(ctx: Context, base: str) -> Output:
    endpoints = [e for e in ctx.catalog.endpoints() if e.mapping is not None]
    sources = tuple(e.mapping for e in endpoints if e.mapping is not None)
    manifests = {p.id: p.manifest.data for p in ctx.catalog.providers.values()}
    mappings = {e.key: e.mapping.data for e in endpoints if e.mapping is not None}

    def build() -> str:
        return render(
            "mappings.py.j2", mappings=json_literal(mappings), manifests=json_literal(manifests)
        )

    manifest_sources = tuple(p.manifest for p in ctx.catalog.providers.values())
    return Output(f"{base}/_mappings.py", sources + manifest_sources, build)


def _canonical_init(ctx: Context, base: str) -> Output:
    endpoints = [{"id": e, "module": e.replace("-", "_")} for e in sorted(ctx.catalog.canonical)]
    targets = [
        {"key": e.key, "provider_module": e.provider.replace("-", "_"), "endpoint_attr": e.module}
        for e in sorted(ctx.catalog.endpoints(), key=lambda e: e.key)
        if e.mapping is not None
    ]
    return Output(
        f"{base}/__init__.py",
        (),
        lambda: render("canonical_init.py.j2", endpoints=endpoints, targets=targets, header=""),
    )


def _provider(ctx: Context, provider: Provider) -> list[Output]:
    base = f"{PKG}/{provider.module}"
    endpoints = [_endpoint_context(e) for e in provider.endpoints.values()]
    found = [
        Output(
            f"{base}/__init__.py",
            (provider.manifest,),
            lambda: render(
                "provider_init.py.j2", provider=_provider_context(provider), endpoints=endpoints
            ),
        ),
        _client(provider, base, endpoints),
    ]
    for endpoint in provider.endpoints.values():
        found.extend(_endpoint(ctx, endpoint, f"{base}/{endpoint.module}"))
    return found


def _provider_context(provider: Provider) -> dict[str, Any]:
    prefix = "".join(part.capitalize() for part in provider.id.split("-"))
    return {
        "id": provider.id,
        "module": provider.module,
        "name": provider.manifest.data["name"],
        "class_prefix": prefix,
    }


def _endpoint_context(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "attr": endpoint.module,
        "current": endpoint.current,
        "current_module": endpoint.current_version().module,
        "versions": [_version_context(endpoint, v) for v in endpoint.versions.values()],
    }


def _version_context(endpoint: Endpoint, version: Version) -> dict[str, Any]:
    return {"version": version.version, "module": version.module, "kinds": sorted(version.schemas)}


def _client(provider: Provider, base: str, endpoints: list[dict[str, Any]]) -> Output:
    def build() -> str:
        return render(
            "client.py.j2",
            header="",
            provider=_provider_context(provider),
            manifest_literal=repr(json.loads(json.dumps(provider.manifest.data))),
            endpoints=endpoints,
        )

    return Output(f"{base}/_client.py", (provider.manifest,), build)


def _endpoint(ctx: Context, endpoint: Endpoint, base: str) -> list[Output]:
    current = endpoint.current_version()
    kinds = sorted(current.schemas)
    context = {
        "endpoint": _endpoint_context(endpoint),
        "key": endpoint.key,
        "kinds": kinds,
        "classes": CLASS_NAMES,
        "exports": _exports(kinds),
    }
    found = [
        Output(
            f"{base}/__init__.py",
            tuple(current.schemas.values()),
            lambda: render("endpoint_init.py.j2", **context),
        )
    ]
    for version in endpoint.versions.values():
        found.extend(_version(ctx, version, f"{base}/{version.module}", endpoint.key))
    return found


def _version(ctx: Context, version: Version, base: str, key: str) -> list[Output]:
    kinds = sorted(version.schemas)
    sources = tuple(version.schemas[k] for k in kinds)
    context = {
        "key": key,
        "version": version.version,
        "kinds": kinds,
        "classes": CLASS_NAMES,
        "exports": _exports(kinds),
    }
    found = [
        Output(f"{base}/__init__.py", sources, lambda: render("version_init.py.j2", **context)),
        Output(f"{base}/validators.py", sources, lambda: render("validators.py.j2", **context)),
        Output(f"{base}/_schemas.py", sources, lambda: _schemas_module(ctx, version, context)),
    ]
    for kind in kinds:
        found.append(_models(ctx, f"{base}/{kind}.py", version.schemas[kind], CLASS_NAMES[kind]))
    return found


def _exports(kinds: list[str]) -> list[str]:
    names = [CLASS_NAMES[k] for k in kinds] + [
        f"{p}_{k}" for k in kinds for p in ("validate", "is_valid")
    ]
    return ["Issue", *names]


def _schemas_module(ctx: Context, version: Version, context: dict[str, Any]) -> str:
    schemas = {
        k: json_literal(ctx.normalized(s).validator) for k, s in sorted(version.schemas.items())
    }
    return render("schemas.py.j2", schemas=schemas, **context)
