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


def redact(text: str, *secrets: Secret | None) -> str:
    """Replace every occurrence of the given secrets in `text` with a mask."""
    for secret in secrets:
        if secret is not None:
            text = text.replace(secret.get(), _MASK)
    return text
