"""API keys: shown once at creation, stored only as SHA-256 hashes with their scopes."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa

from dart_assets.api import SCOPES
from dart_assets.automation.audit import record_action

# Lookups are cached briefly so a request costs no extra query; revocation takes effect
# within this many seconds.
CACHE_TTL_S = 30.0


@dataclass(frozen=True)
class ApiPrincipal:
    key_id: int
    name: str
    scopes: frozenset[str]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(engine: sa.Engine, name: str, scopes: list[str], *, actor: str = "system") -> str:
    """Create a key and return it; only its hash is stored, so it cannot be shown again.
    The creation is audited (never the key) in the same transaction."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"scopes must be a non-empty subset of {SCOPES}, got {scopes}")
    key = "dfg_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            sa.text("insert into dart_ops.api_keys (name, key_hash, scopes) values (:n, :h, :s)"),
            {"n": name, "h": hash_key(key), "s": sorted(set(scopes))},
        )
        record_action(conn, actor, "api_key.create", name, {"scopes": sorted(set(scopes))})
    return key


def revoke_api_key(engine: sa.Engine, name: str, *, actor: str = "system") -> int:
    """Revoke every live key with this name; audited in the same transaction."""
    with engine.begin() as conn:
        result = conn.execute(
            sa.text("update dart_ops.api_keys set revoked_at = now() where name = :n and revoked_at is null"),
            {"n": name},
        )
        record_action(conn, actor, "api_key.revoke", name, {"revoked": result.rowcount})
    return result.rowcount


def list_api_keys(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select id, name, scopes, created_at, revoked_at, last_used_at from dart_ops.api_keys order by id")
        ).mappings()
        return [dict(r) for r in rows]


class KeyStore:
    """Resolves a presented key to its principal, with a short in-process cache."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._cache: dict[str, tuple[float, ApiPrincipal | None]] = {}

    def lookup(self, key: str) -> ApiPrincipal | None:
        digest = hash_key(key)
        now = time.monotonic()
        hit = self._cache.get(digest)
        if hit and now - hit[0] < CACHE_TTL_S:
            return hit[1]
        with self._engine.begin() as conn:
            row = conn.execute(
                sa.text(
                    "update dart_ops.api_keys set last_used_at = now() "
                    "where key_hash = :h and revoked_at is null returning id, name, scopes"
                ),
                {"h": digest},
            ).first()
        principal = ApiPrincipal(row.id, row.name, frozenset(row.scopes)) if row else None
        self._cache[digest] = (now, principal)
        return principal
