"""`kling-codegen fake-gateway PROVIDER [--host H] [--port N]`."""

from __future__ import annotations

import json

import click


@click.command("fake-gateway")
@click.argument("provider")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--api-key", default=None, help="Accept only this key (default: any).")
@click.option(
    "--api-secret", default=None, help="Check signed tokens (auth.token) with this secret."
)
@click.option("--callback-secret", default=None, help="Sign callbacks with this secret.")
@click.option("--faults", "faults_json", default=None, help="JSON list of faults to inject.")
@click.option("--complete-after", type=float, default=None, help="Finish runs after N s.")
def fake_gateway(
    provider: str,
    host: str,
    port: int,
    api_key: str | None,
    api_secret: str | None,
    callback_secret: str | None,
    faults_json: str | None,
    complete_after: float | None,
) -> int:
    """Serve a fake PROVIDER gateway that plays its documented lifecycle."""
    import uvicorn

    from codegen.errors import UsageError
    from codegen.fake.app import FakeConfig, create_app
    from codegen.fake.faults import Fault

    try:
        faults = [Fault.from_dict(f) for f in json.loads(faults_json or "[]")]
        config = FakeConfig(
            api_key=api_key,
            api_secret=api_secret,
            callback_secret=callback_secret,
            faults=faults,
            complete_after=complete_after,
        )
        app = create_app(provider, config=config)
    except (LookupError, ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    click.echo(f"fake {provider} gateway on http://{host}:{port} (control: /__fake__/stats)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
