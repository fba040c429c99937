"""kling-codegen: provider schemas in, typed models, validators, clients and reports out."""

__version__ = "0.1.0"
