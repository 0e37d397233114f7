"""The status bar's endpoint and gateway health, checked off the GUI thread against the real sandbox."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from pos_app.sandbox.faults import FaultControl

pytestmark = pytest.mark.gui


def test_status_bar_follows_gateway_and_endpoint_health(qtbot, pos):
    window = pos.window
    gateway, endpoint = window.findChild(QLabel, "statusGateway"), window.findChild(QLabel, "statusEndpoint")
    monitor = window.health
    assert monitor is not None

    with qtbot.waitSignal(monitor.checked, timeout=10000) as ok:
        assert monitor.check_now()
    assert ok.args[:2] == [True, True]
    assert gateway.text() == "Gateway: OK" and endpoint.text() == f"Endpoint: {window.payments.endpoint.url}"

    # The processor (here: the training sandbox) goes away for a while, then comes back.
    faults = FaultControl(pos.app.sandbox_url, pos.app.sandbox_secret_key)
    faults.unreachable(duration_ms=600_000)
    with qtbot.waitSignal(monitor.checked, timeout=30000) as down:
        assert monitor.check_now()
    assert down.args[1] is False
    assert gateway.text() == "Gateway: unreachable" and "can't be reached" in gateway.toolTip()

    faults.clear()
    with qtbot.waitSignal(monitor.checked, timeout=30000) as back:
        assert monitor.check_now()
    assert back.args[:2] == [True, True] and gateway.text() == "Gateway: OK"
