"""CheckoutPage's allow-list and PaymentBridge's distrust, without loading a page."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QUrl

from pos_app.qt.bridge import PaymentBridge
from pos_app.qt.checkout_page import CheckoutPage, normalize_fingerprint
from pos_app.qt.web_engine import checkout_profile, qwebchannel_source

pytestmark = pytest.mark.gui

ENDPOINT = "http://127.0.0.1:5123"
SANDBOX = "http://127.0.0.1:6123"


@pytest.fixture
def page(qapp):
    page = CheckoutPage(checkout_profile(), ENDPOINT, sandbox_url=SANDBOX)
    yield page
    shiboken6.delete(page)  # now: a page must not outlive the web engine profile


@pytest.mark.parametrize(("url", "main", "allowed"), [
    (ENDPOINT + "/checkout", True, True),
    (ENDPOINT + "/static/checkout.js", False, True),
    ("http://127.0.0.1:5124/checkout", True, False),  # another port is another origin
    ("https://127.0.0.1:5123/checkout", True, False),  # another scheme too
    ("https://evil.example/", True, False),
    ("https://js.stripe.com/v3/elements-inner-card.html", True, False),  # Stripe never as the main frame
    ("https://js.stripe.com/v3/elements-inner-card.html", False, True),
    ("https://hooks.stripe.com/3d_secure", False, True),
    ("https://m.stripe.network/inner.html", False, True),
    ("https://stripe.com.evil.example/", False, False),
    ("http://js.stripe.com/v3/", False, False),  # not over https
    (SANDBOX + "/v3/elements-inner-card.html", False, True),
    (SANDBOX + "/v3/", True, False),
    ("about:blank", False, True),
    ("file:///etc/passwd", False, False),
])
def test_navigation_allow_list(page, url, main, allowed):
    assert page.allows(QUrl(url), main) is allowed


@pytest.mark.parametrize(("url", "main", "allowed"), [
    ("https://acs.somebank.example/3ds/challenge", False, True),  # the issuer's page inside Stripe's frame
    ("https://acs.somebank.example/3ds/challenge", True, False),
    ("http://acs.somebank.example/3ds/challenge", False, False),
    ("file:///etc/passwd", False, False),
])
def test_with_real_stripe_a_banks_3ds_frame_may_load(qapp, url, main, allowed):
    live = CheckoutPage(checkout_profile(), ENDPOINT)
    try:
        assert live.allows(QUrl(url), main) is allowed
    finally:
        shiboken6.delete(live)


def test_training_keeps_sub_frames_to_the_sandbox(page):
    assert page.allows(QUrl("https://acs.somebank.example/3ds"), False) is False


def test_refused_navigation_is_recorded(page):
    assert page.acceptNavigationRequest(QUrl("https://evil.example/x?card=1"), 0, True) is False
    assert page.blocked == ["https://evil.example/x"]  # logged without the query


def test_fingerprints_compare_without_colons_or_case():
    assert normalize_fingerprint("AB:CD:EF") == normalize_fingerprint("abcdef") == "abcdef"


def test_the_bridge_ignores_a_page_that_is_not_the_checkout_page(qtbot):
    trusted = [False]
    bridge = PaymentBridge(lambda: trusted[0])
    with qtbot.assertNotEmitted(bridge.payment_succeeded):
        bridge.report_succeeded("pi_123")
    trusted[0] = True
    with qtbot.waitSignal(bridge.payment_succeeded) as succeeded:
        bridge.report_succeeded("pi_123")
    assert succeeded.args == ["pi_123"]
    with qtbot.assertNotEmitted(bridge.state_changed):
        bridge.report_state("hacked")
    assert bridge.state == "loading"


def test_qwebchannel_js_is_read_from_qt_resources(qapp):
    assert "QWebChannel" in qwebchannel_source()
