"""Errors the generator reports. Each points into the data, like a compiler's.

KlingCodegenError
├── InputError            bad input the user gave us (exit 2)
│   ├── SchemaError       a catalog file is malformed: `file#/pointer: message`
│   └── UsageError        a CLI argument names nothing we know
└── OutputError           the output folder cannot be written safely
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def escape_pointer_token(token: str | int) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(parts: Iterable[str | int]) -> str:
    """Build a JSON pointer ('' for the root) from path parts."""
    return "".join("/" + escape_pointer_token(p) for p in parts)


def printable(text: str) -> str:
    """`text` with every non-printable character (newlines, escape codes) escaped."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


class KlingCodegenError(Exception):
    """Base class for every error kling-codegen reports on purpose."""

    exit_code = 1

    def report(self) -> list[str]:
        """The lines the CLI prints for this error (control characters escaped)."""
        lines = [printable(line) for line in str(self).split("\n")]
        return [f"error: {lines[0]}", *lines[1:]]


class InputError(KlingCodegenError):
    exit_code = 2


class UsageError(InputError):
    pass


class OutputError(KlingCodegenError):
    exit_code = 2


class SchemaError(InputError):
    """One or more problems in catalog files, each as `file#/pointer: message`."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(self.lines()))

    def __reduce__(self) -> tuple[type[SchemaError], tuple[list[tuple[str, str, str]]]]:
        return (SchemaError, (self.problems,))  # so worker processes can send it back

    def lines(self) -> list[str]:
        """One line per problem; control characters from names and data are escaped."""
        return [printable(f"{file}#{ptr}: {msg}") for file, ptr, msg in self.problems]

    def report(self) -> list[str]:
        count = len(self.problems)
        total = f"error: {count} problem{'s' if count != 1 else ''} in the input"
        return [*self.lines(), f"{total}; nothing was written"]

    @classmethod
    def at(cls, file: str, parts: Iterable[str | int], message: str) -> SchemaError:
        return cls([(file, pointer(parts), message)])
