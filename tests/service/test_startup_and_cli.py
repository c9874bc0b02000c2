"""First start prints an admin key once; `screener keys ...` manages keys from the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from screener.cli import main
from service import Settings, create_app
from service.deps import services_of


def test_first_start_prints_an_admin_key_once(tmp_path: Path, screener, capsys) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/s.db", host="0.0.0.0", port=8123)
    app = create_app(settings, screener=screener)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    key = re.fullmatch(r"Admin key \(shown once\): (tps_\S+)", out[0]).group(1)
    assert out[1] == f"Login: http://127.0.0.1:8123/login?key={key}"
    with TestClient(app) as client:
        assert client.get("/api/v1/keys", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    again = create_app(settings, screener=screener)
    assert capsys.readouterr().out == ""
    services_of(app).engine.dispose()
    services_of(again).engine.dispose()


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("SCREENER_DATABASE_URL", url)
    return url


def test_keys_create_list_revoke(db_env: str, capsys, screener) -> None:
    code, out, _ = run(["keys", "create", "--role", "officer", "--name", "Polres Batam"], capsys)
    assert code == 0
    key = out.splitlines()[-1]
    assert re.fullmatch(r"tps_[A-Za-z0-9_-]{43}", key)

    code, out, _ = run(["keys", "list"], capsys)
    assert code == 0 and "Polres Batam" in out and "officer" in out and "active" in out
    assert key not in out and key[:12] in out

    # The key works against an app on the same database.
    app = create_app(Settings(database_url=db_env), screener=screener)
    capsys.readouterr()
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {key}"}
        assert client.get("/api/v1/model", headers=headers).status_code == 200
        code, out, _ = run(["keys", "revoke", "1"], capsys)
        assert code == 0 and "revoked" in out
        assert client.get("/api/v1/model", headers=headers).status_code == 401
    services_of(app).engine.dispose()
    assert "revoked" in run(["keys", "list"], capsys)[1]


def test_keys_errors_are_one_line(db_env: str, capsys) -> None:
    code, _, err = run(["keys", "revoke", "42"], capsys)
    assert code == 2 and err.strip() == "galat / error: tidak ada kunci 42 / no key 42"
    with pytest.raises(SystemExit):
        main(["keys", "create", "--role", "root", "--name", "x"])


def test_keys_against_unreachable_database(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv(
        "SCREENER_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    )
    code, _, err = run(["keys", "list"], capsys)
    assert code == 2 and "OperationalError" in err and "Traceback" not in err


def test_serve_help_lists_its_options(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "--workers" in out
