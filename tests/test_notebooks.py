"""The notebooks run: ``notebooks/tracking.ipynb`` is executed on the small demo city with its history, saves its
plots, and the figures it prints for a site equal those of ``anye report rates --site ...``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from typer.testing import CliRunner

from api.cli import app as cli
from api.figures_demo import build_demo_database

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
END = dt.date(2026, 11, 28)
SECRET = "notebook-test-" + "k" * 40


def _printed(nb: nbformat.NotebookNode) -> str:
    return "".join(
        out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
    )


def test_the_tracking_notebook_runs_on_the_small_city_and_agrees_with_anye_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'city.sqlite3'}"
    build_demo_database(url, today=END, secret=SECRET)
    for name, value in {
        "ANYE_DATABASE_URL": url,
        "ANYE_SECRET_KEY": SECRET,
        "ANYE_VAR_DIR": str(tmp_path / "var"),
        "ANYE_REPORT_END": END.isoformat(),
        "ANYE_NOTEBOOK_OUT": str(tmp_path / "plots"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
    }.items():
        monkeypatch.setenv(name, value)
    nb = nbformat.read(NOTEBOOKS / "tracking.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "coverage.png", "funnel.png", "rates.png", "retention.png",
    ]  # fmt: skip
    line = next(x for x in _printed(nb).splitlines() if x.startswith("RATES_JSON "))
    printed = json.loads(line.removeprefix("RATES_JSON "))
    result = CliRunner().invoke(
        cli,
        ["report", "rates", "--site", printed["site"], "--start", printed["start"], "--end", printed["end"], "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tables"] == printed["tables"]
    row = printed["tables"][0]["rows"][0]
    assert row["unit"] == printed["site"] and row["labour"] > 0 and row["employment_rate"] is not None
