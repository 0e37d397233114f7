"""The web view of the payment dialog (objectName paymentView).

A Python subclass so that QUiLoader can build it from ui/payment_dialog.ui (the loader makes
placeholder widgets for C++ classes it has no plugin for, such as QWebEngineView).
"""

from __future__ import annotations

from PySide6.QtWebEngineWidgets import QWebEngineView


class PaymentView(QWebEngineView):
    pass
