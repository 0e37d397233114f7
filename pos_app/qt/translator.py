"""Qt's texts in the till's language: the .ui forms through gettext, Qt's own buttons through qtbase_<lang>.qm.

QUiLoader translates every <string> of a form with QCoreApplication.translate(<form class>, text); the
GettextTranslator installed here answers those from the same pos_app catalogue as `_()` (the form class
is not needed: one text has one translation in the till). Qt's own contexts (QShortcut, QPlatformTheme…,
every one a Q class; no form of ours is) and texts the catalogue lacks fall through to Qt's translator
for the language (qtbase_<lang>.qm, which PySide6 ships), so QDialogButtonBox's "Cancel" and the key
names "Strg+Umschalt+Z" are Qt's words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from pos_app import i18n


class GettextTranslator(QTranslator):
    """A QTranslator whose translations are pos_app's gettext catalogue (whatever use_locale chose)."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # Qt's signature
        if not source_text or (context or "").startswith("Q"):
            return None  # Qt's own contexts (QShortcut's "Shift" is a key, not a till's shift): qtbase's .qm
        text = i18n._(source_text)
        return text if text != source_text else None  # None: ask the next translator (Qt's own)

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False


def install_translators(app: QCoreApplication, locale: str) -> list[QTranslator]:
    """Install the gettext translator (first asked; when use_locale found a catalogue) and Qt's own for
    `locale`; keep the returned list alive as long as the app (a collected translator translates nothing)."""
    installed: list[QTranslator] = []
    qt_own = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load(QLocale(locale), "qtbase", "_", path):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    if i18n.translating():  # English needs no catalogue: QUiLoader's texts then skip a Python call each
        ours = GettextTranslator(app)
        app.installTranslator(ours)  # installed last, asked first
        installed.append(ours)
    return installed


def use_language(app: QCoreApplication, locale: str) -> list[QTranslator]:
    """The till in `locale`'s language: gettext (`_()`), the .ui forms and Qt's own texts."""
    i18n.use_locale(locale)
    return install_translators(app, locale)


def remove_translators(app: QCoreApplication, installed: list[QTranslator]) -> None:
    for translator in installed:
        app.removeTranslator(translator)
