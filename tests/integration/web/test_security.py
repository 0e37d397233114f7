"""The endpoint's guards: token, Host and Origin allow-list, CSP, no CORS, no secret in any answer."""

from __future__ import annotations

import pytest

from pos_app.config import Settings

from tests.integration.web.web_helpers import (ENDPOINT, SECRET_KEYS, SUCCEEDS, TOKEN, ApiClient, build_services,
                                               confirm_as_browser, endpoint_app)

ROUTES = [
    ("GET", "/cart"), ("POST", "/cart"), ("PUT", "/cart/items/cola"), ("DELETE", "/cart/items/cola"),
    ("POST", "/create-payment-intent"), ("POST", "/checkout/complete"), ("POST", "/checkout/abandon"),
    ("GET", "/orders"), ("GET", "/checkout"), ("GET", "/display"), ("GET", "/static/checkout.js"),
    ("GET", "/static/pos.css"), ("GET", "/no-such-page"),
]


def _cart_unchanged(api, before):
    assert api.get("/cart").get_json() == before


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_route_needs_the_token(api, method, path):
    before = api.get("/cart").get_json()
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer "}):
        response = api.request(method, path, auth=False, headers=headers, json_body={"items": {}})
        assert response.status_code == 401, (headers, response.status_code)
        assert "token" in response.get_json()["error"]["message"]
    _cart_unchanged(api, before)


def test_the_bearer_scheme_is_case_insensitive(api):
    assert api.get("/cart", auth=False, headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200


@pytest.mark.parametrize("base_url", [
    "http://evil.example:48123", "http://127.0.0.1:48124", "http://localhost.evil.example:48123",
    "http://127.0.0.2:48123", "http://[::1]:48123", "https://127.0.0.1:48123",
])
def test_a_foreign_host_is_refused(api, base_url):
    before = api.get("/cart").get_json()
    for method, path in ROUTES:
        response = api.request(method, path, base_url=base_url, json_body={"items": {}})
        assert response.status_code == 403, (method, path)
    _cart_unchanged(api, before)


def test_localhost_is_the_same_endpoint(api):
    assert api.get("/cart", base_url="http://localhost:48123").status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:48124",
                                    "https://127.0.0.1:48123", "http://127.0.0.1"])
def test_a_foreign_origin_is_refused(api, skus, origin):
    before = api.get("/cart").get_json()
    response = api.post("/cart", {"items": {skus[0]: {"qty": 1}}}, headers={"Origin": origin})
    assert response.status_code == 403
    assert api.get("/cart", headers={"Origin": origin}).status_code == 403
    _cart_unchanged(api, before)


def test_the_sandbox_origin_cannot_call_the_endpoint(api, services, skus):
    # The card frames talk to the sandbox, never to the endpoint: nothing to allow.
    response = api.post("/cart", {"items": {skus[0]: {"qty": 1}}}, headers={"Origin": services.sandbox_url})
    assert response.status_code == 403


@pytest.mark.parametrize("origin", ["http://127.0.0.1:48123", "http://localhost:48123"])
def test_the_endpoint_s_own_origin_is_allowed(api, skus, origin):
    response = api.post("/cart", {"items": {skus[0]: {"qty": 1}}}, headers={"Origin": origin})
    assert response.status_code == 200


