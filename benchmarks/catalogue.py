"""Synthetic catalogues of N items, generated fast and cached outside the repository.

Items look like a grocery/convenience store's: "<brand> <adjective> <product> <size>" names,
~20 categories, prices 0.29-99.99, tax rates by category, unique SKUs and valid EAN-13
barcodes. Generation is deterministic (seeded by N), so every run benchmarks the same data.

The catalogue file is made by pos_app's own Database with the catalogue's schema (so the FTS5
indexes and their triggers are the app's), filled with one executemany in one transaction, and
cached as <cache dir>/catalogue-v<GENERATOR_VERSION>-<N>.sqlite3. Benchmarks copy it into a
throw-away data dir as the till's catalogue file (they change the cart), never into the repository.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

# 2: schema 2 (word index); 3: the catalogue's own file (store/catalogue_db.py); "4n": its migration 3,
# items.name_key (natural order, issue 20): an older cached file would be migrated in every timed start.
GENERATOR_VERSION = "4n"
CURRENCY = "usd"

BRANDS = ("Brightfield", "Northvale", "Sunmead", "Oakridge", "Blue Harbor", "Greenacre", "Maple & Co",
          "Riverstone", "Goldleaf", "Hillcrest", "Silverbirch", "Meadowbrook", "Redwing", "Clearwater",
          "Stonebridge", "Harvest Moon", "Kingsway", "Fairhaven", "Westwood", "Ashford", "Pinecrest",
          "Lakeside", "Copperfield", "Evergreen", "Highland", "Bayview", "Willowby", "Foxglove")
ADJECTIVES = ("Organic", "Classic", "Smoked", "Roasted", "Fresh", "Light", "Extra", "Wholegrain", "Spicy",
              "Sweet", "Salted", "Unsalted", "Premium", "Family", "Mini", "Crunchy", "Creamy", "Dark",
              "Wild", "Free-Range", "Vegan", "Sparkling", "Still", "Mild", "Mature", "Low-Fat", "Honey")
CATEGORIES = {  # category: (tax rate in basis points, products)
    "Bakery": (0, ("Sourdough Loaf", "Bagels", "Croissants", "Rye Bread", "Muffins", "Baguette", "Pita")),
    "Dairy": (0, ("Milk", "Butter", "Cheddar", "Yogurt", "Cream Cheese", "Mozzarella", "Kefir")),
    "Produce": (0, ("Apples", "Bananas", "Tomatoes", "Avocados", "Carrots", "Spinach", "Blueberries")),
    "Meat": (0, ("Chicken Thighs", "Beef Mince", "Pork Sausages", "Bacon", "Lamb Chops", "Turkey Breast")),
    "Seafood": (0, ("Salmon Fillet", "Tuna Steak", "Prawns", "Cod Loin", "Mussels", "Sardines")),
    "Frozen": (500, ("Peas", "Pizza", "Ice Cream", "Fish Fingers", "Berries Mix", "Dumplings")),
    "Pantry": (0, ("Pasta", "Basmati Rice", "Olive Oil", "Peanut Butter", "Oats", "Lentils", "Flour")),
    "Snacks": (800, ("Potato Chips", "Pretzels", "Popcorn", "Trail Mix", "Rice Cakes", "Nachos")),
    "Confectionery": (800, ("Chocolate Bar", "Gummy Bears", "Toffee", "Mints", "Fudge", "Licorice")),
    "Beverages": (800, ("Orange Juice", "Cola", "Lemonade", "Iced Tea", "Mineral Water", "Ginger Ale")),
    "Coffee & Tea": (0, ("Ground Coffee", "Espresso Beans", "Green Tea", "Earl Grey", "Chai", "Cocoa")),
    "Breakfast": (0, ("Granola", "Corn Flakes", "Muesli", "Pancake Mix", "Maple Syrup", "Jam")),
    "Household": (2000, ("Dish Soap", "Paper Towels", "Laundry Liquid", "Bin Bags", "Sponges", "Foil")),
    "Personal Care": (2000, ("Shampoo", "Toothpaste", "Hand Soap", "Deodorant", "Lip Balm", "Razors")),
    "Baby": (500, ("Diapers", "Baby Wipes", "Baby Food", "Formula", "Baby Lotion")),
    "Pet": (2000, ("Dog Food", "Cat Litter", "Cat Treats", "Bird Seed", "Chew Toy")),
    "Deli": (0, ("Hummus", "Olives", "Salami", "Coleslaw", "Pesto", "Prosciutto")),
    "Condiments": (0, ("Ketchup", "Mustard", "Mayonnaise", "Soy Sauce", "Hot Sauce", "Vinegar")),
    "Health": (500, ("Vitamin C", "Multivitamins", "Protein Bars", "Electrolyte Drink", "Fish Oil")),
    "Stationery": (2000, ("Notebook", "Ballpoint Pens", "Sticky Notes", "Envelopes", "Tape")),
}
SIZES = ("100 g", "200 g", "250 g", "400 g", "500 g", "1 kg", "2 kg", "330 ml", "500 ml", "1 l", "2 l",
         "6 pack", "12 pack", "x4", "x10", "family size")
EAN_PREFIXES = ("501", "400", "300", "800", "871", "540", "590", "690", "760", "880")


def ean13(twelve: str) -> str:
    """twelve digits + the EAN-13 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve))
    return twelve + str((10 - total % 10) % 10)


