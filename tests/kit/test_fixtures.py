"""The plugin's fixtures and settings, in this session (where pytest-qt is active)."""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

from pos_app.config import TRAINING
from pos_app.testing import training_settings


def test_pos_config_is_training_mode_in_a_throwaway_folder(pos_config, tmp_path):
    assert pos_config.mode == TRAINING
    assert pos_config.data_dir == tmp_path / "pos-data"
    assert pos_config.seed_demo_catalogue and pos_config.currency == "usd"


def test_pos_config_ignores_the_process_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POS_CURRENCY", "gbp")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_abc")
    settings = training_settings(tmp_path)
    assert (settings.mode, settings.currency) == (TRAINING, "usd")


@pytest.mark.pos_settings(currency="EUR", tax_mode="inclusive", shop_name="Kit shop", seed_demo_catalogue=False)
def test_the_pos_settings_marker_overrides_settings(pos_config):
    assert (pos_config.currency, pos_config.tax_mode.value) == ("eur", "inclusive")
    assert pos_config.shop_name == "Kit shop" and not pos_config.seed_demo_catalogue


def test_an_unknown_setting_is_a_usage_error(tmp_path):
    with pytest.raises(pytest.UsageError, match="unknown setting 'colour'; known: auto_print, currency"):
        training_settings(tmp_path, colour="blue")


class TestModuleOptions:
    @pytest.fixture
    def pos_options(self):
        return {"shop_name": "From a fixture"}

    def test_overriding_pos_options_sets_them_for_a_group_of_tests(self, pos_config):
        assert pos_config.shop_name == "From a fixture"


def test_pos_app_serves_the_cart_api_with_its_token(pos_app):
    assert pos_app.local.store.catalogue.get("item3") is not None
    assert pos_app.sandbox_url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(f"{pos_app.url}/cart", headers={"Authorization": f"Bearer {pos_app.token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response)["items"] == {}


def test_pos_window_is_the_shown_till_ready_to_sell(qtbot, pos_window, pos_app):
    assert pos_window.objectName() == "mainWindow" and pos_window.isVisible()
    assert pos_window.local is pos_app.local and pos_window.payments is pos_app.payments
    assert pos_window.mode_badge.text() == "TRAINING"
    assert pos_window.status_gateway.text() == "Gateway: OK"  # the start-up reconciliation has run


def test_pos_is_bound_to_the_window(pos, pos_window, pos_app):
    assert pos.window is pos_window and pos.app is pos_app


@pytest.mark.parametrize("euid, preset, platform, no_sandbox", [
    (0, None, "offscreen", True),  # root in a CI container: Chromium cannot use its sandbox
    (1000, None, "offscreen", False),  # a normal user keeps Chromium's sandbox
    (1000, "xcb", "xcb", False),  # a platform chosen by the tester is kept (to watch the till)
])
def test_headless_qt_setup(monkeypatch, euid, preset, platform, no_sandbox):
    from pos_app.testing.plugin import configure_headless_qt

    monkeypatch.delenv("QTWEBENGINE_CHROMIUM_FLAGS", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    if preset:
        monkeypatch.setenv("QT_QPA_PLATFORM", preset)
    monkeypatch.setattr(os, "geteuid", lambda: euid, raising=False)
    configure_headless_qt()
    configure_headless_qt()  # twice: the flag is not repeated
    assert os.environ["QT_QPA_PLATFORM"] == platform
    assert os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split() == (["--no-sandbox"] if no_sandbox else [])
