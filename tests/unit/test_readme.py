from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_ci_runs_the_readme_test_command():
    ci_command = next(line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                      if line.startswith("python3 -m venv"))
    assert ci_command in (ROOT / "README.md").read_text()
