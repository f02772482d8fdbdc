"""Test data for Windows Autopilot: hardware hashes, device files, registered devices."""

import base64
import hashlib

from autopilot import csv_import
from autopilot.models import Device, DeviceSource

HEADER = csv_import.PARTNER_CENTER_HEADER


def hardware_hash(n: int, size: int = 512) -> str:
    """A made-up hardware hash (base64 of `size` bytes), different for every n."""
    seed = hashlib.sha256(str(n).encode()).digest()
    return base64.b64encode((seed * (size // 32 + 1))[:size]).decode()


def csv_file(*rows: str, header: str = HEADER, newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return (newline.join([header, *rows]) + newline).encode(encoding)


def good_row(n: int) -> str:
    """A row that identifies device n by its hardware hash, with a serial number, manufacturer and model."""
    return f"SN{n:06d},,{hardware_hash(n)},Contoso Devices,Laptop {n % 3}"


def device(tenant, n: int, *, source: str = DeviceSource.PARTNER, partner=None, **fields) -> Device:
    """Device n (the same identity as good_row(n)) registered to `tenant`."""
    values = {
        "serial_number": f"SN{n:06d}",
        "hardware_hash": hardware_hash(n),
        "manufacturer": "Contoso Devices",
        "model": f"Laptop {n % 3}",
        **fields,
    }
    return Device.objects.create(tenant=tenant, added_by_source=source, added_by_partner=partner, **values)
