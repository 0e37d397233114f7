"""`pos-app reader register|list|use|location`: the till's Stripe Terminal readers from a terminal.

The commands talk to Stripe with the till's keys, or in training to the data folder's own sandbox
(as the till does), so a reader registered here is the one the till sees. Which reader this till
charges on is the setting POS_READER_ID: `register --use` and `use` write it into the settings
file (.env, or --env-file), since the environment and the file are where the till reads its
settings. A reader needs a location: `--location` names one; without it the shop's only location
is taken, and in training one is made for the shop when there is none.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pos_app.config import Settings, check_reader_id
from pos_app.gateways import open_gateway
from pos_app.i18n import _
from pos_app.payments.readers import Location, Reader, ReaderGateway

#: In training a reader's location needs an address; Stripe's own examples use one like this.
TRAINING_ADDRESS = {"line1": "1 Training Street", "city": "San Francisco", "state": "CA",
                    "postal_code": "94102", "country": "US"}


class ReaderCommandError(Exception):
    """A reader command can't go on; the text says why and what to do."""


def run_reader_command(settings: Settings, action: str, *, env_file: str | None = None,
                       code: str = "", label: str = "", location: str | None = None,
                       use: bool = False, reader_id: str = "", name: str = "",
                       address: dict[str, str] | None = None) -> int:
    try:
        with open_gateway(settings) as gateway:
            if action == "use":
                reader = gateway.retrieve_reader(check_reader_id(reader_id, "READER_ID"))
                return _use(reader.id, env_file)
            if action == "register":
                reader = _register(settings, gateway, code, label, location)
                return _use(reader.id, env_file) if use else _hint(reader)
            if action == "list":
                _print_readers(gateway.list_readers(), settings.reader_id)
            elif action == "location-add":
                made = gateway.create_location(display_name=name, address=address or {})
                print(_("location {id} added: {name}").format(id=made.id, name=made.display_name))
            elif action == "location-list":
                _print_locations(gateway.list_locations())
        return 0
    except ReaderCommandError as exc:
        print(f"pos-app: {exc}", file=sys.stderr)
        return 2


def _register(settings: Settings, gateway: ReaderGateway, code: str, label: str,
              location: str | None) -> Reader:
    location = location or _default_location(settings, gateway).id
    reader = gateway.register_reader(registration_code=code, label=label, location=location)
    print(_("reader {label} registered: {id} ({device}, {status})").format(
        label=reader.label, id=reader.id, device=reader.device_type, status=reader.status.value))
    return reader


def _default_location(settings: Settings, gateway: ReaderGateway) -> Location:
    """The shop's only location; in training one made for the shop when it has none."""
    locations = gateway.list_locations()
    if len(locations) == 1:
        return locations[0]
    if not locations and settings.training:
        return gateway.create_location(display_name=settings.shop_name, address=TRAINING_ADDRESS)
    if not locations:
        raise ReaderCommandError(_("no Terminal location yet: add one with  pos-app reader location "
                                   "add NAME --line1 ... --city ... --postal-code ... --country CC"))
    names = ", ".join(f"{loc.id} ({loc.display_name})" for loc in locations)
    raise ReaderCommandError(_("the shop has several locations; name one with --location: {names}")
                             .format(names=names))


def _use(reader_id: str, env_file: str | None) -> int:
    """Write POS_READER_ID into the settings file (made if missing)."""
    from dotenv import set_key

    path = Path(env_file or ".env")
    path.touch(exist_ok=True)
    set_key(path, "POS_READER_ID", reader_id, quote_mode="never")
    print(_("this till now charges on reader {id} (POS_READER_ID in {file})").format(
        id=reader_id, file=path))
    if os.environ.get("POS_READER_ID", reader_id) != reader_id:
        print(_("note: POS_READER_ID is also set in the environment, which wins over {file}")
              .format(file=path), file=sys.stderr)
    return 0


def _hint(reader: Reader) -> int:
    print(_("to charge on it from this till: pos-app reader use {id}  (or set POS_READER_ID={id})")
          .format(id=reader.id))
    return 0


def _print_readers(readers: list[Reader], current: str) -> None:
    if not readers:
        print(_("no readers: register one with  pos-app reader register CODE --label NAME"))
        return
    rows = [(r.label, r.id, r.device_type, _status(r), "*" if r.id == current else "")
            for r in readers]
    header = (_("label"), _("id"), _("device type"), _("status"), _("this till"))
    _print_table(header, rows)


def _status(reader: Reader) -> str:
    if reader.status.value == "offline":
        return _("offline")
    return _("busy") if reader.busy else _("online")


def _print_locations(locations: list[Location]) -> None:
    if not locations:
        print(_("no locations: add one with  pos-app reader location add NAME"))
        return
    _print_table((_("id"), _("name")), [(loc.id, loc.display_name) for loc in locations])


def _print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
