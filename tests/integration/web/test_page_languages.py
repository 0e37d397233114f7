"""The checkout and display pages in the till's language: the server-rendered words (Jinja's i18n
extension) and the scripts' own words (the "page-texts" JSON block); English pages hand the scripts nothing."""

from __future__ import annotations

import json

import pytest

from pos_app import i18n
from tests.integration.web.test_pages import parse


@pytest.fixture
def german():
    i18n.use_locale("de_DE")
    yield
    i18n.use_locale("en_US")


def test_the_checkout_page_in_german(german, api, skus):
    api.post("/cart", {"items": {skus[0]: {"qty": 1}}})
    api.post("/create-payment-intent")
    response = api.get("/checkout")
    html = response.get_data(as_text=True)
    page = parse(response)
    assert '<html lang="de">' in html and "Zu zahlen" in html and "zahlen</span>" in html
    assert "Amount due" not in html and "Subtotal" not in html
    texts = json.loads(page.text["page-texts"])
    assert texts["Payment cancelled"] == "Zahlung abgebrochen"
    assert texts["Paid"] == "Bezahlt"


def test_the_display_page_in_german(german, api):
    response = api.get("/display")
    page = parse(response)
    html = response.get_data(as_text=True)
    assert "Vielen Dank!" in html and "Ihr Rückgeld" in html
    assert json.loads(page.text["page-texts"])["Reconnecting…"] == "Verbindung wird wiederhergestellt…"


def test_an_english_page_hands_its_scripts_no_texts(api):
    response = api.get("/display")
    assert json.loads(parse(response).text["page-texts"]) == {}
    assert "Thank you!" in response.get_data(as_text=True)
