"""The opt-in suite against real Stripe test mode (marker stripe_live; skipped without test keys)."""
