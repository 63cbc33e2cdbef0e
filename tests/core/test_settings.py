"""Production mode refuses unsafe settings; the CLI runs Django commands."""

import os
import subprocess
import sys

import pytest

BASE = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}


def _settings_import(tmp_path, **env):
    code = "import fabshare.settings"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**BASE, "FABSHARE_VAR_DIR": str(tmp_path), **env}, check=False)


@pytest.mark.parametrize("env,message", [
    ({}, "needs its own SECRET_KEY"),
    ({"SECRET_KEY": "x" * 60, "DEBUG": "on", "ALLOWED_HOSTS": "a.example"}, "DEBUG"),
    ({"SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS"),
])
def test_production_refuses_unsafe_settings(tmp_path, env, message):
    result = _settings_import(tmp_path, FABSHARE_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_real_settings(tmp_path):
    result = _settings_import(tmp_path, FABSHARE_ENV="production", SECRET_KEY="k" * 64,
                              ALLOWED_HOSTS="fabshare.example.org")
    assert result.returncode == 0, result.stderr


def test_sqlite_default_uses_wal_and_immediate_transactions(tmp_path):
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='fabshare.settings';"
            "django.setup(); from django.db import connection;"
            "c = connection.cursor(); c.execute('PRAGMA journal_mode');"
            "print(c.fetchone()[0], connection.settings_dict['OPTIONS']['transaction_mode'],"
            " connection.settings_dict['NAME'])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**BASE, "FABSHARE_VAR_DIR": str(tmp_path)}, check=True)
    mode, transaction_mode, name = result.stdout.split()
    assert (mode, transaction_mode) == ("wal", "IMMEDIATE")
    assert name == str(tmp_path / "fabshare.sqlite3")


def test_cli_runs_management_commands(tmp_path):
    fabshare = os.path.join(os.path.dirname(sys.executable), "fabshare")
    result = subprocess.run([fabshare, "manage", "check"], capture_output=True, text=True,
                            env={**BASE, "FABSHARE_VAR_DIR": str(tmp_path)}, check=False)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    result = subprocess.run([fabshare, "--help"], capture_output=True, text=True, check=True)
    for command in ("demo", "serve", "migrate", "seed", "plan", "manage"):
        assert command in result.stdout
