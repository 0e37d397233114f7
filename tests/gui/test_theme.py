"""The themes: touch sizes in every theme, and POS_THEME=high-contrast's palette at 7:1 or better."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from pos_app.config import ConfigError, Settings
from pos_app.qt.theme import (CONTRAST_PAIRS, HIGH_CONTRAST, HIGH_CONTRAST_TILL, STANDARD, apply_theme,
                              contrast_ratio)


@pytest.fixture
def restore_theme(qapp):
    yield qapp
    apply_theme(STANDARD, qapp)  # the next tests see the standard till


def test_the_wcag_contrast_ratio_is_computed_as_wcag_defines_it():
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#123456"), QColor("#123456")) == pytest.approx(1.0)


@pytest.mark.pos_settings(theme=HIGH_CONTRAST)
def test_the_high_contrast_theme_gives_the_application_a_7_to_1_palette(pos, restore_theme):
    palette = QApplication.palette()
    for text, background in CONTRAST_PAIRS:
        ratio = contrast_ratio(palette.color(text), palette.color(background))
        assert ratio >= 7.0, f"{text.name} on {background.name}: {ratio:.1f}:1"
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    assert contrast_ratio(disabled, palette.color(QPalette.ColorRole.Button)) >= 7.0
    assert "#ffff00" in QApplication.instance().styleSheet()  # the focus ring
    assert HIGH_CONTRAST_TILL in pos.window.form.styleSheet()  # the till's own tints overridden
    hint = pos.window.catalogue_hint
    assert contrast_ratio(hint.palette().color(hint.foregroundRole()), palette.color(QPalette.ColorRole.Window)) >= 7


def test_the_standard_theme_is_the_styles_own_palette_with_touch_sizes(pos, restore_theme):
    app = QApplication.instance()
    assert app.property("posTheme") == STANDARD
    assert app.palette().color(QPalette.ColorRole.Window) == app.style().standardPalette().color(
        QPalette.ColorRole.Window)
    assert "min-height: 44px" in app.styleSheet()
    assert HIGH_CONTRAST_TILL not in pos.window.form.styleSheet()


def test_pos_theme_is_checked_when_the_settings_are_read(tmp_path):
    assert Settings.load({"POS_DATA_DIR": str(tmp_path), "POS_THEME": "High-Contrast"}, env_file=None).theme == (
        HIGH_CONTRAST)
    with pytest.raises(ConfigError, match="POS_THEME"):
        Settings.load({"POS_DATA_DIR": str(tmp_path), "POS_THEME": "neon"}, env_file=None)
