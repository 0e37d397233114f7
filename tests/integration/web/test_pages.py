"""The checkout and display pages as served (markup contract; the browser run is in test_checkout_page_browser)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from tests.integration.web.web_helpers import SECRET_KEYS

PAGE_IDS = {"lines", "amount", "card-element", "pay-button", "cancel-button", "payment-message", "spinner"}


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, dict] = {}
        self.scripts: list[dict] = []
        self.body: dict = {}
        self.inline_styles: list[str] = []
        self._in: str | None = None
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = {"tag": tag, **attrs}
            self._in = attrs["id"]
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "body":
            self.body = attrs
        if tag == "style" or "style" in attrs or any(a.startswith("on") for a in attrs):
            self.inline_styles.append(tag)

    def handle_data(self, data):
        if self._in:
            self.text[self._in] = self.text.get(self._in, "") + data

    def handle_endtag(self, tag):
        self._in = None


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.get_data(as_text=True))
    return parser


def test_without_a_payment_the_checkout_page_says_so(api):
    response = api.get("/checkout")
    assert response.status_code == 200
    page = parse(response)
    assert page.body["data-state"] == "error"
    assert "No payment in progress" in response.get_data(as_text=True)
    assert "payment-message" in page.ids
    assert not [s for s in page.scripts if s.get("src")]  # nothing to load


def test_the_checkout_page_renders_the_payment(api, services, skus):
    cart = api.post("/cart", {"items": {skus[0]: {"qty": 2}, skus[1]: {"qty": 1}}}).get_json()
    payment = api.post("/create-payment-intent").get_json()
    response = api.get("/checkout")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(response)
    assert set(page.ids) >= PAGE_IDS
    assert page.body["data-state"] == "loading"
    assert page.ids["pay-button"]["type"] == "submit"  # the form's default: Enter pays
    amount = f"${cart['total'] / 100:.2f}"
    assert page.text["amount"].strip() == amount
    assert f"Pay {amount}" in html
    for sku in skus[:2]:
        assert f'data-sku="{sku}"' in html
    config = json.loads(page.text["checkout-config"])
    assert config["clientSecret"] == payment["client_secret"]
    assert config["publishableKey"] == payment["publishable_key"]
    assert config["paymentIntent"] == payment["payment_intent"]
    assert config["amount"] == payment["amount"]
    for secret in SECRET_KEYS:
        assert secret not in html


def test_the_checkout_page_has_no_inline_script_or_style(api, services, skus):
    api.post("/cart", {"items": {skus[0]: {"qty": 1}}})
    api.post("/create-payment-intent")
    page = parse(api.get("/checkout"))
    srcs = [s["src"] for s in page.scripts if "src" in s]
    inline = [s for s in page.scripts if "src" not in s]
    assert all(s.get("type") == "application/json" for s in inline)
    assert srcs == [f"{services.sandbox_url}/v3/", "/static/checkout.js"]
    assert page.inline_styles == []


def test_the_page_s_data_cannot_break_out_of_its_json_block(api, services):
    from pos_app.domain.item import Item
    from pos_app.domain.money import Money
    services.store.catalogue.upsert([Item("evil", "</script><script>alert(1)</script>", Money(500, "usd"))])
    api.put("/cart/items/evil", {"qty": 1})
    api.post("/create-payment-intent")
    html = api.get("/checkout").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # escaped in the lines table


def test_the_display_page(api):
    response = api.get("/display")
    assert response.status_code == 200
    page = parse(response)
    assert {"display-lines", "display-total", "display-config", "display-tenders", "display-paid", "display-remaining",
            "display-change", "display-tendered", "display-change-due"} <= set(page.ids)
    config = json.loads(page.text["display-config"])
    assert config == {"cartUrl": "/cart", "currency": "usd", "digits": 2, "locale": "en-US", "pollMs": 1000}
    assert [s["src"] for s in page.scripts if "src" in s] == ["/static/display.js"]


@pytest.mark.parametrize("name,mimetype", [("checkout.js", "text/javascript"), ("display.js", "text/javascript"),
                                           ("pos.css", "text/css")])
def test_static_files_are_served_with_their_types(api, name, mimetype):
    response = api.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Cache-Control"] == "no-store"
