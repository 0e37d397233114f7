"""Bad requests against a real endpoint on loopback: every one a 4xx JSON error naming what is wrong,
never a 500, and the cart unchanged; idle and half-open connections are closed, connections bounded."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings as hyp_settings, strategies as st

from pos_app.serving import LoopbackServer
from tests.integration.web.web_helpers import TOKEN, endpoint_app


@pytest.fixture
def endpoint(services):
    """The endpoint app on a real werkzeug server on 127.0.0.1 (short timeout, few connections)."""
    app = endpoint_app(services, {"TOKEN": TOKEN})
    server = LoopbackServer(app, name="endpoint", timeout_s=0.5, max_connections=3)
    server.start()
    app.config["ENDPOINT_URL"] = server.url
    yield server
    server.stop()


def raw_request(server, method: str, target: str, body: bytes | None = None) -> tuple[int, dict]:
    """One request with the target sent byte for byte (http.client would refuse some of them)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        conn.putheader("Authorization", f"Bearer {TOKEN}")
        if body is not None:
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


BAD = [
    ("PUT", "/cart/items/%ED%A0%80", b'{"qty": 1}', "unknown sku"),  # a surrogate's UTF-8 bytes in the path
    ("POST", "/cart", b'{"items": {"\\ud800": {"qty": 1}}}', "not valid Unicode"),  # a lone surrogate in a SKU
    ("PUT", "/cart/items/item1", b'{"qty": 1, "note": "\\udfff"}', "not valid Unicode"),
    ("GET", "/orders?limit=%C2%B2", None, "limit must be a whole number"),  # '²': isdigit() says yes
    ("GET", "/orders?limit=%D9%A1%D9%A2", None, "limit must be a whole number"),  # Arabic-Indic 12
    ("GET", "/orders?limit=" + "9" * 5000, None, "limit must be a whole number"),
    ("GET", "/orders?limit=%ED%A0%80", None, "limit must be a whole number"),
    ("POST", "/checkout/complete", b'{"payment_intent": "pi_\\ud800"}', "not valid Unicode"),
]


@pytest.mark.parametrize("method, target, body, message", BAD, ids=[t[:30] for _, t, _, _ in BAD])
def test_a_bad_request_is_a_4xx_json_error_and_changes_nothing(endpoint, services, method, target, body, message):
    before = services.carts.snapshot()
    status, answer = raw_request(endpoint, method, target, body)
    assert 400 <= status < 500 and message in answer["error"]["message"], (status, answer)
    after = services.carts.snapshot()
    assert (after.uuid, after.lines) == (before.uuid, before.lines)


@example(sku="\ud800", limit="")  # a lone surrogate: once a client-side failure in this very test
@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sku=st.text(st.characters(codec=None), max_size=30), limit=st.text(max_size=12))
def test_no_sku_or_limit_text_makes_the_endpoint_fail(api, sku, limit):
    # A path goes on the wire as percent-encoded bytes: a lone surrogate arrives as invalid UTF-8.
    path = quote(f"x{sku}", safe="", errors="surrogatepass")
    for response in (api.post("/cart", {"items": {sku: {"qty": 1}}}), api.put(f"/cart/items/{path}", {"qty": 1}),
                     api.get("/orders", query_string={"limit": limit})):
        assert response.status_code < 500, response.get_data()


def test_an_idle_connection_is_closed(endpoint):
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as idle:
        assert idle.recv(1) == b""  # the server hung up (its 0.5 s timeout), long before ours


def test_connections_are_bounded_and_freed_again(endpoint):
    held = [socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) for _ in range(3)]
    try:
        status, answer = raw_request(endpoint, "GET", "/cart")  # the 4th: refused at once, not queued
        assert status == 503 and "too many connections" in answer["error"]["message"]
    finally:
        for sock in held:
            sock.close()
    for _ in range(100):  # the server frees the three as it reads their end (a condition, not a sleep)
        status, _ = raw_request(endpoint, "GET", "/cart")
        if status == 200:
            break
    assert status == 200


def test_a_silent_tls_client_does_not_stop_the_server(services, tmp_path):
    """A client that connects and never says hello must not hold the accept loop (TLS handshake)."""
    from pos_app.web.tls import ensure_certificate, server_ssl_context

    cert = ensure_certificate(tmp_path)
    app = endpoint_app(services, {"TOKEN": TOKEN})
    server = LoopbackServer(app, name="endpoint", ssl_context=server_ssl_context(cert), timeout_s=5)
    server.start()
    app.config["ENDPOINT_URL"] = server.url
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10):  # says nothing
            context = ssl.create_default_context(cafile=str(cert.cert_path))
            context.check_hostname = False
            conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=3, context=context)
            conn.request("GET", "/cart", headers={"Authorization": f"Bearer {TOKEN}"})
            assert conn.getresponse().status == 200
            conn.close()
    finally:
        server.stop()
