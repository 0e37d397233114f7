"""TillStatusBar (objectName statusBar): the till's mode, local endpoint and gateway health.

Health comes from the HealthMonitor it runs (watch_health) and from the results of real calls
(show_gateway, which the ChargeController's gateway_seen drives).

Its labels keep the objectNames testers use: statusMode, statusEndpoint, statusGateway. The
gateway label also carries the property `healthy` and the last problem as its tooltip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from pos_app.i18n import N_, _
from pos_app.qt.forms import plain_text_labels, plain_tooltip
from pos_app.qt.health import HealthMonitor
from pos_app.qt.style import mode_name

if TYPE_CHECKING:
    from pos_app.contexts import Endpoint
    from pos_app.payments.gateway import PaymentGateway

STARTING_PAYMENTS = N_("starting payments…")


class TillStatusBar(QStatusBar):
    """Until payments_started(url), the endpoint and gateway say "starting payments…"."""

    def __init__(self, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._url: str | None = None
        self.mode_label = self._label("statusMode", _("Mode: {mode}").format(mode=mode_name(mode)))
        self.endpoint_label = self._label("statusEndpoint", _("Endpoint: {state}").format(state=_(STARTING_PAYMENTS)))
        self.gateway_label = self._label("statusGateway", _("Gateway: {state}").format(state=_(STARTING_PAYMENTS)))
        plain_text_labels(self)  # stored text never turns into markup here

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        self.addPermanentWidget(label)
        return label

    def payments_started(self, url: str) -> None:
        """The endpoint runs; the gateway is checked next."""
        self._url = url
        self.endpoint_label.setText(_("Endpoint: {state}").format(state=url))
        self.gateway_label.setText(_("Gateway: checking…"))
        self.gateway_label.setToolTip("")

    def watch_health(self, endpoint: Endpoint, gateway: PaymentGateway) -> HealthMonitor:
        """Follow the endpoint's and the gateway's health from now on (a check every 30 s)."""
        monitor = HealthMonitor(endpoint, gateway, parent=self)
        monitor.checked.connect(self._on_monitor_checked)
        monitor.start()
        return monitor

    def _on_monitor_checked(self, endpoint_ok: bool, gateway_ok: bool, detail: str) -> None:
        self.show_endpoint(self._url if endpoint_ok else None)
        self.show_gateway(gateway_ok, detail)

    def show_endpoint(self, url: str | None) -> None:
        """The endpoint's URL while it runs; None: it does not."""
        self.endpoint_label.setText(_("Endpoint: {state}").format(state=url) if url else _("Endpoint: not running"))

    def show_gateway(self, healthy: bool, detail: str = "") -> None:
        self.gateway_label.setText(_("Gateway: OK") if healthy else _("Gateway: unreachable"))
        self.gateway_label.setToolTip(plain_tooltip(detail) if detail else "")
        self.gateway_label.setProperty("healthy", healthy)
