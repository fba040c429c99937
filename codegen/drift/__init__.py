"""The cross-provider drift report: one matrix per canonical field, and the drift found."""

from codegen.drift.report import analyze, drift_items

__all__ = ["analyze", "drift_items"]
