"""The Stripe API version the sandbox imitates, and the `Stripe-Version` header check.

PINNED is the version stripe-python (16.1.0) sends by default; the sandbox's object shapes are
that version's (checked against Stripe's published fixtures by the tests). Earlier monthly releases
of the same major release (endive) are accepted too: Stripe's monthly releases within a named major
release only add fields, so their clients read the pinned shapes unchanged. Anything else gets a
400: Stripe's own message for a version that does not exist, and the same status (with a sandbox
message) for a real but older major release whose shapes the sandbox does not model.
"""

from __future__ import annotations

from pos_app.sandbox.errors import invalid_request

PINNED = "2026-10-28.endive"
ACCEPTED = (PINNED, "2026-09-30.endive")
#: Versions Stripe has published (as stripe-python 16.1.0 lists them) that the sandbox refuses.
OLDER_MAJOR_RELEASES = (
    "2024-12-18.acacia", "2025-01-27.acacia", "2025-02-24.acacia", "2025-03-31.basil",
    "2025-04-30.basil", "2025-05-28.basil", "2025-06-30.basil", "2025-07-30.basil",
    "2025-08-27.basil", "2025-09-30.clover", "2025-10-29.clover", "2025-11-17.clover",
    "2025-12-15.clover", "2026-01-28.clover", "2026-02-25.clover", "2026-03-25.dahlia",
    "2026-04-22.dahlia", "2026-05-27.dahlia", "2026-06-24.dahlia", "2026-07-29.dahlia",
    "2026-08-26.dahlia",
)


def check_version(header: str | None) -> str:
    """The version a request asks for (PINNED when it names none), or Stripe's 400."""
    if header is None or header.strip() == "":
        return PINNED
    version = header.strip()
    if version in ACCEPTED:
        return version
    if version in OLDER_MAJOR_RELEASES:
        raise invalid_request(f"The training sandbox imitates Stripe API version {PINNED} (and "
                              f"{', '.join(ACCEPTED[1:])}); it cannot answer in version "
                              f"{version}.", param="Stripe-Version")
    raise invalid_request(f"Invalid Stripe API version: {version}")
