"""The local endpoint: the seed's cart API, the checkout and display pages, and their guards.

create_app(local, checkout, {"TOKEN": token}) builds the Flask app; pos_app.serving.LoopbackServer runs
it on 127.0.0.1 (pos_app.core.AppCore wires both). See docs/http-api.md.
"""

from pos_app.web.app import create_app

__all__ = ["create_app"]
