"""POS_PRINTER and POS_AUTO_PRINT: every form of the setting read, every bad one refused naming it."""

from __future__ import annotations

import pytest

from pos_app.config import ConfigError, PrinterSetting, Settings


def load(**env):
    return Settings.load(environ=env, env_file=None)


@pytest.mark.parametrize("text, expected", [
    ("none", PrinterSetting("none")),
    ("file:/tmp/receipts.bin", PrinterSetting("file", path="/tmp/receipts.bin")),
    ("usb:04b8:0x0202", PrinterSetting("usb", vendor_id=0x04B8, product_id=0x0202)),
    ("network:192.168.1.50", PrinterSetting("network", host="192.168.1.50", port=9100)),
    ("network:printer.local:9101", PrinterSetting("network", host="printer.local", port=9101)),
    ("network:[fe80::1]:9100", PrinterSetting("network", host="fe80::1", port=9100)),
    ("serial:/dev/ttyUSB0", PrinterSetting("serial", path="/dev/ttyUSB0", baudrate=9600)),
    ("serial:/dev/ttyS1:19200", PrinterSetting("serial", path="/dev/ttyS1", baudrate=19200)),
    ("serial:COM3:115200", PrinterSetting("serial", path="COM3", baudrate=115200)),
])
def test_each_form_of_pos_printer_is_read(text, expected, tmp_path):
    setting = load(POS_PRINTER=text, POS_DATA_DIR=str(tmp_path)).receipt_printer
    assert setting == expected
    assert load(POS_PRINTER=str(setting), POS_DATA_DIR=str(tmp_path)).receipt_printer == setting  # str() reads back


@pytest.mark.parametrize("text, why", [
    ("epson", "must be none, file:PATH, usb:VID:PID"),
    ("file:", "must be none, file:PATH"),
    ("none:x", "must be none"),
    ("usb:04b8", "usb: needs the vendor and product id in hex"),
    ("usb:zz:01", "usb: needs the vendor and product id in hex"),
    ("network:", "must be none"),
    ("network:two words", "network: needs a host name or IP address"),
    ("network:printer:0", "port must be 1-65535"),
    ("network:printer:99999", "port must be 1-65535"),
    ("network:printer:١٢", "port must be 1-65535"),  # Arabic-Indic digits: isdigit() says yes
    ("serial:/dev/ttyS0:12345", "serial: needs a device and optionally a baud rate"),
])
def test_a_bad_pos_printer_is_refused_naming_the_setting_and_what_is_wrong(text, why):
    with pytest.raises(ConfigError, match=f"^POS_PRINTER.*{why}"):
        load(POS_PRINTER=text)


def test_a_folder_is_not_a_file_printer(tmp_path):
    with pytest.raises(ConfigError, match=r"POS_PRINTER: .* is a folder"):
        load(POS_PRINTER=f"file:{tmp_path}")


def test_unset_is_a_file_in_the_data_folder_in_training_and_none_with_stripe_keys(tmp_path):
    assert load(POS_DATA_DIR=str(tmp_path)).receipt_printer == PrinterSetting("file", path=str(tmp_path /
                                                                                                "printer.bin"))
    keys = {"STRIPE_SECRET_KEY": "sk_test_abc", "STRIPE_PUBLISHABLE_KEY": "pk_test_abc"}
    assert load(**keys).receipt_printer == PrinterSetting("none")
    assert load(POS_PRINTER="none").receipt_printer == PrinterSetting("none")  # training without one, on purpose


def test_auto_print_is_a_flag_and_needs_a_printer():
    assert load().auto_print is False and load(POS_AUTO_PRINT="1").auto_print is True
    with pytest.raises(ConfigError, match="POS_AUTO_PRINT must be 1 or 0"):
        load(POS_AUTO_PRINT="sometimes")
    with pytest.raises(ConfigError, match="POS_AUTO_PRINT=1 needs a receipt printer: set POS_PRINTER"):
        load(POS_AUTO_PRINT="1", POS_PRINTER="none")
