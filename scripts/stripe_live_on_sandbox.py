"""Run the stripe_live suite against the training sandbox: proves the suite works, without network.

    python scripts/stripe_live_on_sandbox.py [pytest options]
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from pos_app.sandbox import SandboxServer, SandboxState

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request lines between the dots
    with SandboxServer(SandboxState()) as server:  # in memory; gone when the run ends
        env = {**os.environ, "STRIPE_TEST_API_BASE": server.url,
               "STRIPE_TEST_SECRET_KEY": server.secret_key, "STRIPE_TEST_PUBLISHABLE_KEY": server.publishable_key}
        return subprocess.call([sys.executable, "-m", "pytest", "tests/integration/stripe_live", "-m", "stripe_live",
                                *argv], env=env, cwd=REPO)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
