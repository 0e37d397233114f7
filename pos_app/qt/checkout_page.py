"""The checkout page's QWebEnginePage: where it may go, what it logs, which certificate it takes.

- Navigation: the main frame stays on the local endpoint; sub-frames may also be Stripe's
  (*.stripe.com, *.stripe.network: the card Element and 3-D Secure) or the training sandbox's.
  With real Stripe (test/live), any https sub-frame is allowed: a card issuer's 3-D Secure page
  loads from the bank's own domain inside Stripe's frame. The page's own CSP (frame-src) still
  limits what the checkout page itself may frame to Stripe.
- Console messages go to the logging module (never to stdout, never with card data: the card
  fields live in Stripe's frames, whose console the page does not see).
- TLS: the endpoint's self-signed certificate (live mode) is accepted only if its SHA-256
  fingerprint is the one the app made; every other certificate error is refused.
- Pop-up windows are refused.
"""

from __future__ import annotations

import hashlib
import logging

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEngineCertificateError, QWebEnginePage, QWebEngineProfile

log = logging.getLogger(__name__)
console_log = logging.getLogger("pos_app.qt.checkout_page.console")

STRIPE_DOMAINS = ("stripe.com", "stripe.network")
BLANK_FRAMES = frozenset({"about:blank", "about:srcdoc"})

_CONSOLE_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.INFO,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
}


def origin_of(url: QUrl | str) -> tuple[str, str, int]:
    url = QUrl(url)
    scheme = url.scheme().lower()
    return scheme, url.host().lower(), url.port(443 if scheme == "https" else 80)


def without_query(url: QUrl) -> str:
    """A URL fit for the log: no query (the checkout URL's carries the launch token)."""
    clean = QUrl(url)
    clean.setQuery(None)
    clean.setFragment(None)
    return clean.toString()


def normalize_fingerprint(text: str) -> str:
    return text.replace(":", "").strip().lower()


def is_stripe_url(url: QUrl) -> bool:
    host = url.host().lower()
    return url.scheme() == "https" and any(host == d or host.endswith("." + d) for d in STRIPE_DOMAINS)


class CheckoutPage(QWebEnginePage):
    def __init__(self, profile: QWebEngineProfile, endpoint_url: str, *, sandbox_url: str | None = None,
                 certificate_fingerprint: str | None = None, parent=None) -> None:
        super().__init__(profile, parent)
        self._endpoint = origin_of(endpoint_url)
        self._sandbox = origin_of(sandbox_url) if sandbox_url else None
        self._fingerprint = normalize_fingerprint(certificate_fingerprint) if certificate_fingerprint else None
        self.blocked: list[str] = []  # URLs refused, for the log and for tests
        self.certificateError.connect(self._on_certificate_error)

    # -- where the page may go -----------------------------------------------------------------

    def is_endpoint(self, url: QUrl) -> bool:
        return origin_of(url) == self._endpoint

    def allows(self, url: QUrl, is_main_frame: bool) -> bool:
        if self.is_endpoint(url):
            return True
        if is_main_frame:
            return False
        if url.toString() in BLANK_FRAMES or is_stripe_url(url):
            return True
        if self._sandbox is not None:  # training: nothing but our sandbox
            return origin_of(url) == self._sandbox
        return url.scheme() == "https"  # a bank's 3-D Secure page inside Stripe's frame

    def acceptNavigationRequest(self, url: QUrl, navigation_type, is_main_frame: bool) -> bool:
        if self.allows(url, is_main_frame):
            return True
        self.blocked.append(without_query(url))
        log.warning("blocked navigation of the %s frame to %s", "main" if is_main_frame else "sub",
                    without_query(url))
        return False

    def createWindow(self, _type) -> None:
        log.warning("the checkout page tried to open a window; refused")
        return None

    def on_endpoint(self) -> bool:
        """True while the main frame shows the local endpoint (the bridge trusts only that)."""
        return self.is_endpoint(self.url())

    # -- console -------------------------------------------------------------------------------

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:
        source_url = without_query(QUrl(source))
        console_log.log(_CONSOLE_LEVELS.get(level, logging.INFO), "js %s:%d: %s", source_url, line, message)

    # -- TLS -----------------------------------------------------------------------------------

    def _on_certificate_error(self, error: QWebEngineCertificateError) -> None:
        chain = error.certificateChain()
        fingerprint = hashlib.sha256(bytes(chain[0].toDer())).hexdigest() if chain else ""
        if (self._fingerprint and fingerprint == self._fingerprint and self.is_endpoint(error.url())
                and error.isOverridable()):
            log.debug("accepted the endpoint's own certificate (pinned fingerprint)")
            error.acceptCertificate()
            return
        log.warning("refused a TLS certificate for %s: %s", error.url().host(), error.description())
        error.rejectCertificate()
