"""The receipt printer and the drawer it kicks, on real devices: a file, a TCP printer, a missing one.

Every opening of the drawer is recorded with its reason, and the kick (ESC p) reaches the printer;
a printer that fails records kicked=False and never loses or holds up a sale.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path

import pytest

from pos_app.config import ConfigError, parse_printer
from pos_app.core import AppCore
from pos_app.devices import PrinterError, PrintOutcome, open_printer, receipt_for
from pos_app.devices.escpos_receipt import DRAWER_KICK
from pos_app.store import DrawerReason
from pos_app.testing.plugin import training_settings
from pos_app.testing.staff import log_in

from tests.integration.devices.conftest import sell

KICK = b"\x1bp"


def printed(core: AppCore) -> bytes:
    path = Path(core.settings.receipt_printer.path)
    return path.read_bytes() if path.exists() else b""


@pytest.mark.parametrize("reason", list(DrawerReason))
def test_each_opening_kicks_the_training_file_printer_and_is_recorded(make_core, reason):
    core = make_core()
    shift = core.local.store.shifts.current("till-1")  # make_core opened it (float 0)
    opening = core.local.drawer.open(reason, shift_id=shift.id)
    assert printed(core) == DRAWER_KICK and DRAWER_KICK.startswith(KICK)
    device = f"file:{core.settings.data_dir / 'printer.bin'}"
    assert (opening.reason, opening.kicked, opening.device, opening.shift_id) == (reason, True, device, shift.id)
    assert core.local.store.drawer.all() == [opening]


def test_the_file_printer_keeps_every_job_in_order(make_core):
    core = make_core()
    order = sell(core)
    core.local.drawer.open(DrawerReason.CASH_SALE, shift_id=None, order_id=order.id)
    core.local.printer.print_receipt(receipt_for(order, core.settings))
    core.local.drawer.open(DrawerReason.NO_SALE, shift_id=None)
    data = printed(core)
    assert data.startswith(DRAWER_KICK) and data.endswith(DRAWER_KICK) and data.count(KICK) == 2
    assert f"Receipt {order.number}".encode() in data


def test_no_printer_records_the_opening_as_not_kicked(make_core):
    core = make_core(printer="none")
    assert core.local.printer is None
    opening = core.local.drawer.open(DrawerReason.NO_SALE, shift_id=None)
    assert (opening.kicked, opening.device) == (False, "")


def test_a_printer_that_fails_records_not_kicked_and_says_why(make_core, tmp_path, caplog):
    missing = tmp_path / "unplugged" / "printer.bin"  # its folder isn't there: opening the device fails
    core = make_core(printer=f"file:{missing}")
    with caplog.at_level(logging.WARNING, "pos_app.devices"):
        opening = core.local.drawer.open(DrawerReason.CASH_REFUND, shift_id=None)
    assert (opening.kicked, opening.device) == (False, f"file:{missing}")
    assert core.local.store.drawer.all() == [opening]
    assert any("open the cash drawer" in r.getMessage() for r in caplog.records)
    with pytest.raises(PrinterError, match=rf"Could not print receipt .* \(file:{missing}\)"):
        core.local.printer.print_receipt(receipt_for(sell(core), core.settings))


def test_auto_print_prints_each_new_sale_once_in_order(make_core):
    core = make_core(auto_print=True)
    first, second = sell(core), sell(core, "item2", 1)
    assert core.local.printer.wait_printed(10)
    data = printed(core)
    assert data.count(b"Receipt ") == 2
    assert data.index(f"Receipt {first.number}".encode()) < data.index(f"Receipt {second.number}".encode())
    assert KICK not in data  # a card sale opens no drawer


def test_auto_print_is_off_unless_set(make_core):
    core = make_core()
    sell(core)
    assert core.local.printer.wait_printed(10) and printed(core) == b""


def test_a_failing_printer_never_loses_or_blocks_the_sale(make_core, tmp_path, caplog):
    core = make_core(auto_print=True, printer=f"file:{tmp_path / 'unplugged' / 'printer.bin'}")
    outcomes: list[PrintOutcome] = []
    core.local.printer.subscribe(outcomes.append)
    with caplog.at_level(logging.ERROR, "pos_app.devices"):
        order = sell(core)
        assert core.local.printer.wait_printed(10)
    assert core.local.store.orders.get(order.id) == order and core.local.carts.snapshot().empty
    assert [o.number for o in outcomes] == [order.number] and "Could not print receipt" in outcomes[0].error
    assert any(order.number in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    sell(core)  # and the till sells on
    assert core.local.printer.wait_printed(10) and len(outcomes) == 2


def test_a_restarted_till_does_not_print_old_sales_again(make_core, tmp_path):
    core = make_core(auto_print=True)
    sell(core)
    assert core.local.printer.wait_printed(10)
    settings = core.settings
    core.stop()
    again = AppCore(settings).start()
    try:
        log_in(again.open())
        newer = sell(again, "item2", 1)
        assert again.local.printer.wait_printed(10)
        assert printed(again).count(b"Receipt ") == 2 and f"Receipt {newer.number}".encode() in printed(again)
    finally:
        again.stop()


class TcpPrinter:
    """A network receipt printer's raw port (9100) on 127.0.0.1: what it received, per connection."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                self.jobs.append(b"".join(chunks))

    def close(self) -> None:
        self.server.close()
        self._thread.join(5)


