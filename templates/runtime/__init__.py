"""Runtime shared by every generated client: HTTP, retries, lifecycles, errors, webhooks.

Hand-written; the generator copies these modules verbatim into `kling_gateways._runtime`.
They import each other relatively and depend only on httpx, pydantic and the stdlib.
"""
