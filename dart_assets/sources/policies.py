"""Retry policy of the DART-facing assets.

The client already retries single requests (seconds apart); this policy is the second line:
it re-runs the step when DART stayed down longer than the client waits, e.g. a maintenance
window or an open circuit breaker. Exponential backoff with jitter keeps concurrent runs from
hitting DART in lockstep when it comes back. A quota stop is raised with `allow_retries=False`:
retrying cannot help before the next Asia/Seoul day.
"""

import dagster as dg

DART_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3,
    delay=60,
    backoff=dg.Backoff.EXPONENTIAL,
    jitter=dg.Jitter.PLUS_MINUS,
)
