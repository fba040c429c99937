"""`kling-codegen translate --to PROVIDER/ENDPOINT FILE` and `kling-codegen quote FILE`.

Both read a canonical request (JSON, `-` for stdin) and use the generated package
`kling_gateways.canonical`, imported only when a command runs.

    translate  prints the provider payload; warnings go to stderr. Exit 0; 1 where the
               provider cannot express the request (the reason names the canonical field);
               2 on bad usage or unreadable input.
    quote      lists, per gateway, whether it accepts the request (and why not) and its
               documented price. Exit 0 if some gateway accepts it, 1 if none does (or the
               request is not a valid canonical request), 2 on bad usage or unreadable input.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from codegen.commands.locate import not_found
from codegen.commands.options import split_target, version_option
from codegen.errors import UsageError


def _canonical() -> ModuleType:
    """The installed generated package (it carries the catalog's mappings and schemas)."""
    if importlib.util.find_spec("kling_gateways") is None:
        raise not_found(fallback=True)
    return importlib.import_module("kling_gateways.canonical")


def _read_request(path: str) -> Any:
    from codegen.read import read_data

    return read_data(Path(path), fmt="json")


TRANSLATE_EXAMPLES = """
\b
Examples:
  kling-codegen translate --to acme/image-to-video canonical.json
  kling-codegen translate --to acme/image-to-video@2026-04-05 canonical.json
  echo '{"prompt": "a cat turns"}' | kling-codegen translate --to acme/text-to-video -
"""


@click.command(epilog=TRANSLATE_EXAMPLES)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="PROVIDER/ENDPOINT[@VERSION]",
    help="The gateway endpoint, e.g. acme/image-to-video.",
)
@version_option
@click.option(
    "--strict",
    is_flag=True,
    help="Payload fields the provider's schema does not define are errors.",
)
@click.option(
    "--allow-local-files",
    is_flag=True,
    help="Read local image paths into data URIs (regular files under 50 MB; never for a"
    " gateway that takes URLs only).",
)
@click.argument("request_file", metavar="CANONICAL.json")
def translate(
    *, target: str, version: str | None, strict: bool, request_file: str, allow_local_files: bool
) -> int:
    """Print the provider payload for a canonical request (- for stdin)."""
    key, version = split_target(target, version, option="--to")
    canonical = _canonical()
    if key not in canonical.MAPPINGS:
        known = ", ".join(sorted(canonical.MAPPINGS))
        raise UsageError(f"--to {key!r}: no such provider/endpoint (known: {known})")
    target = f"{key}@{version}" if version else key
    request = _read_request(request_file)
    try:
        payload, warnings = canonical.translate(
            request, to=target, strict=strict, local_files=allow_local_files
        )
    except canonical.TranslationError as exc:
        click.echo(f"error: {target}: {exc}", err=True)
        return 1
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


ENDPOINTS = ["image-to-video", "text-to-video"]


QUOTE_EXAMPLES = """
\b
Examples:
  kling-codegen quote canonical.json
  kling-codegen quote canonical.json --format json --endpoint text-to-video
"""


@click.command(epilog=QUOTE_EXAMPLES)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--endpoint",
    type=click.Choice(ENDPOINTS),
    default=None,
    help="Default: image-to-video if the request has start_image.",
)
@click.option(
    "--allow-local-files",
    is_flag=True,
    help="Read local image paths into data URIs (regular files under 50 MB; never for a"
    " gateway that takes URLs only).",
)
@click.argument("request_file", metavar="CANONICAL.json")
def quote(*, fmt: str, endpoint: str | None, request_file: str, allow_local_files: bool) -> int:
    """Which gateways accept a canonical request, and at what price."""
    canonical = _canonical()
    request = _read_request(request_file)
    endpoint = endpoint or canonical.infer_endpoint(request)
    try:
        quotes = [
            q.as_dict()
            for q in canonical.quote(request, endpoint=endpoint, local_files=allow_local_files)
        ]
    except canonical.TranslationError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    seconds, audio = _request_terms(request)
    if fmt == "json":
        document = {
            "endpoint": endpoint,
            "seconds": seconds,
            "generate_audio": audio,
            "quotes": quotes,
        }
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo("\n".join(_text(quotes, endpoint=endpoint, seconds=seconds, audio=audio)))
    return 0 if any(q["accepts"] for q in quotes) else 1


def _request_terms(request: Any) -> tuple[int, bool]:
    pricing = importlib.import_module("kling_gateways._runtime.quote")
    return pricing.request_seconds(request), pricing.request_audio(request)


def _text(quotes: list[dict[str, Any]], *, endpoint: str, seconds: int, audio: bool) -> list[str]:
    lines = [f"{endpoint}, {seconds} s, audio {'on' if audio else 'off'}"]
    width = max((len(q["target"]) for q in quotes), default=0)
    for q in quotes:
        verdict = "accepts " if q["accepts"] else "refuses "
        lines.append(f"  {q['target']:<{width}}  {verdict}  {_price_text(q['price'])}")
        lines.extend(f"      why not: {reason}" for reason in q["reasons"])
        lines.extend(f"      warning: {warning}" for warning in q["warnings"])
    return lines


def _price_text(price: dict[str, Any]) -> str:
    if not price.get("known"):
        return f"price unknown ({price.get('reason')})"
    return f"${price['total']:.3f} ({price['currency']}, ${price['per_second']}/s)"
