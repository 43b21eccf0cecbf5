"""Keeping the source keys out of every string that leaves a client, an alert or a log line.

The key travels in the query string (`crtfc_key=...`), so any URL, log line or exception text
is a potential leak. The client never puts the key on the request it logs (see sources/http/transport.py);
these helpers are the second line of defence for text that came from elsewhere.
"""

from __future__ import annotations

import hashlib
import re

from dart_assets.core.settings import SettingsError, get_settings

REDACTED = "***"
_KEY_PARAM = re.compile(r"(crtfc_key=)[^&\s'\"<>]*", re.IGNORECASE)
# Anything shaped like an OpenDART key, configured or not: alerts and logs leave the machine.
_KEY_LIKE = re.compile(r"\b[0-9A-Za-z]{40}\b")


def key_id(api_key: str) -> str:
    """A short, stable fingerprint that names a key in logs and tables without revealing it."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:12]


def redact(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with every `crtfc_key=` value and every literal secret replaced by `***`."""
    cleaned = _KEY_PARAM.sub(rf"\g<1>{REDACTED}", text)
    for secret in secrets:
        if secret:
            cleaned = cleaned.replace(secret, REDACTED)
    return cleaned


def redact_keys(text: str) -> str:
    """`text` without the configured keys, `crtfc_key=` values or 40-character key look-alikes."""
    try:
        keys = get_settings().api_keys
    except SettingsError:
        keys = ()
    return _KEY_LIKE.sub(REDACTED, redact(text, keys))
