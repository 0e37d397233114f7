"""The domain layer is pure Python: importing it must not pull in Qt, Flask, stripe or sqlite3."""

import subprocess
import sys


def test_domain_imports_nothing_from_the_outer_layers():
    code = ("import sys, pos_app.domain\n"
            "bad = [m for m in ('PySide6', 'flask', 'stripe', 'sqlite3', '_sqlite3', 'werkzeug')"
            " if m in sys.modules]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"pos_app.domain imported {out.stdout.strip()}"


def test_only_stripe_gateway_imports_stripe():
    from pathlib import Path

    import pos_app
    root = Path(pos_app.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "stripe_gateway.py"
                 and any(line.strip().startswith(("import stripe", "from stripe"))
                         for line in p.read_text().splitlines())]
    assert offenders == []
