"""The base classes of every generated model.

`KlingModel` is strict: a payload the JSON Schema rejects must not be coerced into validity
(no "5" for 5), so that models and validators agree. One coercion JSON Schema itself makes
is applied: a number with a zero fractional part is an integer (2020-12, section 6.3 of the
validation vocabulary), so `5.0` is read as `5` before pydantic's strict `int` sees it: a
gateway's official SDK may type an integer field as a float and send exactly that. Extra fields follow
each schema's `additionalProperties`, which the generated classes set themselves.

`SchemaChecked` is mixed into a root model when its schema uses rules pydantic cannot
express (`dependentRequired`, `not`, `if`/`then` on values, ...): the model then also runs
the JSON Schema check on its input, so that models and validators still agree.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from .validation import SchemaValidator


def integral_floats_as_ints(data: Any) -> Any:
    """`data` with every float that has no fractional part replaced by the equal int."""
    if isinstance(data, float):
        return int(data) if data.is_integer() else data
    if isinstance(data, dict):
        return {key: integral_floats_as_ints(value) for key, value in data.items()}
    if isinstance(data, list):
        return [integral_floats_as_ints(value) for value in data]
    return data


class KlingModel(BaseModel):
    model_config = ConfigDict(strict=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _json_integers(cls, data: Any) -> Any:
        return integral_floats_as_ints(data)


def _plain(data: Any) -> Any:
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(value) for value in data]
    return data


class SchemaChecked(BaseModel):
    __kling_schema__: ClassVar[SchemaValidator | None] = None

    @model_validator(mode="before")
    @classmethod
    def _check_json_schema(cls, data: Any) -> Any:
        schema = cls.__kling_schema__
        if schema is None or isinstance(data, cls):
            return data
        plain = _plain(data)
        issues = schema.validate(plain)
        if issues:
            raise ValueError("; ".join(str(issue) for issue in issues))
        return integral_floats_as_ints(plain)
