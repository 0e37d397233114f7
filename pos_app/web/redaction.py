"""Redactor: blank out secrets in text bound for a log (Stripe keys, client secrets, the endpoint token, PINs).

Each app has its own (`app.extensions["pos_redactor"]`, made by create_app with that app's token and
secret key): nothing is kept process-wide, so a second app in the process neither learns nor leaks
the first one's secrets. It redacts the tracebacks the endpoint logs, and the endpoint server's
access log lines (LoopbackServer(log_redact=...)), which would otherwise record `?token=...` (the
page's first URL) and the sandbox's `?client_secret=...` queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PATTERNS = [
    re.compile(r"\b(sk|rk)_(test|live)_[A-Za-z0-9_]+"),
    re.compile(r"\b(pi|seti)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+"),
    re.compile(r"(?i)(token|client_secret|key|pin)=[^&\s\"']+"),
]
#: A staff PIN in JSON text ({"pin": "1234"}, {"manager_pin": ...}): a traceback may quote a body.
_PIN_FIELD = re.compile(r"""(?i)(["']?(?:manager_)?pin["']?\s*[:=]\s*)(["'])[^"']*\2""")


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # Only values long enough to be secrets: a short one would blank ordinary words.
        self._secrets = frozenset(value for value in secrets if value and len(value) >= 8)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) + "=[redacted]") if "=" in m.group(0) else "[redacted]",
                               text)
        return _PIN_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]{m.group(2)}", text)
