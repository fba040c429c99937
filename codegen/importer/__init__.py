"""`kling-codegen import`: file a provider's published document as a new schema version.

fetch.py     read DOCUMENT from a file or an http(s) URL (httpx), parse it with catalog limits
document.py  classify it (OpenAPI or JSON Schema), choose the operations, extract the schemas
scaffold.py  manifest.yaml and mapping.yaml for a provider or endpoint that does not exist yet
manifest.py  add a version (or an endpoint) to an existing manifest.yaml without rewriting it
plan.py      everything to write, staged and checked against a copy of the catalog first
report.py    the changelog against the previous version, mapping decisions, new drift
"""
