"""The sandbox's Stripe.js lookalike, driven in a QWebEngineView like a cashier would.

A host page on a second origin loads <sandbox>/v3/, mounts the card Element and pays with
confirmCardPayment; the test types into the card iframe with real key events and checks the
outcome both in the page and through stripe-python against the sandbox.
"""

from __future__ import annotations

import json

import pytest
import stripe
from flask import Flask, Response
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView

from pos_app.sandbox import (SandboxServer, SandboxState,
                             create_sandbox_app)
from pos_app.serving import LoopbackServer
from tests.gui.stripejs_helpers import (answer_challenge, card_field_value, card_frame, challenge_frame,
                              click_element, focused_id, press, replace_card_number, run_js,
                              type_card, type_keys, wait_for_js)

pytestmark = [
    pytest.mark.gui,
    # Headless without a GPU: Qt tries OpenGL for the view's compositor, then falls back to software.
    pytest.mark.qt_log_ignore("QRhiGles2: Failed to create", "Failed to create RHI for backend"),
]

HOST_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title>
<link rel="stylesheet" href="/host.css">
<script src="{sandbox}/v3/"></script>
<script src="/host.js" defer></script>
</head><body data-pk="{pk}">
<form id="payment-form"><label for="card">Card</label>
<div id="card"></div><div id="card-errors" role="alert"></div>
<button id="pay-button" type="button">Pay</button></form>
</body></html>"""

HOST_CSS = """body { font-family: sans-serif; margin: 24px; background: #f6f9fc; }
#payment-form { background: #fff; padding: 20px; border-radius: 6px; max-width: 460px; }
label { display: block; margin-bottom: 8px; color: #6b7c93; font-size: 14px; }
.StripeElement { padding: 12px; border: 1px solid #cfd7df; border-radius: 4px; }
.StripeElement--focus { border-color: #80bdff; }
.StripeElement--invalid { border-color: #fa755a; }
#card-errors { min-height: 20px; margin-top: 8px; color: #fa755a; font-size: 14px; }"""

# Records what the page can learn; pay() is what a checkout page does.
HOST_JS = """
window.hostLog = {ready: false, events: [], focus: 0, blur: 0, result: null, csp: [], submits: 0};
document.addEventListener('submit', function (e) { e.preventDefault(); hostLog.submits += 1; });
document.addEventListener('securitypolicyviolation', function (e) {
  hostLog.csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
var stripe = Stripe(document.body.dataset.pk);
var card = stripe.elements().create('card', {style: {base: {fontSize: '16px', color: '#32325d',
  '::placeholder': {color: '#aab7c4'}}, invalid: {color: '#fa755a', iconColor: '#fa755a'}}});
card.on('ready', function () { hostLog.ready = true; });
card.on('focus', function () { hostLog.focus += 1; });
card.on('blur', function () { hostLog.blur += 1; });
card.on('change', function (e) {
  hostLog.events.push(e);
  document.getElementById('card-errors').textContent = e.error ? e.error.message : '';
});
card.mount('#card');
window.pay = function (clientSecret) {
  hostLog.result = null;
  stripe.confirmCardPayment(clientSecret, {payment_method: {card: card,
      billing_details: {name: 'Training till'}}})
    .then(function (result) {
      hostLog.result = result;
      document.getElementById('card-errors').textContent = result.error ? result.error.message : '';
    }, function (err) { hostLog.result = {thrown: String(err)}; });
};
"""


def host_app(sandbox_url: str, publishable_key: str) -> Flask:
    app = Flask("stripejs-host")
    csp = (f"default-src 'self'; script-src 'self' {sandbox_url}; frame-src {sandbox_url}; "
           "style-src 'self'; connect-src 'none'")

    @app.get("/")
    def index():
        html = HOST_HTML.format(sandbox=sandbox_url, pk=publishable_key)
        return Response(html, content_type="text/html", headers={"Content-Security-Policy": csp})

    @app.get("/host.js")
    def host_js():
        return Response(HOST_JS, content_type="application/javascript")

    @app.get("/host.css")
    def host_css():
        return Response(HOST_CSS, content_type="text/css")

    return app


@pytest.fixture(scope="module")
def sandbox():
    server = SandboxServer(SandboxState())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def host(sandbox):
    server = LoopbackServer(host_app(sandbox.url, sandbox.publishable_key), name="stripejs-host")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(sandbox):
    return stripe.StripeClient(sandbox.secret_key, base_addresses={"api": sandbox.url})


@pytest.fixture
def intent(client):
    return client.v1.payment_intents.create(
        params={"amount": 2500, "currency": "usd", "payment_method_types": ["card"]})


class ConsolePage(QWebEnginePage):
    """Keeps the page's console so a failing test can say what the JS said."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.console: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt API)
        self.console.append(f"{level.name}: {message} ({source}:{line})")


@pytest.fixture
def view(qtbot, host):
    view = QWebEngineView()
    page = ConsolePage(view)
    view.setPage(page)
    view.resize(640, 420)
    with qtbot.waitExposed(view):
        view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=15000) as loaded:
        view.load(QUrl(host.url + "/"))
    assert loaded.args == [True]
    wait_for_js(qtbot, page, "window.hostLog && hostLog.ready")
    yield view
    # Checked before closing: pytest-qt would discard widgets it owns before this runs.
    try:
        errors = [line for line in page.console if line.startswith("Error")]
        assert not errors, errors
        assert run_js(qtbot, page, "hostLog.csp") == []
    finally:
        view.close()
        page.deleteLater()
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def pay(qtbot, view, client_secret: str, *, complete_3ds: bool | None = None) -> dict:
    page = view.page()
    run_js(qtbot, page, f"pay({json.dumps(client_secret)})")
    if complete_3ds is not None:
        answer_challenge(qtbot, view, complete=complete_3ds)
    return wait_for_js(qtbot, page, "hostLog.result", timeout=15000)


def test_typed_card_confirms_the_payment(qtbot, view, client, intent):
    type_card(qtbot, view, "4242424242424242")

    assert card_field_value(qtbot, view.page(), "card-number") == "4242 4242 4242 4242"
    assert card_field_value(qtbot, view.page(), "card-expiry") == "12 / 34"
    last = run_js(qtbot, view.page(), "hostLog.events[hostLog.events.length - 1]")
    assert last["complete"] is True and last["brand"] == "visa" and last["value"] == {"postalCode": "42424"}

    result = pay(qtbot, view, intent.client_secret)

    assert "error" not in result
    assert result["paymentIntent"]["id"] == intent.id
    assert result["paymentIntent"]["status"] == "succeeded"
    settled = client.v1.payment_intents.retrieve(intent.id)
    assert settled.status == "succeeded"
    assert settled.amount_received == 2500


def test_decline_shows_message_and_same_intent_then_succeeds(qtbot, view, client, intent):
    type_card(qtbot, view, "4000000000000002")

    declined = pay(qtbot, view, intent.client_secret)

    error = declined["error"]
    assert error["type"] == "card_error"
    assert error["code"] == "card_declined"
    assert error["decline_code"] == "generic_decline"
    assert error["payment_intent"]["id"] == intent.id
    assert run_js(qtbot, view.page(), "document.getElementById('card-errors').textContent") \
        == error["message"]
    assert error["message"] == "Your card was declined."

    replace_card_number(qtbot, view, "4242424242424242")
    paid = pay(qtbot, view, intent.client_secret)

    assert paid["paymentIntent"]["status"] == "succeeded"
    assert client.v1.payment_intents.retrieve(intent.id).status == "succeeded"


def test_3d_secure_challenge_completed(qtbot, view, client, intent):
    type_card(qtbot, view, "4000002760003184")

    result = pay(qtbot, view, intent.client_secret, complete_3ds=True)

    assert result["paymentIntent"]["status"] == "succeeded"
    assert client.v1.payment_intents.retrieve(intent.id).status == "succeeded"
    # The modal is gone once the cashier has chosen.
    assert run_js(qtbot, view.page(), "document.querySelector('.__PrivateStripeChallenge')") is None


def test_3d_secure_challenge_failed_from_the_keyboard(qtbot, view, client, intent):
    type_card(qtbot, view, "4000002760003184")
    page = view.page()
    run_js(qtbot, page, f"pay({json.dumps(intent.client_secret)})")
    frame = challenge_frame(qtbot, page)
    qtbot.waitUntil(lambda: focused_id(qtbot, frame) == "complete-authentication", timeout=5000)

    press(view, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: focused_id(qtbot, frame) == "fail-authentication", timeout=5000)
    press(view, Qt.Key.Key_Return)
    result = wait_for_js(qtbot, page, "hostLog.result", timeout=15000)

    error = result["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "payment_intent_authentication_failure"
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"


def test_host_page_never_sees_the_card(qtbot, view, intent):
    type_card(qtbot, view, "4242424242424242")
    pay(qtbot, view, intent.client_secret)

    page = view.page()
    probe = run_js(qtbot, page, """(function () {
        var iframe = document.querySelector('#card iframe');
        var out = {contentDocument: iframe.contentDocument === null};
        try { iframe.contentWindow.document; out.windowDocument = 'readable'; }
        catch (e) { out.windowDocument = e.name; }
        out.everything = document.documentElement.outerHTML + JSON.stringify(hostLog);
        return out; })()""")
    assert probe["contentDocument"] is True
    assert probe["windowDocument"] == "SecurityError"
    # The page may learn the brand and last4 (Stripe.js tells it too), never the number.
    assert "4242424242424242" not in probe["everything"]
    assert "4242 4242" not in probe["everything"]


def test_tab_leaves_the_card_element_for_the_next_control(qtbot, view):
    type_card(qtbot, view, "4242424242424242")

    press(view, Qt.Key.Key_Tab)

    wait_for_js(qtbot, view.page(), "document.hasFocus() && document.activeElement.id === 'pay-button'")
    wait_for_js(qtbot, view.page(), "hostLog.blur >= 1")  # the page hears the element lost focus


def test_enter_in_the_card_field_submits_the_host_form(qtbot, view):
    type_card(qtbot, view, "4242424242424242")

    press(view, Qt.Key.Key_Return)

    wait_for_js(qtbot, view.page(), "hostLog.submits === 1")  # like Stripe's Elements: Enter submits


def test_validation_messages_as_stripe_words_them(qtbot, view, intent):
    page = view.page()
    frame = card_frame(qtbot, page)
    click_element(qtbot, view, frame, "#card-number", expect_focus="card-number")
    type_keys(view, "4242424242424241")
    assert wait_for_js(qtbot, page, "hostLog.events.length && hostLog.events[hostLog.events.length - 1].error"
                       )["message"] == "Your card number is invalid."
    assert focused_id(qtbot, frame) == "card-number"  # an invalid number does not advance

    press(view, Qt.Key.Key_Backspace)
    type_keys(view, "2")
    qtbot.waitUntil(lambda: focused_id(qtbot, frame) == "card-expiry", timeout=5000)
    type_keys(view, "0120")
    # Keys land asynchronously: wait for the event they cause, then check all of it.
    error = wait_for_js(qtbot, page, "(function (e) { return e && e.code === 'invalid_expiry_year_past'"
                                     " && e; })(hostLog.events[hostLog.events.length - 1].error)")
    assert error == {"type": "validation_error", "code": "invalid_expiry_year_past",
                     "message": "Your card's expiration year is in the past."}
    assert set(run_js(qtbot, page, "document.getElementById('card').className").split()) \
        == {"StripeElement", "StripeElement--invalid", "StripeElement--focus"}

    result = pay(qtbot, view, intent.client_secret)
    assert result["error"]["type"] == "validation_error"
    assert result["error"]["code"] == "invalid_expiry_year_past"


def test_incomplete_card_is_refused_before_any_request(qtbot, view, client, intent):
    result = pay(qtbot, view, intent.client_secret)

    assert result["error"] == {"type": "validation_error", "code": "incomplete_number",
                               "message": "Your card number is incomplete."}
    assert client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"


def test_retrieve_payment_intent_and_key_checks(qtbot, view, intent):
    page = view.page()
    run_js(qtbot, page, f"""stripe.retrievePaymentIntent({json.dumps(intent.client_secret)})
        .then(function (r) {{ window.retrieved = r; }})""")
    retrieved = wait_for_js(qtbot, page, "window.retrieved")
    assert retrieved["paymentIntent"]["id"] == intent.id
    assert retrieved["paymentIntent"]["amount"] == 2500

    thrown = run_js(qtbot, page, """['', 'sk_test_123', 'nonsense'].map(function (key) {
        try { Stripe(key); return 'accepted'; } catch (e) { return e.name + ': ' + e.message; } })""")
    assert thrown == [
        "IntegrationError: Please call Stripe() with your publishable key. You used an empty string.",
        "IntegrationError: You should not use your secret key with Stripe.js.\n"
        "Please pass a publishable key instead.",
        "IntegrationError: Invalid API Key provided: nonsense",
    ]


@pytest.mark.parametrize("path, content_type", [
    ("/v3/", "application/javascript"),
    ("/v3/elements-inner-card.html", "text/html"),
    ("/v3/controller.html", "text/html"),
    ("/v3/3ds/challenge?payment_intent=pi_123", "text/html"),
])
def test_served_with_own_csp_and_no_caching(path, content_type):
    http = create_sandbox_app(SandboxState()).test_client()

    response = http.get(path)

    assert response.status_code == 200
    assert response.mimetype == content_type
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if content_type == "text/html":
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors *" in csp


@pytest.mark.parametrize("path, status", [
    ("/v3/../app.py", 404),
    ("/v3/stripe.js.map", 404),
    ("/v3/3ds/challenge", 400),
    ("/v3/3ds/challenge?payment_intent=pi_1%3Cscript%3E", 400),
])
def test_serves_nothing_else(path, status):
    assert create_sandbox_app(SandboxState()).test_client().get(path).status_code == status
