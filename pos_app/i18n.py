"""The till's words in the cashier's language: gettext catalogues chosen by POS_LOCALE.

`_("Charge")` translates at the moment it is called, so call it where a text is shown, not at
import time; module-level constants are marked with `N_` (for extraction) and passed through `_`
where they are shown. Catalogues live in pos_app/locale/<lang>/LC_MESSAGES/pos_app.mo; a language
without one (or a message without a translation) shows the English text.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "pos_app"
LOCALE_DIR = Path(__file__).with_name("locale")

_active: gettext.NullTranslations = gettext.NullTranslations()


def use_locale(locale: str) -> None:
    """Translate into `locale`'s language from now on ('de_DE' -> de_DE, then de)."""
    global _active
    languages = [locale, locale.split("_")[0]]
    _active = gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True)


def translating() -> bool:
    """True when a catalogue is in use (False for English, or a language without one)."""
    return type(_active) is not gettext.NullTranslations


def _(message: str) -> str:
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Marks `message` for extraction without translating it (translate it where it is shown)."""
    return message
