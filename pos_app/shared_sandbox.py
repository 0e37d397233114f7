"""A shop's one training sandbox, shared by its tills as they would share one Stripe account (POS_SANDBOX_URL).

Each till in training mode starts a sandbox of its own in its process, unless POS_SANDBOX_URL
names the shop's: `pos-app sandbox --host ADDR --port N` on the shop server (or one till) serves
it and writes its keys file (0600), whose three lines go into every till's settings. Then every
till's PaymentIntents are in one place, as at Stripe: each till's start-up reconciliation finds its
own, and `pos-app report --shop` checks the whole shop's. The secret key is in that file and in the
tills' settings only: never printed, never logged, never in a repr.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pos_app.config import ConfigError

#: The keys file `pos-app sandbox` writes in its data folder (unless told another with --keys-file).
KEYS_FILE_NAME = "sandbox-keys.env"
SETTINGS = ("POS_SANDBOX_URL", "POS_SANDBOX_PUBLISHABLE_KEY", "POS_SANDBOX_SECRET_KEY")


@dataclass(frozen=True)
class SharedSandbox:
    """Where the shop's sandbox answers, and its keys (the secret one kept out of repr)."""

    url: str
    publishable_key: str
    secret_key: str = field(repr=False)


def shared_sandbox_setting(get: Callable[[str], str | None]) -> SharedSandbox | None:
    """The three POS_SANDBOX_* settings (all or none; training mode only), else ConfigError. The
    messages never repeat a key."""
    url, publishable, secret = (get(name) for name in SETTINGS)
    if not (url or publishable or secret):
        return None
    if not (url and publishable and secret):
        raise ConfigError("set POS_SANDBOX_URL, POS_SANDBOX_PUBLISHABLE_KEY and POS_SANDBOX_SECRET_KEY together (the "
                          "lines of the shop sandbox's keys file), or none (the till starts a sandbox of its own)")
    if get("STRIPE_SECRET_KEY"):
        raise ConfigError("POS_SANDBOX_URL is for training mode: with Stripe keys the tills share the Stripe account; "
                          "unset the POS_SANDBOX_* settings")
    if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?/?", url):
        raise ConfigError(f"POS_SANDBOX_URL must be the shop sandbox's address, like http://192.168.1.10:8477, "
                          f"got {url[:60]!r}")
    if not re.fullmatch(r"sk_test_[A-Za-z0-9]+", secret):
        raise ConfigError("POS_SANDBOX_SECRET_KEY must be the shop sandbox's sk_test_... key (from its keys file)")
    if not re.fullmatch(r"pk_test_[A-Za-z0-9]+", publishable):
        raise ConfigError("POS_SANDBOX_PUBLISHABLE_KEY must be the shop sandbox's pk_test_... key (from its keys file)")
    return SharedSandbox(url.rstrip("/"), publishable, secret)


def write_keys_file(path: Path, sandbox: SharedSandbox) -> None:
    """The settings lines a till needs to use this sandbox, readable by the owner only (it holds
    the secret key): copy them into each till's .env."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{name}={value}\n" for name, value in
                   zip(SETTINGS, (sandbox.url, sandbox.publishable_key, sandbox.secret_key)))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.chmod(path, 0o600)  # an older file may have had wider rights
        out.write(text)
