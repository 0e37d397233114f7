"""The checkout page in a real browser engine (QtWebEngine), in plain-browser mode: no bridge,
so the page finalizes (or abandons) over HTTP itself. The embedded mode, through the window's
posBridge, is exercised by the payment dialog's tests in tests/gui.

The card fields live in the sandbox's cross-origin frame; these tests fill them with a script
run in that frame (QWebEngineFrame.runJavaScript) - what's under test is the host page.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView

from pos_app.config import Settings
from pos_app.core import AppCore
from pos_app.testing.plugin import ensure_open_shift
from pos_app.testing.webdriving import answer_challenge
from pos_app.testing.staff import log_in

pytestmark = [
    pytest.mark.gui,
    # The first web view of a headless run on a machine without GPU says so; not our page's fault.
    pytest.mark.qt_log_ignore("QRhiGles2", "Failed to create RHI"),
]

DECLINED = "4000000000000002"
SUCCEEDS = "4242424242424242"
THREE_D_SECURE = "4000002760003184"
_PENDING = object()


class RecordingPage(QWebEnginePage):
    """Keeps the page's console messages (CSP violations show up there)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.console: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt's name)
        self.console.append(f"{source}:{line}: {message}")


@pytest.fixture(scope="module")
def core(tmp_path_factory):
    settings = Settings.load(environ={}, env_file=None).with_(data_dir=tmp_path_factory.mktemp("page"))
    core = AppCore(settings).start()
    ensure_open_shift(core.local.store, settings)
    log_in(core.open())
    yield core
    core.stop()


@pytest.fixture
def payment(core):
    core.payments.checkout.abandon()
    core.local.carts.replace({"item1": 2, "item2": 1})
    return core.payments.checkout.prepare()


@pytest.fixture
def view(qtbot, core):
    view = QWebEngineView()
    page = RecordingPage(view)
    view.setPage(page)
    qtbot.addWidget(view)
    view.resize(640, 820)
    view.show()
    yield view
    view.close()
    view.setPage(None)
    page.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # before the profile goes


def run_js(qtbot, target, expression: str):
    box = [_PENDING]
    target.runJavaScript(f"JSON.stringify((function () {{ return ({expression}); }})())", 0,
                         lambda value: box.__setitem__(0, value))
    qtbot.waitUntil(lambda: box[0] is not _PENDING, timeout=5000)
    return json.loads(box[0]) if box[0] else None


def wait_state(qtbot, view, *states: str, timeout: int = 15000) -> str:
    seen = [None]

    def reached():
        seen[0] = run_js(qtbot, view.page(), "document.body.dataset.state")
        return seen[0] in states

    qtbot.waitUntil(reached, timeout=timeout)
    return seen[0]


def open_checkout(qtbot, view, core) -> None:
    view.load(QUrl(f"{core.url}/checkout?token={core.token}"))
    wait_state(qtbot, view, "ready")
    assert view.url().toString() == f"{core.url}/checkout"  # the token left the URL


def find_frame(qtbot, view, url_part: str):
    found = []

    def look() -> bool:
        found[:] = [f for f in view.page().mainFrame().children() if url_part in f.url().toString()]
        return bool(found)

    qtbot.waitUntil(look, timeout=10000)
    return found[0]


def enter_card(qtbot, view, number: str) -> None:
    frame = find_frame(qtbot, view, "elements-inner-card")
    run_js(qtbot, frame, """(function (values) {
        Object.keys(values).forEach(function (id) {
          var input = document.getElementById(id);
          input.focus();
          input.value = values[id];
          input.dispatchEvent(new Event('input', {bubbles: true}));
        });
        return true;
      })(%s)""" % json.dumps({"card-number": number, "card-expiry": "12 / 34", "card-cvc": "123"}))  # noqa: UP031


def click(qtbot, view, element_id: str) -> None:
    run_js(qtbot, view.page(), f"document.getElementById('{element_id}').click() || true")


def text_of(qtbot, view, element_id: str) -> str:
    return run_js(qtbot, view.page(), f"document.getElementById('{element_id}').textContent")


def no_csp_violations(view) -> None:
    assert not [m for m in view.page().console if "Content Security Policy" in m or "Refused to" in m]