def rows(n: int) -> Iterator[tuple]:
    """(sku, name, price, currency, category, barcode, tax_rate_bp) for n items, deterministic."""
    rng = random.Random(f"pos-app-bench-{n}")
    categories = list(CATEGORIES.items())
    codes = {name: name[:3].upper() for name in CATEGORIES}
    for i in range(n):
        category, (tax_bp, products) = categories[rng.randrange(len(categories))]
        name = f"{rng.choice(BRANDS)} {rng.choice(ADJECTIVES)} {rng.choice(products)} {rng.choice(SIZES)}"
        # A bijection on 0..10^9-1 (multiplier coprime to 10^9) keeps every barcode unique yet scattered.
        body = (i * 387_420_489 + 12_345) % 1_000_000_000
        barcode = ean13(f"{EAN_PREFIXES[i % len(EAN_PREFIXES)]}{body:09d}")
        price = rng.choice((29, 49, 99, 149, 199, 249, 299, 349, 399, 499, 599, 799, 999, 1299, 1999,
                            2499, 4999, 9999)) + rng.choice((0, 0, 0, 10, 20, 50))
        yield (f"{codes[category]}-{i + 1:07d}", name, price, CURRENCY, category, barcode, tax_bp)


def cache_dir() -> Path:
    """$POS_BENCH_CACHE, else $XDG_CACHE_HOME/pos-app-bench, else <tmp>/pos-app-bench-cache."""
    if os.environ.get("POS_BENCH_CACHE"):
        path = Path(os.environ["POS_BENCH_CACHE"])
    elif os.environ.get("XDG_CACHE_HOME"):
        path = Path(os.environ["XDG_CACHE_HOME"]) / "pos-app-bench"
    else:
        path = Path(tempfile.gettempdir()) / "pos-app-bench-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def build(path: Path, n: int) -> None:
    """Create a pos-app catalogue file at path holding n synthetic items (in one transaction)."""
    from pos_app.store.catalogue_db import CATALOGUE_MIGRATIONS, fill_name_keys
    from pos_app.store.db import Database

    db = Database(path, migrations=CATALOGUE_MIGRATIONS)  # the app's schema, FTS5 indexes and triggers
    try:
        with db.transaction() as conn:
            conn.executemany("INSERT INTO items (sku, name, price, currency, category, barcode, tax_rate_bp)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)", rows(n))
        fill_name_keys(db)  # as the app writes them (its writes compute the key; this insert does not)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.execute("ANALYZE")
    finally:
        db.close()


def catalogue_db(n: int) -> Path:
    """The cached database of n items (built on first use)."""
    path = cache_dir() / f"catalogue-v{GENERATOR_VERSION}-{n}.sqlite3"
    if not path.exists():
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        build(tmp, n)
        os.replace(tmp, path)
    return path


def data_dir_with(n: int, parent: Path | None = None) -> Path:
    """A fresh data dir (POS_DATA_DIR) whose catalogue file is a copy of the n-item catalogue."""
    from pos_app.store.catalogue_db import catalogue_path

    data_dir = Path(tempfile.mkdtemp(prefix=f"pos-bench-{n}-", dir=parent))
    shutil.copyfile(catalogue_db(n), catalogue_path(data_dir / "pos.sqlite3"))
    return data_dir


def sample(n: int, k: int, seed: str = "sample") -> list[tuple]:
    """k rows of the n-item catalogue (read back from the cached database), deterministic."""
    conn = sqlite3.connect(catalogue_db(n))
    try:
        rowids = random.Random(f"{seed}-{n}").sample(range(1, n + 1), k)
        return [conn.execute("SELECT sku, name, barcode FROM items WHERE rowid = ?", (r,)).fetchone()
                for r in rowids]
    finally:
        conn.close()
