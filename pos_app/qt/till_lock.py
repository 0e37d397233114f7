"""TillLock: the till window's part for who is at it: the PIN screen, Lock (Ctrl+L), the idle lock.

The window shows its PIN screen (ui/pin_screen.ui, pinScreen) while no one is logged in: at the
start (unless someone already is), after Lock, and after POS_IDLE_LOCK_SECONDS without a key or a
click in the window (0: never; not while a dialog is open, a card payment say). A PIN typed there and Enter logs
its user in on the window's TaskRunner (Argon2 checks, never on the GUI thread); a refused PIN
shows StaffService's text (the lock-out's too). Locking keeps the sale as it is: the cart is
stored, and whoever logs in next carries on with it. While locked the window's shortcuts are off.
The header shows who is logged in (userLabel) beside Lock (lockButton).

`approve(exc, name, step, on_success)` is how the window's parts answer ApprovalRequired: the
approval prompt (qt/approval_dialog.py) redoes step(manager_pin) on the TaskRunner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QWidget

from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _
from pos_app.qt.approval_dialog import ApprovalDialog, ask_approval
from pos_app.qt.charge_controller import error_text
from pos_app.qt.forms import child
from pos_app.qt.listeners import ListenerRelay
from pos_app.qt.pin_screen import PinScreen
from pos_app.qt.style import show_kind

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow
    from pos_app.store import User

ROLE_NAMES = (N_("cashier"), N_("manager"))  # Role's values, as the user label shows them
SALE_PAGE, PIN_PAGE = range(2)
_INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
                           QEvent.Type.TouchBegin})


class TillLock(QObject):
    locked_changed = Signal(bool)  # True: the PIN screen shows
    logged_in = Signal(object)  # User

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("tillLock")
        self._window, self._session = window, window.local.session
        self._build_header(window)
        self._build_pages(window)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(window.settings.idle_lock_seconds * 1000)
        self._idle.timeout.connect(self._on_idle_timeout)
        # Input to the window's own widgets restarts the idle time (an app-wide filter would also see
        # QtWebEngine's events, which crashes PySide6; while a dialog is open the lock waits anyway).
        self._watching = [window, *window.findChildren(QWidget)] if window.settings.idle_lock_seconds else []
        for widget in self._watching:
            widget.installEventFilter(self)
        # A log-in or log-out over the endpoint (another thread) shows here at once.
        self._session_relay = ListenerRelay(self._session.subscribe, self._on_session_changed, self)
        self.show_state()

    def _on_session_changed(self) -> None:
        if self.pages.currentIndex() != (PIN_PAGE if self.locked else SALE_PAGE):
            self.show_state()  # locked or unlocked from elsewhere
            return
        user = self._session.user  # the same state, maybe another user: the header only (focus stays)
        self.user_label.setText(f"{user.name} ({_(user.role.value)})" if user else "")

    def _build_header(self, window: MainWindow) -> None:
        self.user_label = QLabel(window.form)
        self.user_label.setObjectName("userLabel")
        self.user_label.setTextFormat(Qt.TextFormat.PlainText)  # a user's name is text, whatever it looks like
        self.lock_button: QPushButton = child(window.form, QPushButton, "lockButton")  # qt/till_actions.py
        header = window.form.findChild(QHBoxLayout, "headerLayout")
        if header is not None:  # before the mode badge
            header.insertWidget(max(header.indexOf(window.mode_badge), 0), self.user_label)

    def _build_pages(self, window: MainWindow) -> None:
        self.pages = QStackedWidget(window)
        self.pages.setObjectName("tillPages")
        pin = PinScreen(self.pages)  # the start screen (qt/start_screen.py) shows the same form
        self.screen, self.pin_field, self.pin_message = pin.screen, pin.pin_field, pin.pin_message
        self.first_manager, self.numpad = pin.first_manager, pin.numpad
        self.pin_field.returnPressed.connect(self._on_pin_field_return_pressed)
        self.pages.addWidget(window.form)  # the sale: the window's form, its central widget until now
        window.takeCentralWidget()
        self.pages.addWidget(self.screen)
        window.setCentralWidget(self.pages)

    # -- state ---------------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._session.user is None

    def show_state(self) -> None:
        """The PIN screen while no one is logged in, else the sale; the header names the user."""
        user, locked = self._session.user, self.locked
        self.user_label.setText(f"{user.name} ({_(user.role.value)})" if user else "")
        self.lock_button.setVisible(not locked)
        self.first_manager.setVisible(locked and self._session.staff.needs_first_manager())
        self.pages.setCurrentIndex(PIN_PAGE if locked else SALE_PAGE)
        for shortcut in self._window.findChildren(QShortcut):
            shortcut.setEnabled(not locked)
        if locked:
            self._idle.stop()
            self.pin_field.setEnabled(True)
            self.pin_field.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._restart_idle()
            self._window.focus_search()
        self.locked_changed.emit(locked)

    def lock(self) -> None:
        """Log out (Lock, Ctrl+L): the PIN screen; the sale stays as it is."""
        self._log_out("logout")

    def _log_out(self, why: str) -> None:
        self._session.logout(why=why)
        show_kind(self.pin_message, _("Locked after a while without input.") if why == "idle" else "", "info")
        self.show_state()

    # -- log-in --------------------------------------------------------------------------------

    def log_in(self, pin: str) -> None:
        """Check the PIN on the window's TaskRunner; the sale shows once it opens."""
        self.pin_field.setEnabled(False)
        show_kind(self.pin_message, _("Checking…"), "info")
        session = self._session
        self._window.queue.submit("log in", lambda: session.login(pin), self._on_login_done, self._on_login_failed)

    def _on_pin_field_return_pressed(self) -> None:
        pin = self.pin_field.text()
        self.pin_field.clear()
        if pin:
            self.log_in(pin)

    def _on_login_done(self, user: object) -> None:
        show_kind(self.pin_message, "", "info")
        self.show_state()
        self.logged_in.emit(user)

    def _on_login_failed(self, exc: BaseException) -> None:
        self.pin_field.setEnabled(True)
        self.pin_field.setFocus(Qt.FocusReason.OtherFocusReason)
        text = str(exc) if isinstance(exc, UserFacingError) else error_text(_("The log-in failed"), exc)
        show_kind(self.pin_message, text, "error")

    # -- the idle lock -------------------------------------------------------------------------

    def _restart_idle(self) -> None:
        if self._window.settings.idle_lock_seconds and not self.locked:
            self._idle.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _INPUT_EVENTS and self._idle.isActive():
            self._idle.start()  # input: the idle time starts again
        return False

    def note_input(self, *_args) -> None:
        """Input the window's filter doesn't see (a tap on a part installed later: the tiles, a pad):
        the idle time starts again. Takes (and ignores) a signal's arguments."""
        if self._idle.isActive():
            self._idle.start()

    def stop(self) -> None:
        """The till is closing (MainWindow.shutdown): stop watching the app's input and the session."""
        self._idle.stop()
        self._session_relay.close()
        for widget in self._watching:
            if shiboken6.isValid(widget):  # some are gone already (a status bar replaced)
                widget.removeEventFilter(self)
        self._watching = []

    def _on_idle_timeout(self) -> None:
        if self.locked:
            return
        if QApplication.activeModalWidget() is not None or self._window.payment_dialog is not None:
            self._idle.start()  # a dialog is working (a card payment, a count): lock after it
            return
        self._log_out("idle")

    # -- approvals -----------------------------------------------------------------------------

    def approve(self, exc: UserFacingError, name: str, step: Callable[[str], object],
                on_success: Callable[[object], None],
                on_failure: Callable[[BaseException], None] | None = None) -> ApprovalDialog:
        """A cashier asked for a manager's action (exc: ApprovalRequired): the prompt; step(pin) redoes it."""
        window = self._window
        return ask_approval(window, str(exc), window.queue, name, step, on_success,
                            on_failure or (lambda failure: window.show_error(
                                error_text(_("Could not {action}").format(action=name), failure))))

    def user(self) -> User | None:
        return self._session.user
