"""``anye users`` as the person setting up a city uses it: the first administrator, with no default password."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()
PASSWORD = "忻州市-Admin-2026"


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANYE_DATABASE_URL", database_url)
    monkeypatch.setenv("ANYE_SECRET_KEY", "cli-test-secret-" + "k" * 32)
    monkeypatch.setenv("ANYE_VAR_DIR", str(tmp_path / "var"))
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_create_the_first_administrator_and_list_accounts(env: None) -> None:
    create = ["users", "create", "--username", "admin", "--role", "admin", "--display-name", "市就业局"]
    result = runner.invoke(app, create, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "已创建账号：admin（管理员）" in result.output and PASSWORD not in result.output
    again = runner.invoke(app, create, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 2 and "已被使用" in again.output
    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0 and "admin" in listed.output and "市就业局" in listed.output


def test_a_weak_or_mistyped_password_creates_nothing(env: None) -> None:
    create = ["users", "create", "--username", "admin", "--role", "admin"]
    weak = runner.invoke(app, create, input="12345678901\n")
    assert weak.exit_code == 2 and "不能全是数字" in weak.output
    mistyped = runner.invoke(app, create, input=f"{PASSWORD}\n{PASSWORD}x\n")
    assert mistyped.exit_code == 2 and "两次输入的密码不一致" in mistyped.output
    assert "admin" not in runner.invoke(app, ["users", "list"]).output
