"""The plugin in whole pytest sessions of their own (subprocesses), as a tester's project runs it.

Nothing here names the plugin: it is loaded through the pytest11 entry point of the installed package.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example_checkout_test.py"

pytestmark = pytest.mark.slow

WITHOUT_QT = '''
import sys
import urllib.request

import pytest

seen = {}


def test_a_session_that_never_touches_the_till():
    assert "pos_app.core" not in sys.modules and "pos_app.qt" not in sys.modules


def test_pos_app_needs_no_qtbot(pos_app):
    seen["url"] = pos_app.url
    request = urllib.request.Request(pos_app.url + "/cart", headers={"Authorization": "Bearer " + pos_app.token})
    assert urllib.request.urlopen(request, timeout=5).status == 200


def test_pos_app_was_torn_down():
    with pytest.raises(OSError):
        urllib.request.urlopen(seen["url"] + "/cart", timeout=5)


def test_the_window_asks_for_pytest_qt(pos):
    pass
'''


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_docs_example_passes():
    """docs/example_checkout_test.py: the seed's four scenarios, under the project's strict settings."""
    result = run_pytest(ROOT, str(EXAMPLE), "-q")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout
    assert len(EXAMPLE.read_text().splitlines()) < 60


def test_without_pytest_qt_only_the_window_fixtures_fail_and_say_why(tmp_path):
    (tmp_path / "test_plain.py").write_text(WITHOUT_QT)
    result = run_pytest(tmp_path, "-p", "no:pytest-qt", "-q", "-W", "error")
    assert "3 passed, 1 error" in result.stdout, result.stdout[-4000:] + result.stderr[-2000:]
    assert "the pos fixture needs pytest-qt" not in result.stdout  # pos asks through pos_window first
    assert "the pos_window fixture needs pytest-qt (its qtbot drives the window): " \
           "pip install 'pos-app[test]'" in result.stdout


INERT = '''
import os
import sys


def test_the_plugin_left_qt_alone():
    assert "QT_QPA_PLATFORM" not in os.environ
    assert "QTWEBENGINE_CHROMIUM_FLAGS" not in os.environ
    assert "PySide6.QtWebEngineWidgets" not in sys.modules and "pos_app.config" not in sys.modules


def test_pos_config_needs_no_qt(pos_config):
    assert pos_config.mode == "training" and "PySide6.QtWebEngineWidgets" not in sys.modules
'''

NEEDS_THE_WINDOW = '''
import os
import sys


def test_qt_was_prepared_before_any_test_ran():
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    assert "PySide6.QtWebEngineWidgets" in sys.modules
    if os.geteuid() == 0:
        assert "--no-sandbox" in os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()


def test_the_window(pos_window):
    assert pos_window.isVisible()
'''


def _env_without_qt() -> dict[str, str]:
    import os
    return {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "QTWEBENGINE_CHROMIUM_FLAGS")}


def test_the_plugin_is_inert_in_a_session_that_never_uses_the_window(tmp_path):
    (tmp_path / "test_inert.py").write_text(INERT)
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-W", "error"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300, env=_env_without_qt())
    assert "2 passed" in result.stdout, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_plugin_prepares_qt_once_a_collected_test_needs_the_window(tmp_path):
    (tmp_path / "test_window.py").write_text(NEEDS_THE_WINDOW)
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300, env=_env_without_qt())
    assert "2 passed" in result.stdout, result.stdout[-4000:] + result.stderr[-2000:]
