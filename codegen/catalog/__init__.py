"""LOAD: read `schemas/` into a Catalog, validating every file against its meta-schema."""

from codegen.catalog.load import load_catalog
from codegen.catalog.model import Catalog, Endpoint, Provider, SourceFile, Version

__all__ = ["Catalog", "Endpoint", "Provider", "SourceFile", "Version", "load_catalog"]
