"""Secret values (API keys, signing secrets) that never show in repr, str, logs or errors."""

from __future__ import annotations

from typing import Final

_MASK: Final = "**********"


class Secret:
    """Hold a secret string; only `get()` reveals it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise TypeError("a secret must be a non-empty string")
        self._value = value

    def get(self) -> str:
        """Return the secret itself (use only to build a header or an HMAC)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    def __str__(self) -> str:
        return _MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> str:
        raise TypeError("Secret cannot be pickled")


def as_secret(value: str | Secret) -> Secret:
    """Wrap a plain string; pass a Secret through."""
    return value if isinstance(value, Secret) else Secret(value)


_EDGES: Final = " \t\r\n\x00"


def header_secret(value: str | Secret) -> Secret:
    """An API key as a header carries it: surrounding spaces, tabs, CR, LF and NUL (as a key
    read from a file ends) are stripped; any other character outside printable ASCII is
    refused with a ValueError that does not quote the key."""
    raw = value.get() if isinstance(value, Secret) else value
    if not isinstance(raw, str):
        raise TypeError("an API key must be a string")
    core = raw.strip(_EDGES)
    if not core:
        raise ValueError("the API key is empty")
    if any(not " " <= char <= "~" for char in core):
        raise ValueError("the API key holds a control or non-ASCII character")
    return Secret(core)


def _written_forms(value: str) -> list[str]:
    """How `value` can appear in a message: as is, stripped, and escaped by repr."""
    forms = {value, value.strip(_EDGES)}
    for form in list(forms):
        forms.add(repr(form)[1:-1])
        forms.add(repr(form.encode("utf-8", "surrogateescape"))[2:-1])
        forms.add(form.encode("unicode_escape").decode("ascii"))
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact(text: str, *secrets: Secret | None) -> str:
    """Replace every occurrence of the given secrets in `text` with a mask, however written
    (raw, stripped of surrounding whitespace or NUL, or escaped as repr writes it)."""
    for secret in secrets:
        if secret is not None:
            for form in _written_forms(secret.get()):
                text = text.replace(form, _MASK)
    return text
