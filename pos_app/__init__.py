"""pos-app: a desktop point-of-sale till taking card payments through Stripe."""

__version__ = "0.1.0"
