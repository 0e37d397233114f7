"""The product tiles' file (POS_TILES): which favourite items and categories the till shows as tiles.

A CSV with a header `label,sku,category` (comma or semicolon separated, UTF-8), one tile a row,
in the order shown: a row with a `sku` is an item tile (a tap adds the item, as a scan does), a
row with a `category` is a category tile (a tap opens the category's items as tiles, a page at a
time). `label` is optional (the item's or category's name). Where it comes from (tiles_path):
POS_TILES if set, else `<data dir>/tiles.csv` if there is one, else the demo tiles
(resources/demo_tiles.csv) while the demo catalogue is seeded; with none of those (or none of a
file's rows naming an item or a category the catalogue has) the till shows a tile per category.
Rows that name nothing in the catalogue are left out, with a warning in the log.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from pos_app.resources import resource_path

log = logging.getLogger(__name__)

TILES_FILE = "tiles.csv"
DEMO_TILES = "demo_tiles.csv"
MAX_TILES = 200  # a file's first rows: more would not fit a screen anyway


class TilesFileError(ValueError):
    """The tiles file can't be read (named with its line)."""


@dataclass(frozen=True)
class Tile:
    """One tile: an item (sku) or a category; `label` is shown (empty: the name from the catalogue)."""

    label: str = ""
    sku: str = ""
    category: str = ""

    @property
    def is_category(self) -> bool:
        return bool(self.category) and not self.sku


def tiles_path(settings) -> Path | None:
    """The tiles file the till reads (see the module's docstring), or None: a tile per category."""
    if settings.tiles_file:
        return Path(settings.tiles_file)
    own = Path(settings.data_dir) / TILES_FILE
    if own.is_file():
        return own
    return resource_path(DEMO_TILES) if settings.seed_demo_catalogue else None


def parse_tiles(text: str) -> list[Tile]:
    """The tiles of a file's text, in order; a row with neither a sku nor a category is an error."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    fields = {name.strip().lower() for name in reader.fieldnames or ()}
    if not fields & {"sku", "category"}:
        raise TilesFileError("line 1: the header needs a 'sku' or a 'category' column (label,sku,category)")
    tiles = []
    for line, row in enumerate(reader, start=2):
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        tile = Tile(values.get("label", ""), values.get("sku", ""), values.get("category", ""))
        if not (tile.sku or tile.category):
            raise TilesFileError(f"line {line}: a tile needs a sku (an item) or a category")
        tiles.append(tile)
        if len(tiles) >= MAX_TILES:
            log.warning("tiles file: only the first %d tiles are shown", MAX_TILES)
            break
    return tiles


def read_tiles(path: Path) -> list[Tile]:
    """The file's tiles; a file that is missing or can't be read gives none (logged: the till still sells)."""
    try:
        return parse_tiles(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TilesFileError, csv.Error) as exc:
        log.warning("tiles file %s not used: %s", path, exc)
        return []
