"""The Qt window of the till and everything it shows.

MainWindow over the cart and catalogue, PaymentDialog (QtWebEngine + QWebChannel), receipts and
the worker that keeps network calls off the GUI thread. run_gui() in app.py is the composition root."""
