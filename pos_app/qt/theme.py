"""The till's themes (POS_THEME): touch-sized controls app-wide, and a high-contrast palette.

Every theme is touch first: buttons at least 44 px high and wide (a fingertip; WCAG 2.5.5), inputs
as tall, check and radio boxes large enough to hit. `high-contrast` adds a black-on-white palette
whose pairs (text on its background, selected text on the selection) have a contrast ratio of at
least 7:1 (WCAG AAA), thick black borders and a yellow-and-black focus ring, so the focused control
is seen from across the counter. The theme goes on the QApplication (apply_theme): dialogs built
later have it too. A form with a style sheet of its own wins over the application's for the rules
it states (Qt prefers a widget's own sheet), so the high-contrast till form gets its overrides
appended (HIGH_CONTRAST_TILL, by the same selectors as qt/style.py's TILL_STYLE).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from pos_app.config import THEMES

STANDARD, HIGH_CONTRAST = THEMES

TOUCH_MIN_PX = 44  # the smallest touch target: WCAG 2.5.5 and the platform guidelines

# No min-width on buttons: a style sheet's min-width replaces the text's own minimum, and a squeezed row
# would clip its buttons' text; a button's text makes it wider than 44 px anyway.
TOUCH_STYLE = f"""
QPushButton, QToolButton {{ min-height: {TOUCH_MIN_PX}px; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit {{ min-height: 36px; }}
QCheckBox, QRadioButton {{ min-height: {TOUCH_MIN_PX}px; spacing: 10px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 24px; height: 24px; }}
"""

HIGH_CONTRAST_STYLE = """
QWidget { color: #000000; }
QPushButton, QToolButton { background: #ffffff; color: #000000; border: 2px solid #000000; border-radius: 4px;
                           font-weight: 600; }
QPushButton:disabled, QToolButton:disabled { color: #4b4b4b; border-style: dashed; }
QLineEdit, QComboBox, QSpinBox, QDateEdit, QTableView, QListView, QTreeView, QPlainTextEdit, QTextEdit {
    background: #ffffff; color: #000000; border: 2px solid #000000; }
QTableView, QListView, QTreeView { selection-background-color: #00007f; selection-color: #ffffff; }
*:focus { outline: 3px solid #000000; }
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QCheckBox:focus,
QRadioButton:focus { background: #ffff00; color: #000000; border: 3px solid #000000; }
QTableView:focus, QListView:focus, QTreeView:focus { border: 4px solid #000000; }
QHeaderView::section { background: #ffffff; color: #000000; border: 1px solid #000000; font-weight: 700; }
"""

#: Appended to the till form's own sheet in high contrast: its greys and tints, by TILL_STYLE's selectors.
HIGH_CONTRAST_TILL = """
QLabel#shopLabel, QLabel#cartTitle, QLabel#catalogueHint, QLabel#subtotalCaption, QLabel#taxCaption,
QLabel#subtotalLabel, QLabel#taxLabel, QLabel#totalLabel, QLabel#chargeAmountCaption, QLabel#dueLabel,
QStatusBar QLabel { color: #000000; }
QLabel#catalogueHint[capped="true"] { color: #000000; text-decoration: underline; }
QLabel#messageLabel[kind="error"] { background: #ffffff; color: #7f0000; border: 2px solid #7f0000; }
QLabel#messageLabel[kind="info"] { background: #ffffff; color: #000000; border: 2px solid #000000; }
QTableView { gridline-color: #000000; selection-background-color: #00007f; selection-color: #ffffff;
             alternate-background-color: #ffffff; }
QTableView:!focus { selection-background-color: #00007f; selection-color: #ffffff; }
QFrame#totalsPanel { background: #ffffff; border: 2px solid #000000; }
QPushButton#chargeButton { background: #004d00; color: #ffffff; border: 3px solid #000000; }
QPushButton#chargeButton:focus { background: #ffff00; color: #000000; }
QPushButton#chargeButton:disabled { background: #ffffff; color: #4b4b4b; border: 2px dashed #000000; }
QFrame#doubtBanner { background: #ffffff; border: 3px solid #000000; }
QLabel#doubtMessage { color: #000000; }
"""

#: (role, colour) of the high-contrast palette; the pairs checked for 7:1 are CONTRAST_PAIRS.
HIGH_CONTRAST_COLOURS = {
    QPalette.ColorRole.Window: "#ffffff", QPalette.ColorRole.WindowText: "#000000",
    QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.AlternateBase: "#ffffff",
    QPalette.ColorRole.Text: "#000000", QPalette.ColorRole.Button: "#ffffff",
    QPalette.ColorRole.ButtonText: "#000000", QPalette.ColorRole.Highlight: "#00007f",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#ffffe0",
    QPalette.ColorRole.ToolTipText: "#000000", QPalette.ColorRole.PlaceholderText: "#4b4b4b",
    QPalette.ColorRole.Link: "#00007f", QPalette.ColorRole.BrightText: "#7f0000",
}
CONTRAST_PAIRS = ((QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
                  (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
                  (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
                  (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
                  (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
                  (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base))


def theme_style(theme: str) -> str:
    """The application style sheet of `theme` (touch sizes, and the high-contrast rules)."""
    return TOUCH_STYLE + (HIGH_CONTRAST_STYLE if theme == HIGH_CONTRAST else "")


def high_contrast_palette() -> QPalette:
    palette = QPalette()
    for role, colour in HIGH_CONTRAST_COLOURS.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#4b4b4b"))  # 8.9:1 on white: still legible
    return palette


def apply_theme(theme: str, app: QApplication | None = None) -> None:
    """Give the application `theme`'s palette and style sheet (standard: the style's own palette)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None:
        return
    if app.property("posTheme") == theme:
        return  # a second window of the same till: nothing to re-polish
    app.setProperty("posTheme", theme)
    app.setPalette(high_contrast_palette() if theme == HIGH_CONTRAST else app.style().standardPalette())
    app.setStyleSheet(theme_style(theme))


def theme_form(form: QWidget, theme: str) -> None:
    """The high-contrast overrides of a form that has a style sheet of its own (the till's)."""
    if theme == HIGH_CONTRAST and HIGH_CONTRAST_TILL not in form.styleSheet():
        form.setStyleSheet(form.styleSheet() + HIGH_CONTRAST_TILL)


def relative_luminance(colour: QColor) -> float:
    """WCAG 2's relative luminance of an sRGB colour (0 black .. 1 white)."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2's contrast ratio (1 .. 21): 4.5 is AA for body text, 7 is AAA."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
