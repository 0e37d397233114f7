"""Card payments: the gateway to Stripe and the checkout service over it.

The PaymentGateway protocol and its errors (gateway.py), Stripe's adapter (stripe_gateway.py, the
only module importing stripe), Stripe's currency rules and amount scale (currencies.py), the
per-line refund rule (refunds.py) and CheckoutService (checkout.py: prepare, finalize, abandon,
reconcile, refund). See checkout.py's docstring for the crash-safety rules."""
