"""The base classes of every generated model.

`KlingModel` is strict: a payload the JSON Schema rejects must not be coerced into validity
(no "5" for 5), so that models and validators agree. Extra fields follow each schema's
`additionalProperties`, which the generated classes set themselves.

`SchemaChecked` is mixed into a root model when its schema uses rules pydantic cannot
express (`dependentRequired`, `not`, `if`/`then` on values, ...): the model then also runs
the JSON Schema check on its input, so that models and validators still agree.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from .validation import SchemaValidator


class KlingModel(BaseModel):
    model_config = ConfigDict(strict=True, populate_by_name=True)


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
        issues = schema.validate(_plain(data))
        if issues:
            raise ValueError("; ".join(str(issue) for issue in issues))
        return data