def test_a_declined_card_then_a_good_one_completes_the_sale(qtbot, view, core, payment):
    open_checkout(qtbot, view, core)
    assert text_of(qtbot, view, "amount") == "$20.00"
    assert text_of(qtbot, view, "pay-label") == "Pay $20.00"

    enter_card(qtbot, view, DECLINED)
    click(qtbot, view, "pay-button")
    wait_state(qtbot, view, "declined")
    assert text_of(qtbot, view, "payment-message") == "Card declined. Ask for another card."
    assert run_js(qtbot, view.page(), "document.getElementById('pay-button').disabled") is False
    assert run_js(qtbot, view.page(), "document.getElementById('spinner').hidden") is True
    assert core.local.carts.snapshot().lines == {"item1": 2, "item2": 1}

    enter_card(qtbot, view, SUCCEEDS)
    click(qtbot, view, "pay-button")
    wait_state(qtbot, view, "succeeded")
    order = core.local.store.orders.by_intent(payment.payment_intent)
    assert order is not None and order.total == 2000
    assert f"Order {order.number}" in text_of(qtbot, view, "result-detail")
    assert core.local.carts.snapshot().empty
    no_csp_violations(view)


def test_an_incomplete_card_does_not_pay(qtbot, view, core, payment):
    open_checkout(qtbot, view, core)
    click(qtbot, view, "pay-button")
    assert text_of(qtbot, view, "payment-message")  # says what is missing
    assert run_js(qtbot, view.page(), "document.body.dataset.state") == "ready"


def test_cancel_abandons_the_payment(qtbot, view, core, payment):
    open_checkout(qtbot, view, core)
    click(qtbot, view, "cancel-button")
    wait_state(qtbot, view, "error")
    qtbot.waitUntil(lambda: not core.local.carts.snapshot().frozen, timeout=5000)
    assert "cancelled" in text_of(qtbot, view, "result-title").lower()
    no_csp_violations(view)


def test_3d_secure_shows_requires_action_until_the_challenge_is_done(qtbot, view, core, payment):
    open_checkout(qtbot, view, core)
    enter_card(qtbot, view, THREE_D_SECURE)
    click(qtbot, view, "pay-button")
    wait_state(qtbot, view, "requires_action")
    # A real click once the challenge has settled (a scripted click could come before its handlers).
    answer_challenge(qtbot, view, complete=True)
    wait_state(qtbot, view, "succeeded")
    assert core.local.store.orders.by_intent(payment.payment_intent) is not None
    no_csp_violations(view)


def test_no_payment_in_progress(qtbot, view, core):
    core.payments.checkout.abandon()
    view.load(QUrl(f"{core.url}/checkout?token={core.token}"))
    wait_state(qtbot, view, "error")
    assert "No payment in progress" in run_js(qtbot, view.page(), "document.body.textContent")


def test_the_display_follows_the_cart(qtbot, view, core):
    core.payments.checkout.abandon()
    core.local.carts.replace({"item3": 1})
    view.load(QUrl(f"{core.url}/display?token={core.token}"))
    wait_state(qtbot, view, "ready")
    qtbot.waitUntil(lambda: text_of(qtbot, view, "display-total") == "$15.00", timeout=5000)
    core.local.carts.set_qty("item3", 2)
    qtbot.waitUntil(lambda: text_of(qtbot, view, "display-total") == "$30.00", timeout=5000)
    no_csp_violations(view)


def visible(qtbot, view, element_id: str) -> bool:
    return run_js(qtbot, view.page(), f"!document.getElementById('{element_id}').closest('[hidden]')")


def test_the_display_shows_paid_and_left_then_the_change_until_the_next_sale(qtbot, view, core, tmp_path):
    checkout = core.payments.checkout
    checkout.abandon()
    core.local.carts.replace({"item1": 1, "item3": 2})  # 35.00
    view.resize(1280, 800)  # a customer display's screen
    view.load(QUrl(f"{core.url}/display?token={core.token}"))
    wait_state(qtbot, view, "ready")
    assert not visible(qtbot, view, "display-tenders") and not visible(qtbot, view, "display-change")

    checkout.take_cash(1000)
    qtbot.waitUntil(lambda: text_of(qtbot, view, "display-remaining") == "$25.00", timeout=5000)
    assert text_of(qtbot, view, "display-paid") == "$10.00" and visible(qtbot, view, "display-tenders")
    view.grab().save(str(tmp_path / "display-paying.png"))

    checkout.take_cash(5000)  # 25.00 due: 25.00 change
    qtbot.waitUntil(lambda: visible(qtbot, view, "display-change"), timeout=5000)
    assert text_of(qtbot, view, "display-change-due") == "$25.00"
    assert (text_of(qtbot, view, "display-tendered"), text_of(qtbot, view, "display-sale-total")) == ("$60.00",
                                                                                                     "$35.00")
    assert not visible(qtbot, view, "display-total")
    view.grab().save(str(tmp_path / "display-change.png"))

    core.local.carts.set_qty("item3", 1)  # the next sale starts
    qtbot.waitUntil(lambda: not visible(qtbot, view, "display-change"), timeout=5000)
    assert text_of(qtbot, view, "display-total") == "$15.00" and not visible(qtbot, view, "display-tenders")
    no_csp_violations(view)
