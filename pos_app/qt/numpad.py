"""Numpad: an on-screen number pad (digits, 00, backspace, clear, Enter) for a touch screen.

A tap is a key press on the pad's target (a QLineEdit): the digits go through the field's own
validator, length and echo mode (a PIN field shows dots, the pad never shows what was typed), and
Enter is the field's Enter, so the dialog does exactly what the keyboard's Enter does. The pad's
buttons never take the focus: the cursor stays in the field and typing on a keyboard goes on
working between taps. Buttons are at least TOUCH_MIN_PX square.

objectNames: the pad's (given by its user: cashNumpad, pinNumpad, approvalNumpad, quantityNumpad),
and its keys numpadKey0 … numpadKey9, numpadKey00, numpadPoint (if it has one), numpadBackspace,
numpadClear, numpadEnter.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QBoxLayout, QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

from pos_app.i18n import N_, _
from pos_app.qt.theme import TOUCH_MIN_PX

KEY_SIZE = QSize(max(TOUCH_MIN_PX, 52), max(TOUCH_MIN_PX, 48))

_DIGIT_KEYS = {str(d): getattr(Qt.Key, f"Key_{d}") for d in range(10)}
# (row, column) of each key; Enter spans the two bottom rows of the last column.
_LAYOUT = (("7", 0, 0), ("8", 0, 1), ("9", 0, 2), ("4", 1, 0), ("5", 1, 1), ("6", 1, 2),
           ("1", 2, 0), ("2", 2, 1), ("3", 2, 2), ("0", 3, 0), ("00", 3, 1))
BACKSPACE, CLEAR, ENTER = N_("⌫"), N_("C"), N_("Enter")


class Numpad(QWidget):
    """A pad over `target` (set_target changes it); `point` adds a decimal-point key (amounts). With
    take_focus=False a tap types into the target without focusing it (a field that is only the pad's display,
    while the focus stays where typing and scanning go)."""

    key_tapped = Signal(str)  # the key's text ("7", "00", ".", "backspace", "clear", "enter"), after it acted

    def __init__(self, target: QLineEdit | None = None, parent: QWidget | None = None, *, point: str = "",
                 take_focus: bool = True) -> None:
        super().__init__(parent)
        self._take_focus = take_focus
        self.setObjectName("numpad")
        self.setAccessibleName(_("Number pad"))
        self.setAccessibleDescription(_("On-screen keys that type into the field beside them"))
        self._target = target
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        for text, row, column in _LAYOUT:
            name = f"numpadKey{text}"
            grid.addWidget(self._key(text, name, _("Digits {digits}").format(digits=text) if len(text) > 1
                                     else _("Digit {digit}").format(digit=text), lambda t=text: self._type(t)),
                           row, column)
        if point:
            grid.addWidget(self._key(point, "numpadPoint", _("Decimal point"), lambda: self._type(point)), 3, 2)
        grid.addWidget(self._key(_(BACKSPACE), "numpadBackspace", _("Backspace"), self._backspace), 0, 3)
        grid.addWidget(self._key(_(CLEAR), "numpadClear", _("Clear"), self._clear), 1, 3)
        enter = self._key(_(ENTER), "numpadEnter", _("Enter"), self._enter)
        enter.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        grid.addWidget(enter, 2, 3, 2, 1)

    def _key(self, text: str, name: str, spoken: str, act) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a tap leaves the focus (and the cursor) in the field
        button.setAutoDefault(False)
        button.setMinimumSize(KEY_SIZE)
        button.setAccessibleName(spoken)
        button.setAccessibleDescription(_("Number pad key"))
        button.clicked.connect(lambda _checked=False: act())
        return button

    def target(self) -> QLineEdit | None:
        return self._target

    def set_target(self, target: QLineEdit | None) -> None:
        self._target = target

    def key(self, text: str) -> QPushButton:
        """The pad's button for a digit ("7", "00"), "." or "backspace", "clear", "enter" (for tests)."""
        name = {"backspace": "numpadBackspace", "clear": "numpadClear", "enter": "numpadEnter"}.get(text)
        name = name or ("numpadPoint" if text in ".," else f"numpadKey{text}")
        button = self.findChild(QPushButton, name)
        if button is None:
            raise LookupError(f"the number pad has no key {text!r}")
        return button

    # -- the keys, as key presses on the target -------------------------------------------------

    def _type(self, text: str) -> None:
        for char in text:
            self._press(_DIGIT_KEYS.get(char, Qt.Key.Key_Period), char)
        self.key_tapped.emit(text)

    def _backspace(self) -> None:
        self._press(Qt.Key.Key_Backspace, "")
        self.key_tapped.emit("backspace")

    def _clear(self) -> None:
        target = self._usable_target()
        if target is not None:
            target.clear()
        self.key_tapped.emit("clear")

    def _enter(self) -> None:
        self._press(Qt.Key.Key_Return, "\r")
        self.key_tapped.emit("enter")

    def _usable_target(self) -> QLineEdit | None:
        target = self._target
        return target if target is not None and target.isEnabled() else None

    def _press(self, key: Qt.Key, text: str) -> None:
        """The key as the keyboard would send it: press and release, to the target (unhandled keys go
        on to its parents, so Enter reaches the dialog's default button)."""
        target = self._usable_target()
        if target is None:
            return
        if self._take_focus and not target.hasFocus():
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))


def attach_numpad(target: QLineEdit, name: str, *, point: str = "") -> Numpad:
    """A pad for `target`, placed just below it in its layout (a dialog's field: the cash, a PIN)."""
    parent = target.parentWidget()
    pad = Numpad(target, parent, point=point)
    pad.setObjectName(name)
    layout = parent.layout() if parent is not None else None
    at = layout.indexOf(target) if layout is not None else -1
    item = layout.itemAt(at) if layout is not None and at >= 0 else None
    if isinstance(layout, QBoxLayout) and item is not None:
        layout.insertWidget(at + 1, pad, 0, item.alignment())  # centred under a centred field (the PIN screen)
    elif layout is not None:
        layout.addWidget(pad)
    return pad
