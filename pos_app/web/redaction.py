"""Blank out secrets in text bound for a log: Stripe keys, client secrets, the endpoint token.

Used for tracebacks the endpoint logs, and as a filter on werkzeug's access log, whose request
lines would otherwise record `?token=...` (the page's first URL) and the sandbox's
`?client_secret=...` queries.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    re.compile(r"\b(sk|rk)_(test|live)_[A-Za-z0-9_]+"),
    re.compile(r"\b(pi|seti)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+"),
    re.compile(r"(?i)(token|client_secret|key)=[^&\s\"']+"),
]
_extra_secrets: set[str] = set()


def add_secret(value: str | None) -> None:
    """Also blank this exact value (e.g. the per-launch token, the sandbox secret key)."""
    if value and len(value) >= 8:
        _extra_secrets.add(value)


def redact(text: str) -> str:
    for secret in list(_extra_secrets):
        text = text.replace(secret, "[redacted]")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) + "=[redacted]") if "=" in m.group(0) else "[redacted]", text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Filter werkzeug's access log (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
