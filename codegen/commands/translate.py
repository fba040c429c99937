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
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from codegen.errors import InputError, UsageError


def _canonical() -> ModuleType:
    try:
        canonical = importlib.import_module("kling_gateways.canonical")
    except ImportError as exc:
        raise UsageError(
            f"kling_gateways.canonical is not importable ({exc}): run generate"
        ) from exc
    return canonical


def _read_request(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None


@click.command()
@click.option(
    "--to",
    "target",
    required=True,
    help="PROVIDER/ENDPOINT[@VERSION], e.g. runware/image-to-video.",
)
@click.option(
    "--allow-local-files",
    is_flag=True,
    help="Read local image paths into data URIs (regular files under 50 MB; never for a"
    " gateway that takes URLs only).",
)
@click.argument("request_file", metavar="CANONICAL.json")
def translate(*, target: str, request_file: str, allow_local_files: bool) -> int:
    """Print the provider payload for a canonical request."""
    canonical = _canonical()
    if target.partition("@")[0] not in canonical.MAPPINGS:
        known = ", ".join(sorted(canonical.MAPPINGS))
        raise UsageError(f"--to {target!r}: no such provider/endpoint (known: {known})")
    request = _read_request(request_file)
    try:
        payload, warnings = canonical.translate(request, to=target, local_files=allow_local_files)
    except canonical.TranslationError as exc:
        click.echo(f"error: {target}: {exc}", err=True)
        return 1
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


ENDPOINTS = ["image-to-video", "text-to-video"]


@click.command()
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
