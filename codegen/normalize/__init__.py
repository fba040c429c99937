"""NORMALIZE: rewrite provider quirks into standard JSON Schema.

Two outputs per schema: the validator schema (standard JSON Schema 2020-12, what the
generated validators check) and the model schema (what datamodel-code-generator turns into
pydantic models: the same, minus `format`, which would change Python types).
"""

from codegen.normalize.schema import Normalized, normalize_schema

__all__ = ["Normalized", "normalize_schema"]
