"""Re-extract the till's messages, merge them into every language's .po and compile the .mo files.

    python scripts/update_translations.py            # extract, merge, compile (after changing any text)
    python scripts/update_translations.py --check    # only report what is missing (what the tests check)
    python scripts/update_translations.py --add-language it

Translators edit pos_app/locale/<lang>/LC_MESSAGES/pos_app.po (any .po editor; keep {placeholders} as
they are), then run this script, which writes the .mo next to it. Both are committed: a checkout, an
editable install and a wheel all have the compiled catalogues without a build step, and
tests/unit/test_translations.py fails when a .mo is older than its .po or a message has no translation.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # babel.cfg names this module's extract_ui
LOCALE_DIR = ROOT / "pos_app" / "locale"
DOMAIN = "pos_app"
LANGUAGES = ("de", "fr", "es")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Properties of a form whose text is not shown to anyone.
UNSHOWN_PROPERTIES = {"objectName", "styleSheet", "inputMask", "shortcut", "displayFormat"}


def extract_python(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, object, list[str]]]:
    """Babel extractor for the till's Python: every call of a keyword (_ N_ ngettext) with literal
    arguments, found in the syntax tree, so a call inside an f-string is found too (Babel's own
    tokenizer sees an f-string as one string on Python 3.11)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in keywords):
            continue
        texts = [arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                 for arg in node.args]
        if texts and texts[0] is not None:
            yield node.lineno, node.func.id, texts[0] if len(texts) == 1 else tuple(texts), []


def extract_ui(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extractor for Qt Designer forms: the text of each translatable <string> (line numbers are not
    kept by ElementTree, so each message is placed at line 0)."""
    tree = ET.parse(fileobj)
    for prop in tree.iter("property"):
        text = prop.find("string")
        if text is None or prop.get("name") in UNSHOWN_PROPERTIES or text.get("notr") == "true":
            continue
        if text.text and text.text.strip():
            yield 0, None, text.text, []


def extract() -> Catalog:
    """The template: every message of pos_app and ui/, as babel.cfg maps them."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="pos-app", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        catalog = Catalog(locale=language, project="pos-app", charset="utf-8", copyright_holder="pos-app",
                          last_translator="pos-app", language_team=language)
        catalog.fuzzy = False  # the header: a fuzzy header leaves the .mo without its charset
        return catalog
    with open(path, "rb") as file:
        return read_po(file, locale=language)


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    """Messages with no translation yet, or only a fuzzy (guessed by the merge) one."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update(languages: tuple[str, ...]) -> dict[str, list[str]]:
    """Merge the template into each language's .po, write it and its .mo; what is left to translate."""
    template = extract()
    left: dict[str, list[str]] = {}
    for language in languages:
        catalog = read_catalog(language)
        catalog.update(template, update_header_comment=False, update_creation_date=False)
        catalog.obsolete.clear()  # a removed text has no use; git keeps its history
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as file:
            # no line numbers in the locations: a moved line does not rewrite the catalogue
            write_po(file, catalog, width=100, include_previous=False, include_lineno=False)
        path.with_suffix(".mo").write_bytes(mo_bytes(catalog))
        left[language] = untranslated(catalog)
    return left


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report untranslated messages, change nothing")
    parser.add_argument("--add-language", metavar="LANG", help="start a catalogue for LANG (e.g. it)")
    args = parser.parse_args()
    languages = LANGUAGES + ((args.add_language,) if args.add_language else ())
    if args.check:
        template = extract()
        left = {}
        for language in languages:
            catalog = read_catalog(language)
            catalog.update(template, update_header_comment=False, update_creation_date=False)
            left[language] = untranslated(catalog)
    else:
        left = update(languages)
    for language, missing in left.items():
        print(f"{language}: {len(missing)} message(s) without a translation")
        for message in missing[:20]:
            print(f"    {message!r}")
    return 1 if args.check and any(left.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
