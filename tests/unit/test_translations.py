"""The shipped languages (de, fr, es): every message the till can show has a translation, keeps its
placeholders, and its compiled .mo says what its .po says; POS_LOCALE picks the language.

The extraction runs here, over the source as it is: a new `_("...")` (or a new text in a .ui form)
without a translation in every shipped language fails this test until the catalogues are updated
(`python scripts/update_translations.py`, then translate what it lists).
"""

from __future__ import annotations

import gettext
import re
import sys
from pathlib import Path

import pytest

from pos_app import i18n

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import update_translations  # noqa: E402

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]")


@pytest.fixture(scope="module")
def template():
    return update_translations.extract()


@pytest.fixture(scope="module", params=update_translations.LANGUAGES)
def catalog(request, template):
    """The shipped .po of one language, merged with what the source says today (not written back)."""
    catalog = update_translations.read_catalog(request.param)
    catalog.update(template, update_header_comment=False, update_creation_date=False)
    return catalog


def test_the_extraction_finds_the_windows_forms_and_the_python_messages(template):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    assert "Retry check" in ids  # ui/main_window.ui
    assert "Card payment" in ids  # qt/payment_dialog.py
    assert "Receipt {number}" in ids  # devices/escpos_receipt.py
    assert "{count} difference(s)" in ids  # reports.py, through ngettext
    assert "Thank you!" in ids  # the customer display's template
    assert "Amount charged" in ids  # qt/receipt.py: a _() inside an f-string
    assert len(ids) > 400


def test_every_message_has_a_translation(catalog):
    missing = update_translations.untranslated(catalog)
    assert not missing, (f"{catalog.locale}: {len(missing)} message(s) without a translation, e.g. "
                         f"{missing[:5]}; run `python scripts/update_translations.py` and translate them")


def test_every_translation_keeps_the_placeholders_of_its_message(catalog):
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if text and sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((ids[0], text))
    assert not wrong, f"{catalog.locale}: placeholders changed in {wrong[:5]}"


@pytest.mark.parametrize("language", update_translations.LANGUAGES)
def test_each_compiled_catalogue_says_what_its_po_says(language):
    """The .mo files are committed (a checkout, an editable install and a wheel all have them without a
    build step); this catches a .po edited without running the script."""
    catalog = update_translations.read_catalog(language)
    mo_path = update_translations.po_path(language).with_suffix(".mo")
    with open(mo_path, "rb") as shipped:
        shipped_messages = gettext.GNUTranslations(shipped)._catalog  # type: ignore[attr-defined]
    import io
    fresh_messages = gettext.GNUTranslations(io.BytesIO(update_translations.mo_bytes(catalog)))._catalog
    assert shipped_messages == fresh_messages, f"{mo_path} is older than its .po: run scripts/update_translations.py"


@pytest.fixture
def language():
    """use_locale(...) for one test; English again afterwards (the catalogue is process-wide)."""
    yield i18n.use_locale
    i18n.use_locale("en_US")


@pytest.mark.parametrize(("locale", "cash", "receipt"), [
    ("de_DE", "Bar", "Bon 0042"), ("de_AT", "Bar", "Bon 0042"), ("fr_FR", "Espèces", "Ticket 0042"),
    ("es_ES", "Efectivo", "Ticket 0042"), ("en_US", "Cash", "Receipt 0042"), ("it_IT", "Cash", "Receipt 0042"),
])
def test_pos_locale_chooses_the_language_and_an_unshipped_one_stays_english(language, locale, cash, receipt):
    language(locale)
    assert i18n._("Cash") == cash
    assert i18n._("Receipt {number}").format(number="0042") == receipt
    assert i18n.translating() is (cash != "Cash")  # English loads no catalogue (and no Qt translator)


def test_plurals_follow_the_language(language):
    language("fr_FR")
    assert i18n.ngettext("{count} difference(s)", "{count} difference(s)", 1).format(count=1) == "1 écart"
    assert i18n.ngettext("{count} difference(s)", "{count} difference(s)", 0).format(count=0) == "0 écart"
    language("de_DE")
    assert i18n.ngettext("{count} difference(s)", "{count} difference(s)", 0).format(count=0) == "0 Abweichungen"


def test_the_paper_receipt_prints_in_the_tills_language(language, tmp_path):
    from pos_app.devices.escpos_receipt import render_receipt
    from pos_app.devices.receipt import receipt_for
    from tests.integration.devices.test_escpos_receipt import an_order, settings

    language("de_DE")
    text = render_receipt(receipt_for(an_order(currency="eur"), settings(tmp_path, locale="de_DE"))).decode(
        "cp858", errors="replace")
    assert "Zwischensumme" in text and "SUMME" in text and "Subtotal" not in text
