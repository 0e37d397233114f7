"""SimulatedReaderPanel (objectName simulatedReader): training's stand-in for tapping a card on the reader.

Only in training (the sandbox's simulated readers): a test card (simulatedCard), a tip
(simulatedTip, in the till's currency) and Tap card (simulatedTapButton), which calls the
gateway's present_payment_method (Stripe's test helper) on the worker. The till then sees the
outcome the way it sees a real reader's: by polling.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QPushButton, QWidget

from pos_app.domain.money import MoneyError, parse_money
from pos_app.i18n import N_, _
from pos_app.qt.workers import TaskRunner

#: Stripe's card-present test cards the panel offers (number, what it does).
TEST_CARDS = (
    ("4242424242424242", N_("Visa: approved")),
    ("5555555555554444", N_("Mastercard: approved")),
    ("4000000000000002", N_("Declined")),
    ("4000000000009995", N_("Insufficient funds")),
    ("4000000000000069", N_("Expired card")),
    ("4000000000000127", N_("Incorrect CVC / PIN")),
)


class SimulatedReaderPanel(QGroupBox):
    def __init__(self, runner: TaskRunner, present: Callable[[str, int], object], currency: str,
                 on_error: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(_("Simulated reader (training)"), parent)
        self.setObjectName("simulatedReader")
        self._runner, self._present, self._currency, self._on_error = runner, present, currency, on_error
        self.card = QComboBox(self)
        self.card.setObjectName("simulatedCard")
        for number, label in TEST_CARDS:
            self.card.addItem(f"{_(label)} ({number[-4:]})", number)
        self.tip = QLineEdit(self)
        self.tip.setObjectName("simulatedTip")
        self.tip.setPlaceholderText("0")
        self.tap_button = QPushButton(_("Tap card"), self)
        self.tap_button.setObjectName("simulatedTapButton")
        form = QFormLayout(self)
        form.addRow(_("Test card"), self.card)
        form.addRow(_("Tip"), self.tip)
        form.addRow(self.tap_button)
        self.tap_button.clicked.connect(self._on_tap_button_clicked)

    def choose(self, number: str) -> None:
        """Select the test card `number` (any number: added to the list if it is not offered)."""
        index = self.card.findData(number)
        if index < 0:
            self.card.addItem(number, number)
            index = self.card.count() - 1
        self.card.setCurrentIndex(index)

    def _on_tap_button_clicked(self) -> None:
        text = self.tip.text().strip()
        try:
            tip = parse_money(text, self._currency).amount if text else 0
        except MoneyError as exc:
            self._on_error(_("Tip not understood: {reason}").format(reason=exc))
            return
        number = str(self.card.currentData())
        self.tap_button.setEnabled(False)
        self._runner.submit("reader-tap", lambda: self._present(number, tip), self._on_runner_tapped,
                            self._on_runner_tap_failed)

    def _on_runner_tapped(self, _reader) -> None:
        self.tap_button.setEnabled(True)

    def _on_runner_tap_failed(self, exc: BaseException) -> None:
        self.tap_button.setEnabled(True)
        self._on_error(str(exc))
