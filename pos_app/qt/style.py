"""The till's look: one style sheet, so widgets carry objectNames and no inline styling."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from pos_app.config import LIVE, TEST, TRAINING
from pos_app.i18n import N_, _

BADGE_COLOURS = {TRAINING: "#d97706", TEST: "#2563eb", LIVE: "#15803d"}

TILL_STYLE = """
QWidget#tillForm { font-size: 11pt; }
QLabel#shopLabel { font-size: 15pt; font-weight: 600; color: #1f2937; }
QLabel#modeBadge { color: white; font-weight: 700; font-size: 11pt; padding: 4px 14px;
                   border-radius: 6px; letter-spacing: 1px; }
QLabel#cartTitle { font-size: 13pt; font-weight: 600; color: #1f2937; }
QLabel#catalogueHint { color: #6b7280; font-size: 9pt; }
QLabel#catalogueHint[capped="true"] { color: #b45309; font-weight: 600; }
QLineEdit#catalogueSearch { font-size: 13pt; padding: 6px 8px; border: 2px solid #9ca3af; border-radius: 6px; }
QLineEdit#catalogueSearch:focus { border-color: #2563eb; }
QComboBox#categoryFilter { font-size: 11pt; padding: 5px 8px; }
QTableView { font-size: 11pt; gridline-color: #e5e7eb; selection-background-color: #2563eb;
             selection-color: white; alternate-background-color: #f3f4f6; }
QTableView::item { padding: 0 8px; }
QTableView:!focus { selection-background-color: #bfdbfe; selection-color: #111827; }
QHeaderView::section { font-weight: 600; padding: 4px 8px; background: #f3f4f6; border: none;
                       border-bottom: 1px solid #d1d5db; }
QFrame#totalsPanel { background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 8px; }
QLabel#subtotalCaption, QLabel#taxCaption, QLabel#subtotalLabel, QLabel#taxLabel { font-size: 12pt; color: #374151; }
QLabel#totalCaption { font-size: 18pt; font-weight: 700; }
QLabel#totalLabel { font-size: 24pt; font-weight: 700; color: #111827; }
QLabel#messageLabel { padding: 6px 8px; border-radius: 6px; }
QLabel#messageLabel[kind="error"] { background: #fee2e2; color: #991b1b; }
QLabel#messageLabel[kind="info"] { background: #e0f2fe; color: #075985; }
QPushButton#chargeButton { font-size: 16pt; font-weight: 700; color: white; background: #16a34a;
                           border: none; border-radius: 8px; min-height: 52px; padding: 0 18px; }
QPushButton#chargeButton:focus { background: #15803d; border: 3px solid #064e3b; }
QPushButton#chargeButton:disabled { background: #9ca3af; color: #f3f4f6; }
QPushButton#cashButton { font-size: 14pt; font-weight: 700; min-height: 52px; padding: 0 16px; }
QLabel#chargeAmountCaption { font-size: 11pt; color: #374151; }
QLineEdit#chargeAmount { font-size: 13pt; padding: 4px 8px; min-height: 30px; }
QLabel#dueLabel { font-size: 14pt; font-weight: 700; color: #92400e; padding: 4px 8px; }
QFrame#doubtBanner { background: #fef3c7; border: 2px solid #d97706; border-radius: 6px; }
QLabel#doubtMessage { color: #7c2d12; font-weight: 600; }
QStatusBar QLabel { padding: 0 8px; color: #374151; }
"""


#: Status lines of the dialogs, styled by their `kind` (show_kind), never inline.
STATUS_STYLE = """
QLabel[kind="busy"] { color: #374151; font-weight: 600; }
QLabel[kind="ok"] { color: #15803d; font-weight: 600; }
QLabel[kind="warning"] { color: #b45309; font-weight: 600; }
QLabel[kind="error"] { color: #b91c1c; font-weight: 600; }
"""


def badge_style(mode: str) -> str:
    return f"background: {BADGE_COLOURS.get(mode, '#6b7280')};"


MODE_NAMES = {TRAINING: N_("TRAINING"), TEST: N_("TEST"), LIVE: N_("LIVE")}
MODE_WORDS = (N_("test"), N_("live"))  # "{mode} mode: payments go to Stripe"


def mode_name(mode: str) -> str:
    """TRAINING, TEST or LIVE in the till's language."""
    return _(MODE_NAMES[mode]) if mode in MODE_NAMES else mode.upper()


def till_title(shop_name: str, mode: str) -> str:
    """The till window's title: the shop, and TRAINING in training mode."""
    return f"{shop_name} — pos-app" + (f" ({_('TRAINING')})" if mode == TRAINING else "")


def show_mode_badge(label: QLabel, mode: str) -> None:
    """The mode (TRAINING, TEST, LIVE) in its colour, as the till and the history show it."""
    label.setText(mode_name(mode))
    label.setStyleSheet(badge_style(mode))
    label.setToolTip(_("Training mode: payments go to the built-in sandbox; no real money") if mode == TRAINING
                     else _("{mode} mode: payments go to Stripe").format(mode=_(mode)))


def set_style_property(widget: QWidget, name: str, value) -> None:
    """Set a property the style sheet selects on ([kind="error"], [capped="true"]): the sheet reads it
    only when the widget is polished again, hence unpolish + polish (skipped when nothing changes)."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def show_kind(label: QLabel, text: str, kind: str) -> None:
    """Show text on a status label styled by its `kind` property (info, error, ...)."""
    set_style_property(label, "kind", kind)
    label.setText(text)
