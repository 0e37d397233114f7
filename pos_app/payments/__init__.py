"""Card payments: the gateway to Stripe and the checkout service over it.

The PaymentGateway protocol and its errors (gateway.py), Stripe's adapter (stripe_gateway.py, the
only module importing stripe, converting amounts with domain/currencies.py), the per-line refund
rule (refunds.py), CheckoutService (checkout.py, with intents.py, reconcile.py, refunding.py and
events.py) and the review desk. See checkout.py's docstring for the crash-safety rules."""
