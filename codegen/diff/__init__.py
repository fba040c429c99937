"""The schema diff engine: classify changes between JSON Schemas or OpenAPI documents."""

from codegen.diff.compare import diff_documents, diff_files
from codegen.diff.model import Change

__all__ = ["Change", "diff_documents", "diff_files"]
