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
    assert "45 added, 0 updated" in out.stdout


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
