"""Tests of the canonical layer: mappings, runtime, translate, quote."""
