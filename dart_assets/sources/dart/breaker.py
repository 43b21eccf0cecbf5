"""A circuit breaker for OpenDART, persisted in `dart_ops.circuit_breaker`.

When DART is down (maintenance, 5xx, timeouts), every run retrying on its own multiplies the
load and the wait. The breaker's state lives in PostgreSQL so that all runs and processes share
it: after `failure_threshold` consecutive outage errors it opens and refuses calls for
`cooldown_s`; then it lets one probe through (half-open), which closes it on success or opens
it again on failure. Every transition is a single conditional UPDATE, so concurrent processes
agree on who probes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dart_assets.core.redaction import redact
from dart_assets.sources.dart.errors import CircuitOpenError

#: Shorter than the step retries of the DART assets take to run out (ingestion/policies.py): a
#: retry that comes while the breaker is still open is refused at once, so a cool-down longer
#: than the retry schedule would turn a few minutes of DART maintenance into a failed run.
COOLDOWN_S = 300.0

_ENSURE = sa.text("INSERT INTO dart_ops.circuit_breaker (name) VALUES (:name) ON CONFLICT (name) DO NOTHING")

# Open (or stale half-open: a probe that never reported back) and cooled down -> half-open, once.
_TRY_PROBE = sa.text(
    """
    UPDATE dart_ops.circuit_breaker
       SET state = 'half_open', updated_at = now()
     WHERE name = :name
       AND state IN ('open', 'half_open')
       AND coalesce(CASE WHEN state = 'open' THEN opened_at ELSE updated_at END, '-infinity')
           <= now() - make_interval(secs => :cooldown_s)
    RETURNING state
    """
)
_STATE = sa.text(
    "SELECT state, consecutive_failures, opened_at, last_failure_at, last_error, updated_at "
    "FROM dart_ops.circuit_breaker WHERE name = :name"
)
_SUCCESS = sa.text(
    """
    UPDATE dart_ops.circuit_breaker
       SET state = 'closed', consecutive_failures = 0, opened_at = NULL, updated_at = now()
     WHERE name = :name AND (state <> 'closed' OR consecutive_failures <> 0)
    """
)
_FAILURE = sa.text(
    """
    UPDATE dart_ops.circuit_breaker
       SET consecutive_failures = consecutive_failures + 1,
           last_failure_at = now(),
           last_error = :error,
           state = CASE WHEN state = 'half_open' OR consecutive_failures + 1 >= :threshold
                        THEN 'open' ELSE state END,
           opened_at = CASE WHEN state = 'half_open' OR consecutive_failures + 1 >= :threshold
                            THEN now() ELSE opened_at END,
           updated_at = now()
     WHERE name = :name
    """
)


BREAKER_NAME = "dart_api"  # the breaker every OpenDART caller shares


class CircuitBreaker:
    """Shared open/half-open/closed state for one external dependency."""

    def __init__(
        self,
        engine: sa.Engine,
        name: str = BREAKER_NAME,
        failure_threshold: int = 5,
        cooldown_s: float = COOLDOWN_S,
        *,
        secrets: tuple[str, ...] = (),
    ) -> None:
        if failure_threshold < 1:
            raise ValueError(f"failure_threshold must be at least 1, got {failure_threshold!r}")
        self.engine = engine
        self.name = name
        self.failure_threshold = failure_threshold
        self.cooldown_s = float(cooldown_s)
        self._secrets = secrets
        self._ensured = False

    def __repr__(self) -> str:
        return (
            f"CircuitBreaker(name={self.name!r}, failure_threshold={self.failure_threshold}, "
            f"cooldown_s={self.cooldown_s})"
        )

    def add_secrets(self, secrets: tuple[str, ...]) -> None:
        """Literal secrets to scrub from stored errors (the client registers its keys here)."""
        self._secrets = tuple(dict.fromkeys(self._secrets + secrets))

    def _ensure(self, conn: sa.Connection) -> None:
        if not self._ensured:
            conn.execute(_ENSURE, {"name": self.name})
            self._ensured = True

    def before_call(self, endpoint: str = "") -> None:
        """Raise CircuitOpenError unless a call may go out now."""
        with self.engine.begin() as conn:
            self._ensure(conn)
            row = conn.execute(_STATE, {"name": self.name}).one()
            if row.state == "closed":
                return
            probe = conn.execute(_TRY_PROBE, {"name": self.name, "cooldown_s": self.cooldown_s}).first()
        if probe is None:
            opened = row.opened_at.isoformat(timespec="seconds") if row.opened_at else "unknown"
            raise CircuitOpenError(
                endpoint or self.name,
                f"breaker {self.name!r} is {row.state} after {row.consecutive_failures} consecutive failures "
                f"(opened at {opened}, cool-down {self.cooldown_s:g}s); last error: {row.last_error}",
            )

    def record_success(self) -> None:
        with self.engine.begin() as conn:
            self._ensure(conn)
            conn.execute(_SUCCESS, {"name": self.name})

    def record_failure(self, error: str) -> None:
        with self.engine.begin() as conn:
            self._ensure(conn)
            conn.execute(
                _FAILURE,
                {"name": self.name, "error": redact(error, self._secrets)[:2000], "threshold": self.failure_threshold},
            )

    def status(self) -> dict[str, Any]:
        with self.engine.begin() as conn:
            self._ensure(conn)
            row = conn.execute(_STATE, {"name": self.name}).one()
        return {
            "name": self.name,
            "state": row.state,
            "consecutive_failures": row.consecutive_failures,
            "opened_at": row.opened_at,
            "last_failure_at": row.last_failure_at,
            "last_error": row.last_error,
        }


def breaker_status(engine: sa.Engine) -> dict[str, Any]:
    return CircuitBreaker(engine, name=BREAKER_NAME).status()


def breaker_states(conn: sa.Connection) -> list[dict[str, Any]]:
    """Every breaker's row, read only (a breaker that never tripped may have none: closed)."""
    return [
        dict(r)
        for r in conn.execute(
            sa.text("SELECT name, state, consecutive_failures, opened_at FROM dart_ops.circuit_breaker ORDER BY name")
        ).mappings()
    ]
