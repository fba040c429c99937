"""`kling-codegen fake-gateway PROVIDER [--host H] [--port N] [--faults JSON]`."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import click

from codegen.commands.options import schemas_option
from codegen.errors import UsageError

EXAMPLES = """
\b
Examples:
  kling-codegen fake-gateway acme --port 8080
  kling-codegen fake-gateway acme --faults '[{"kind": "rate_limit", "op": "submit"}]'
  kling-codegen fake-gateway acme --complete-after 0.5 --api-key test-key
"""


@click.command("fake-gateway", epilog=EXAMPLES)
@click.argument("provider")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--api-key", default=None, help="Accept only this key (default: any).")
@click.option(
    "--api-secret", default=None, help="Check signed tokens (auth.token) with this secret."
)
@click.option("--callback-secret", default=None, help="Sign callbacks with this secret.")
@click.option(
    "--faults",
    "faults_json",
    default=None,
    metavar="JSON",
    help='JSON list of faults to inject, e.g. [{"kind": "error", "op": "submit"}].',
)
@click.option("--complete-after", type=float, default=None, help="Finish runs after N s.")
@schemas_option
def fake_gateway(
    provider: str,
    host: str,
    port: int,
    api_key: str | None,
    api_secret: str | None,
    callback_secret: str | None,
    faults_json: str | None,
    complete_after: float | None,
    schemas: Path | None,
) -> int:
    """Serve a fake PROVIDER gateway that plays its documented lifecycle."""
    _require_fake_extra()
    import uvicorn

    from codegen.fake.app import FakeConfig, create_app

    config = FakeConfig(
        schemas_dir=_catalog(schemas),
        api_key=api_key,
        api_secret=api_secret,
        callback_secret=callback_secret,
        faults=_faults(faults_json),
        complete_after=complete_after,
    )
    try:
        app = create_app(provider, config=config)
    except LookupError as exc:
        raise UsageError(f"PROVIDER {provider!r}: {exc}") from None
    click.echo(f"fake {provider} gateway on http://{host}:{port} (control: /__fake__/stats)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def _catalog(schemas: Path | None) -> Path:
    """The catalog found as every command finds it, else the one beside this checkout."""
    from codegen.commands.locate import find_schemas, not_found
    from codegen.fake.catalog import SCHEMAS_DIR

    found = find_schemas(schemas)
    if found is not None:
        return found.path
    if not SCHEMAS_DIR.is_dir():
        raise not_found(fallback=False)
    return SCHEMAS_DIR


def _require_fake_extra() -> None:
    needed = ("starlette", "uvicorn", "httpx")
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(
            f"fake-gateway needs {', '.join(missing)}, from the [fake] extra: "
            "pip install 'kling-codegen[fake]'"
        )


def _faults(text: str | None) -> list[Any]:
    """--faults as Fault objects; every problem names the option."""
    from codegen.errors import SchemaError
    from codegen.fake.faults import Fault
    from codegen.read import parse_json

    try:
        data = parse_json("--faults", text or "[]")
    except SchemaError as exc:
        raise UsageError(f"--faults: {exc.problems[0][2]}") from None
    if not isinstance(data, list) or not all(isinstance(f, dict) for f in data):
        raise UsageError('--faults: expected a JSON list of objects, e.g. [{"kind": "error"}]')
    try:
        return [Fault.from_dict(f) for f in data]
    except (ValueError, TypeError) as exc:
        raise UsageError(f"--faults: {exc}") from None
