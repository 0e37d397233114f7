"""The pure rules behind the till's layout: which columns give way, which screen the customer display takes."""

from __future__ import annotations

import logging

import pytest

from pos_app.config import ConfigError, Settings
from pos_app.qt.customer_screen import choose_screen
from pos_app.qt.readable_columns import columns_to_hide

WIDTHS = {1: 80, 2: 150, 3: 100}  # category, SKU, price


def test_no_column_is_hidden_when_the_name_has_room():
    assert columns_to_hide(600, WIDTHS, (2, 1), 190) == set()


def test_the_first_optional_column_gives_way_first_and_only_as_many_as_needed():
    assert columns_to_hide(400, WIDTHS, (2, 1), 190) == {2}  # 400 - 330 = 70 < 190; without SKU: 220
    assert columns_to_hide(300, WIDTHS, (2, 1), 190) == {1, 2}


def test_a_column_not_optional_never_gives_way():
    assert columns_to_hide(100, WIDTHS, (2,), 190) == {2}


TILL, SECOND, THIRD = "till", "second", "third"


def test_auto_takes_the_first_screen_that_is_not_the_tills():
    assert choose_screen([TILL, SECOND, THIRD], TILL, "auto") == SECOND
    assert choose_screen([SECOND, TILL], TILL, "auto") == SECOND


def test_auto_with_one_screen_opens_no_display():
    assert choose_screen([TILL], TILL, "auto") is None


def test_off_opens_none_even_with_two_screens():
    assert choose_screen([TILL, SECOND], TILL, "off") is None


def test_a_number_takes_that_screen_even_the_tills(caplog):
    assert choose_screen([TILL, SECOND], TILL, "1") == SECOND
    assert choose_screen([TILL], TILL, "0") == TILL  # asked for: a test rig with one monitor
    with caplog.at_level(logging.WARNING):
        assert choose_screen([TILL], TILL, "2") is None
    assert "only 1 screen" in caplog.text


def test_the_setting_is_checked_when_loaded():
    assert Settings.load(environ={}, env_file=None).customer_screen == "auto"
    assert Settings.load(environ={"POS_CUSTOMER_SCREEN": " Off "}, env_file=None).customer_screen == "off"
    assert Settings.load(environ={"POS_CUSTOMER_SCREEN": "1"}, env_file=None).customer_screen == "1"
    with pytest.raises(ConfigError, match="POS_CUSTOMER_SCREEN"):
        Settings.load(environ={"POS_CUSTOMER_SCREEN": "left"}, env_file=None)
