"""`make screenshots` takes the README's pictures by going through the pages: it must keep working as they change."""

import os
import struct
import sys
from pathlib import Path

import pytest

from .conftest import CHROMIUM

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_the_screenshots_command_takes_every_page_at_both_widths(tmp_path, monkeypatch):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    screenshots = __import__("screenshots")
    try:
        taken = screenshots.take(tmp_path)
    finally:
        sys.modules.pop("screenshots", None)
    names = sorted(path.name for path in taken)
    pages = ["customers", "draft-email", "partner-relationships-pane", "requests-sorted-filtered"]
    assert names == sorted(f"{page}-{width}.png" for page in pages for width in ("desktop", "phone"))
    for path in taken:
        width, height = _png_size(path)
        assert width == (1280 if "desktop" in path.name else 390), path.name
        assert 300 < height <= 1400, (path.name, height)
    readme = (ROOT / "README.md").read_text()
    assert all(f"docs/screenshots/{name}" in readme for name in names)  # the tour links each picture