def test_a_network_printer_gets_the_kick_over_tcp(make_core):
    printer = TcpPrinter()
    try:
        core = make_core(printer=f"network:127.0.0.1:{printer.port}")
        assert core.local.drawer.open(DrawerReason.PAID_IN, shift_id=None).kicked is True
        order = sell(core)
        core.local.printer.print_receipt(receipt_for(order, core.settings))
    finally:
        printer.close()
    assert printer.jobs[0] == DRAWER_KICK and f"Receipt {order.number}".encode() in printer.jobs[1]


def test_a_network_printer_that_is_off_records_not_kicked(make_core):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
    core = make_core(printer=f"network:127.0.0.1:{port}")  # nothing listens there now: refused
    assert core.local.drawer.open(DrawerReason.PAID_OUT, shift_id=None).kicked is False


@pytest.mark.skipif(not os.environ.get("POS_TEST_PRINTER"), reason="set POS_TEST_PRINTER (e.g. network:10.0.0.9) "
                                                                    "to print on a real receipt printer")
def test_a_real_printer_prints_a_receipt_and_kicks_its_drawer(make_core):  # pragma: no cover (needs hardware)
    core = make_core(printer=os.environ["POS_TEST_PRINTER"])
    core.local.printer.print_receipt(receipt_for(sell(core), core.settings))
    assert core.local.drawer.open(DrawerReason.NO_SALE, shift_id=None).kicked is True


@pytest.mark.parametrize("kind, setting", [("usb", "usb:04b8:0202"), ("serial", "serial:/dev/ttyUSB0")])
def test_a_usb_or_serial_printer_without_its_driver_is_refused_at_start(tmp_path, kind, setting):
    import importlib.util
    if importlib.util.find_spec(kind) is not None:
        pytest.skip(f"the {kind!r} package is installed here")
    settings = training_settings(tmp_path, printer=setting)
    core = AppCore(settings)
    with pytest.raises(ConfigError, match=rf"POS_PRINTER={setting}.*pip install 'python-escpos\[{kind}\]'"):
        core.open()
    core.stop()
    assert open_printer(parse_printer("none")) is None


class SlowFile:
    """A file device that writes a job in two halves with a pause between: a fault we inject (a
    slow printer) to see whether another job can land inside it."""

    def __init__(self, path: Path, halfway: threading.Event, kicked: threading.Event) -> None:
        self.path, self.halfway, self.kicked = path, halfway, kicked

    def _raw(self, data: bytes) -> None:
        with self.path.open("ab") as out:
            if data == DRAWER_KICK:
                out.write(data)
                self.kicked.set()
                return
            out.write(data[: len(data) // 2])
            out.flush()
            self.halfway.set()
            self.kicked.wait(0.5)  # a kick that is not held back lands here, inside the receipt
            out.write(data[len(data) // 2:])

    def close(self) -> None:
        pass


def test_a_kick_never_lands_inside_a_receipt(make_core, tmp_path):
    from pos_app.devices import ReceiptPrinter
    from pos_app.devices.escpos_receipt import render_receipt

    order = sell(make_core(printer="none"))
    path, halfway, kicked = tmp_path / "slow.bin", threading.Event(), threading.Event()
    printer = ReceiptPrinter("file:slow", lambda: SlowFile(path, halfway, kicked))
    receipt = receipt_for(order, training_settings(tmp_path))
    printing = threading.Thread(target=printer.print_receipt, args=(receipt,))
    printing.start()
    assert halfway.wait(5)
    assert printer.kick_drawer() is True
    printing.join(5)
    assert path.read_bytes() == render_receipt(receipt) + DRAWER_KICK
