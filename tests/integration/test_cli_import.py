"""`pos-app import-catalogue` as a user runs it (a real subprocess)."""

import subprocess
import sys

from pos_app.resources import resource_path


def run(*args, data_dir):
    return subprocess.run([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent",
                           "--data-dir", str(data_dir), *args], capture_output=True, text=True, timeout=60)


def test_import_demo_catalogue(tmp_path):
    out = run("import-catalogue", str(resource_path("demo_catalogue.csv")), data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "46 added, 0 updated" in out.stdout


def test_bad_file_is_refused_with_line_and_field(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("sku,name,price\nkeep,Kept,1.00\n")
    assert run("import-catalogue", str(good), data_dir=tmp_path).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name,price\nok,Fine,1.00\nbroken,Broken,1,5\n")
    out = run("import-catalogue", str(bad), data_dir=tmp_path)
    assert out.returncode == 2
    assert "line 3, field 'row'" in out.stderr
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store
    store = open_store(tmp_path / "pos.sqlite3", PricingPolicy())
    try:
        assert store.catalogue.get("ok") is None  # the good row of the bad file was not imported either
        assert store.catalogue.get("keep").name == "Kept"
    finally:
        store.close()


def test_a_large_file_shows_a_progress_bar_on_a_terminal_and_none_in_a_pipe(tmp_path):
    import fcntl
    import os
    import pty
    import struct
    import termios

    big = tmp_path / "big.csv"
    big.write_text("sku,name,price\n" + "".join(f"s{n},Item {n},1.00\n" for n in range(25_000)))
    master, slave = pty.openpty()  # stderr is a terminal, as when a person runs the command
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns wide
    process = subprocess.Popen([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent", "--data-dir",
                                str(tmp_path / "till"), "import-catalogue", str(big)],
                               stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the command ended and closed its end of the terminal
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    stdout = process.communicate(timeout=120)[0]
    assert process.returncode == 0 and "25,000 changed (25000 added" in stdout
    assert b"writing big.csv" in terminal and b"100%" in terminal and b"rows" in terminal
    piped = run("import-catalogue", str(big), data_dir=tmp_path / "till")
    assert piped.stderr == "" and "0 changed (0 added, 0 updated, 25000 unchanged)" in piped.stdout


def test_import_into_a_shops_postgresql_database_is_searchable_there(tmp_path, shop_database_url):
    """POS_DATABASE_URL: the command imports into the shop's database, and the items are found by
    the PostgreSQL search (their search rows written by the import)."""
    import os

    csv = tmp_path / "shop.csv"
    csv.write_text("sku,name,price,barcode\ncr1,Crème brûlée,3.50,2000000000015\nch1,Chocolate Chip,1.00,\n",
                   encoding="utf-8")
    env = {**os.environ, "POS_DATABASE_URL": shop_database_url, "POS_TERMINAL_ID": "till-3"}
    out = subprocess.run([sys.executable, "-m", "pos_app.cli", "--env-file", "/nonexistent", "--data-dir",
                          str(tmp_path / "till"), "import-catalogue", str(csv)],
                         capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert "2 added, 0 updated" in out.stdout
    from pos_app.domain.pricing import PricingPolicy
    from pos_app.store import open_store
    with open_store(shop_database_url, PricingPolicy()) as store:
        assert [item.sku for item in store.catalogue.search("creme")] == []  # a substring keeps its accents
        assert [item.sku for item in store.catalogue.search("cr")] == ["cr1"]  # a word start loses them
        assert [item.sku for item in store.catalogue.search("brul cr")] == ["cr1"]
        assert [item.sku for item in store.catalogue.search("00015")] == ["cr1"]
        assert store.catalogue.get("ch1").price.amount == 100