def test_cross_site_fetch_metadata_is_refused(api):
    assert api.get("/cart", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert api.get("/cart", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_there_is_no_cors(api):
    preflight = api.request("OPTIONS", "/cart", auth=False, headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403
    for response in (preflight, api.get("/cart"), api.post("/cart", {"items": {}})):
        assert not [h for h in response.headers.keys() if h.lower().startswith("access-control-")]  # noqa: SIM118 (Headers iterates (name, value) pairs)


def test_until_the_endpoint_knows_its_address_every_request_is_refused(services):
    app = endpoint_app(services, {"TOKEN": TOKEN})
    response = ApiClient(app.test_client()).get("/cart")
    assert response.status_code == 503


def test_create_app_needs_a_real_token(services):
    for token in (None, "", "short"):
        with pytest.raises(ValueError):
            endpoint_app(services, {"TOKEN": token, "ENDPOINT_URL": ENDPOINT})


@pytest.mark.parametrize("page", ["/checkout", "/display"])
def test_the_page_token_is_swapped_for_a_strict_httponly_cookie(app, page):
    client = app.test_client()
    response = client.get(f"{page}?token={TOKEN}", base_url=ENDPOINT)
    assert response.status_code == 303
    assert response.headers["Location"] == page
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # The cookie alone now opens the page, its static files and the API it polls.
    for path in (page, "/static/pos.css", "/cart"):
        with client.get(path, base_url=ENDPOINT) as followed:
            assert followed.status_code == 200, path


def test_a_wrong_page_token_sets_no_cookie(app):
    client = app.test_client()
    response = client.get("/checkout?token=nope", base_url=ENDPOINT)
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
    assert client.get("/checkout", base_url=ENDPOINT).status_code == 401


def test_the_token_in_a_query_opens_nothing_but_the_pages(app):
    client = app.test_client()
    assert client.get(f"/cart?token={TOKEN}", base_url=ENDPOINT).status_code == 401
    assert client.get(f"/static/pos.css?token={TOKEN}", base_url=ENDPOINT).status_code == 401


def test_a_cookie_from_another_launch_is_refused(app):
    client = app.test_client()
    client.set_cookie("pos_token", "an-older-launch-token-" + "y" * 20, domain="127.0.0.1")
    assert client.get("/cart", base_url=ENDPOINT).status_code == 401


EXPECTED_CSP = {"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"}


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d for d in (part.strip() for part in policy.split(";"))}


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_answer_carries_the_csp(api, method, path):
    for response in (api.request(method, path, json_body={}), api.request(method, path, auth=False)):
        csp = _csp(response)
        assert set(csp.values()) >= EXPECTED_CSP
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_training_mode_allows_stripe_js_only_from_the_sandbox(api, services):
    csp = _csp(api.get("/cart"))
    origin = services.sandbox_url
    assert csp["script-src"] == f"script-src 'self' {origin}"
    assert csp["frame-src"] == f"frame-src {origin}"
    assert csp["connect-src"] == f"connect-src 'self' {origin}"
    assert "js.stripe.com" not in api.get("/cart").headers["Content-Security-Policy"]


def test_test_mode_allows_stripe_js_only_from_stripe(tmp_path, sandbox):
    settings = Settings(data_dir=tmp_path, stripe_secret_key="sk_test_abc123", stripe_publishable_key="pk_test_abc123")
    services = build_services(settings, sandbox.url, None)
    try:
        api = ApiClient(endpoint_app(services, {"TOKEN": TOKEN, "ENDPOINT_URL": ENDPOINT}).test_client())
        csp = _csp(api.get("/cart"))
        assert csp["script-src"] == "script-src 'self' https://js.stripe.com"
        assert csp["frame-src"] == "frame-src https://js.stripe.com https://hooks.stripe.com"
        assert csp["connect-src"] == "connect-src 'self' https://api.stripe.com"
        api.put("/cart/items/cola", {"qty": 2})
        payment = api.post("/create-payment-intent").get_json()
        page = api.get("/checkout").get_data(as_text=True)
        assert '<script src="https://js.stripe.com/v3/"></script>' in page
        assert payment["client_secret"] in page
        assert "sk_test_abc123" not in page
        assert all("sk_test_abc123" not in r.get_data(as_text=True) + str(r.headers) for r in api.responses)
    finally:
        services.store.close()


def test_no_answer_ever_carries_the_secret_key(api, services, skus):
    api.get("/cart")
    api.post("/cart", {"items": {skus[0]: {"qty": 2}}})
    api.put(f"/cart/items/{skus[1]}", {"qty": 1})
    payment = api.post("/create-payment-intent").get_json()
    api.get("/checkout")
    api.get("/display")
    api.get("/static/checkout.js")
    api.post("/cart", {"items": {}})  # 409
    confirm_as_browser(services, payment["client_secret"], SUCCEEDS)
    api.post("/checkout/complete", {"payment_intent": payment["payment_intent"]})
    api.get("/orders")
    api.post("/create-payment-intent")  # 400 empty cart
    api.post("/cart", data=b"{", content_type="application/json")
    api.get("/cart", auth=False)
    seen = [r.get_data(as_text=True) + str(r.headers) for r in api.responses]
    assert len(seen) == 13
    for secret in SECRET_KEYS:
        assert not [text for text in seen if secret in text]
    assert not [text for text in seen if "sk_test_" in text or "sk_live_" in text]


def test_an_internal_error_answers_500_and_logs_no_secret(api, services, caplog, monkeypatch):
    def broken():
        raise RuntimeError(f"boom with {SECRET_KEYS[0]} and pi_123_secret_abc and token={TOKEN}")

    monkeypatch.setattr(services.checkout, "prepare", broken)
    response = api.post("/create-payment-intent")
    assert response.status_code == 500
    assert response.get_json() == {"error": {"message": "internal error"}}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged
    for secret in (SECRET_KEYS[0], "pi_123_secret_abc", TOKEN):
        assert secret not in logged
