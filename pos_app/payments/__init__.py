"""Card payments: the gateway to Stripe and the checkout service over it.

The PaymentGateway protocol and its errors (gateway.py), Stripe's adapter (stripe_gateway.py, the
only module importing stripe, converting amounts with domain/currencies.py), CheckoutService
(checkout.py, with intents.py, reconcile.py, refunding.py and events.py) and the review desk. The
refund rule itself is pure and lives in domain/refunds.py. See checkout.py's docstring for the
crash-safety rules."""
