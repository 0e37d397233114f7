"""Drive a page in a QWebEngineView as a person does, with real mouse and key events.

The card iframe of Stripe.js (or the training sandbox's lookalike) and its 3-D Secure challenge.

The card fields live in a cross-origin iframe, so a test can neither fill them from the host
page nor should it: it clicks into them and types with real key events. The technique:

1. Find the frame: QWebEnginePage.mainFrame().children() (PySide6 >= 6.8) lists the iframes as
   QWebEngineFrame objects, each with url(), name() and runJavaScript().
2. Find where an element is on screen: the <iframe> element's rect in the main frame (by its
   name, which Stripe.js-like scripts set to the frame's name) plus the element's rect inside the
   frame, both through runJavaScript, scaled by the page's zoom factor.
3. Click there with QTest.mouseClick on view.focusProxy() (the widget Chromium renders into and
   takes input from), wait until the frame reports the element focused, then QTest.keyClicks
   on focusProxy() to type.

Everything waits with qtbot.waitUntil; nothing sleeps.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEngineFrame, QWebEnginePage

MAIN_WORLD = 0
_PENDING = object()


def run_js(qtbot, target: QWebEnginePage | QWebEngineFrame, expression: str, timeout: int = 5000):
    """Evaluate a JS expression in a page's main frame or in one frame and return its value.

    The value travels as JSON: PySide6 6.12's runJavaScript hands arrays and objects back as ''.
    """
    box: list[Any] = [_PENDING]

    def store(value):
        box[0] = value

    script = f"JSON.stringify((function () {{ return ({expression}); }})())"
    target.runJavaScript(script, MAIN_WORLD, store)
    qtbot.waitUntil(lambda: box[0] is not _PENDING, timeout=timeout)
    return json.loads(box[0]) if box[0] else None


def wait_for_js(qtbot, target, expression: str, timeout: int = 10000):
    """Wait until a JS expression is truthy in target; return its value."""
    found = [None]

    def check():
        found[0] = run_js(qtbot, target, expression)
        return bool(found[0])

    qtbot.waitUntil(check, timeout=timeout)
    return found[0]


def all_frames(page: QWebEnginePage) -> list[QWebEngineFrame]:
    frames, stack = [], [page.mainFrame()]
    while stack:
        frame = stack.pop()
        frames.append(frame)
        stack.extend(frame.children())
    return frames


def find_frame(qtbot, page: QWebEnginePage, url_part: str, timeout: int = 10000) -> QWebEngineFrame:
    """The first frame whose URL contains url_part (e.g. "elements-inner-card"), once it exists."""
    found: list[QWebEngineFrame] = []

    def look():
        found[:] = [f for f in all_frames(page) if f.isValid() and url_part in f.url().toString()]
        return bool(found)

    qtbot.waitUntil(look, timeout=timeout)
    return found[0]


_RECT_JS = ("(function (el) { if (!el) return null; var r = el.getBoundingClientRect();"
            " return [r.left + (el.clientLeft || 0), r.top + (el.clientTop || 0), r.width, r.height];"
            " })(document.querySelector(%s))")
# Is the element (or a child of it) what a click at (x, y) would hit, in its own frame?
_HIT_JS = ("(function (el, hit) { return !!el && !!hit && (el === hit || el.contains(hit)); })"
           "(document.querySelector(%s), document.elementFromPoint(%r, %r))")


def _measure(qtbot, page: QWebEnginePage, frame: QWebEngineFrame, selector: str):
    """(x, y) of selector's centre in the main frame's CSS pixels and whether a click there hits it."""
    x, y, iframe_selector = 0.0, 0.0, json.dumps(f'iframe[name="{frame.name()}"]')
    if not frame.isMainFrame():
        iframe = run_js(qtbot, page, _RECT_JS % iframe_selector)
        assert iframe, f"no <iframe> named {frame.name()} in the main frame"
        x, y = iframe[0], iframe[1]
    inner = run_js(qtbot, frame, _RECT_JS % json.dumps(selector))
    assert inner, f"{selector} not found in {frame.url().toString()}"
    cx, cy = inner[0] + inner[2] / 2, inner[1] + inner[3] / 2
    hits = run_js(qtbot, frame, _HIT_JS % (json.dumps(selector), cx, cy))
    if hits and not frame.isMainFrame():
        hits = run_js(qtbot, page, _HIT_JS % (iframe_selector, x + cx, y + cy))
    return (x + cx, y + cy), bool(hits)


def _to_view(page: QWebEnginePage, point) -> QPoint:
    zoom = page.zoomFactor()
    return QPoint(round(point[0] * zoom), round(point[1] * zoom))


def element_center(qtbot, page: QWebEnginePage, frame: QWebEngineFrame, selector: str) -> QPoint:
    """Where, in view coordinates, the centre of selector inside frame (a child of the main frame) is."""
    return _to_view(page, _measure(qtbot, page, frame, selector)[0])


def settled_center(qtbot, page: QWebEnginePage, frame: QWebEngineFrame, selector: str,
                   timeout: int = 5000) -> QPoint:
    """element_center() once the element has stopped moving and a click there would hit it.

    A frame that grows as it fills in (text arriving after it said ready) moves what is in it;
    a click aimed a moment earlier would land on whatever moved under the pointer.
    """
    seen: list = [None, None]  # the last position, the settled one

    def settled() -> bool:
        point, hits = _measure(qtbot, page, frame, selector)
        seen[:] = [point if hits else None, point if hits and point == seen[0] else None]
        return seen[1] is not None

    qtbot.waitUntil(settled, timeout=timeout)
    return _to_view(page, seen[1])


def scroll_into_view(qtbot, page: QWebEnginePage, selector: str) -> None:
    """Scroll the main frame so selector is in the middle of the view (a long cart pushes it down)."""
    run_js(qtbot, page, f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}}), true")


def click(qtbot, view, point: QPoint) -> None:
    target = view.focusProxy()
    QTest.mouseMove(target, point)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def focused_id(qtbot, frame: QWebEngineFrame) -> str | None:
    return run_js(qtbot, frame, "document.hasFocus() && document.activeElement"
                                " ? document.activeElement.id : null")


def click_element(qtbot, view, frame: QWebEngineFrame, selector: str, expect_focus: str | None = None,
                  timeout: int = 5000) -> None:
    """Click the element with a real mouse event; if expect_focus (an id), wait until it has focus.

    A click sent while Chromium is still wiring up a new cross-origin frame's hit-testing can be
    lost, so with expect_focus it is repeated (at most 3 times) until focus proves it landed.
    """
    for attempt in range(3):
        click(qtbot, view, settled_center(qtbot, view.page(), frame, selector, timeout))
        if not expect_focus:
            return
        try:
            qtbot.waitUntil(lambda: focused_id(qtbot, frame) == expect_focus, timeout=timeout // 3)
            return
        except qtbot.TimeoutError:
            if attempt == 2:
                raise


def type_keys(view, text: str) -> None:
    """Type text with real key events into whatever has focus in the view."""
    QTest.keyClicks(view.focusProxy(), text)


def press(view, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(view.focusProxy(), key, modifier)


# ---- the card Element and the 3-D Secure challenge

CARD_FRAME = "elements-inner-card"
CHALLENGE_FRAME = "/v3/3ds/challenge"


def card_frame(qtbot, page) -> QWebEngineFrame:
    return find_frame(qtbot, page, CARD_FRAME)


def card_field_value(qtbot, page, field_id: str) -> str:
    """What a card input shows (tests may look inside the frame; the host page cannot)."""
    return run_js(qtbot, card_frame(qtbot, page), f"document.getElementById('{field_id}').value")


def type_card(qtbot, view, number: str, expiry: str = "1234", cvc: str = "123",
              postal: str | None = "42424") -> None:
    """Click into the card number and type a whole card; the element advances field to field."""
    frame = card_frame(qtbot, view.page())
    click_element(qtbot, view, frame, "#card-number", expect_focus="card-number")
    type_keys(view, number + expiry + cvc + (postal or ""))
    last = "card-postal" if postal is not None else "card-cvc"
    qtbot.waitUntil(lambda: focused_id(qtbot, frame) == last, timeout=5000)


def replace_card_number(qtbot, view, number: str) -> None:
    frame = card_frame(qtbot, view.page())
    click_element(qtbot, view, frame, "#card-number", expect_focus="card-number")
    press(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_keys(view, number)


CHALLENGE_OVERLAY = ".__PrivateStripeChallenge"


def challenge_frame(qtbot, page, timeout: int = 10000) -> QWebEngineFrame:
    """The 3-D Secure challenge's frame, once the modal is shown, sized and focused."""
    wait_for_js(qtbot, page, f"!!document.querySelector('{CHALLENGE_OVERLAY}[data-state=ready]')",
                timeout=timeout)
    return find_frame(qtbot, page, CHALLENGE_FRAME, timeout=timeout)


def challenge_open(qtbot, page) -> bool:
    return run_js(qtbot, page, f"!!document.querySelector('{CHALLENGE_OVERLAY}')")


def answer_challenge(qtbot, view, complete: bool, timeout: int = 10000) -> None:
    """Click "Complete authentication" or "Fail authentication"; returns once the modal closed.

    The buttons disable themselves on the first click, so repeating a click that did not land
    (see click_element) cannot answer twice.
    """
    page = view.page()
    frame = challenge_frame(qtbot, page, timeout=timeout)
    button = "#complete-authentication" if complete else "#fail-authentication"
    try:  # the amount comes in after the challenge says ready, and pushes the buttons down
        wait_for_js(qtbot, frame, "!document.getElementById('challenge-amount').hidden", timeout=timeout // 3)
    except qtbot.TimeoutError:
        pass  # a challenge that cannot show the amount still takes an answer
    for attempt in range(3):
        click(qtbot, view, settled_center(qtbot, page, frame, button, timeout))
        try:
            qtbot.waitUntil(lambda: not challenge_open(qtbot, page), timeout=timeout // 3)
            return
        except qtbot.TimeoutError:
            if attempt == 2:
                raise
