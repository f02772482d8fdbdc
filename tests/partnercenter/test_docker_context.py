"""The image is built with `COPY . .`: what the build context sends must leave out secrets and the host's state."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_local_secrets_stay_out_of_the_image():
    assert ".env" in patterns()
    assert ".env.*" in patterns()
    # The example documents the variables and holds no secret.
    assert "!.env.example" in patterns()


def test_the_hosts_environment_and_history_stay_out_of_the_image():
    for pattern in (".venv/", ".git/", "node_modules/", "db.sqlite3"):
        assert pattern in patterns()
