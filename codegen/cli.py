"""The `kling-codegen` command line.

Commands are registered by import path and loaded only when invoked, so that
`kling-codegen --help` stays fast: heavy modules (datamodel-code-generator, httpx,
jsonschema) are imported by the command that needs them, never here. This module does not
import click either: `validate` in its plain shapes runs without it (the fast path, see
`codegen.commands.validate_run`); everything else goes to the click group in
`codegen.commands.group`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# name -> (import path "module:attribute", one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("codegen.commands.generate:generate", "Regenerate generated/ from schemas/."),
    "validate": ("codegen.commands.validate:validate", "Validate a payload for PROVIDER/ENDPOINT."),
    "translate": ("codegen.commands.translate:translate", "Translate a canonical request."),
    "quote": (
        "codegen.commands.translate:quote",
        "Which gateways accept a request, at what price.",
    ),
    "diff": ("codegen.diff.cli:diff", "Classify changes between two schema versions."),
    "drift": ("codegen.drift.cli:drift", "Cross-provider drift report per canonical field."),
    "import": (
        "codegen.commands.import_:import_document",
        "File a provider's published document as a new schema version.",
    ),
    "fake-gateway": ("codegen.fake.cli:fake_gateway", "Run a local fake gateway for a provider."),
}


EPILOG = """
\b
Examples:
  kling-codegen generate --check
  kling-codegen validate acme/image-to-video payload.json --strict
  kling-codegen translate --to acme/image-to-video@2026-04-06 canonical.json
  kling-codegen diff old.json new.json --fail-on breaking

\b
Targets are PROVIDER/ENDPOINT[@YYYY-MM-DD] in every command (--version V = @V).
The catalog is --schemas DIR, else $KLING_CODEGEN_SCHEMAS, else the nearest schemas/
folder in this folder or a parent; validate falls back to the catalog inside the
installed kling_gateways package, which translate and quote always use.

\b
Exit codes (every command):
  0  ok
  1  a finding: invalid payload, breaking change, new drift, stale output,
     a request no gateway accepts
  2  bad input or usage, reported as `file#/json/pointer: message` or naming the
     option; nothing was written
  3  internal error: a bug in kling-codegen (KLING_CODEGEN_DEBUG=1 shows the traceback)
"""


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turn our errors into messages and exit codes."""
    args = sys.argv[1:] if argv is None else list(argv)
    sys.exit(_guarded(lambda: _dispatch(args)))


def _dispatch(args: list[str]) -> int:
    if args[:1] == ["validate"] and not os.environ.get("KLING_CODEGEN_NO_FAST_PATH"):
        from codegen.commands.validate_run import emit, parse_fast, run

        parsed = parse_fast(args[1:])
        if parsed is not None:
            return emit(run(parsed))
    from codegen.commands.group import run_click

    return run_click(args)


def _guarded(command: Callable[[], int]) -> int:
    """Run `command`; the errors we raise on purpose become messages and exit codes."""
    from codegen.errors import KlingCodegenError, printable

    try:
        return command()
    except KlingCodegenError as exc:
        _say(*exc.report())
        return exc.exit_code
    except KeyboardInterrupt:
        _say("", "aborted")
        return 1
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as click does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # a bug in kling-codegen, not in the user's input
        if os.environ.get("KLING_CODEGEN_DEBUG"):
            raise
        _say(f"internal error: {type(exc).__name__}: {printable(str(exc))}")
        _say("(set KLING_CODEGEN_DEBUG=1 for the traceback)")
        return 3


def _say(*lines: str) -> None:
    sys.stdout.flush()
    sys.stderr.write("".join(line + "\n" for line in lines))
    sys.stderr.flush()
