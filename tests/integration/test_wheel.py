"""ui/ and resources/ are found from an installed wheel, not only from a checkout; the wheel says it is typed."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_wheel_carries_ui_and_resources(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(tmp_path.glob("pos_app-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "pos_app/py.typed" in names  # PEP 561: type checkers read our hints
    forms = sorted(p.name for p in (ROOT / "ui").glob("*.ui"))
    assert "cash_dialog.ui" in forms
    assert [f for f in forms if f"pos_app/_data/ui/{f}" not in names] == []  # every form ships
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("import pos_app.resources as r, sys; "
             "print(r.resource_path('demo_catalogue.csv')); print(r._root('ui'))")
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {probe}"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    catalogue, ui = out.stdout.split()
    assert catalogue.startswith(str(site)) and ui.startswith(str(site))
