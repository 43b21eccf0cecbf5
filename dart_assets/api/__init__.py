"""The read API under /api/dart/*: API keys with scopes, rate limits, OpenAPI docs."""

SCOPES = ("read", "admin")
