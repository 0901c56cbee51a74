"""Fixtures of the import tests: private folders per test and a small customer master."""

import pytest

from openkam.testing.factories import CustomerFactory


@pytest.fixture(autouse=True)
def import_folders(settings, tmp_path):
    """Ledger store, uploads, reports and scratch space of each test in its own folder."""
    settings.OPENKAM_DATA_DIR = tmp_path / "data"
    settings.OPENKAM_EXPORT_DIR = tmp_path / "exports"
    settings.OPENKAM_UPLOAD_DIR = tmp_path / "uploads"
    settings.OPENKAM_IMPORT_WORK_DIR = tmp_path / "work"
    return tmp_path


@pytest.fixture
def customers(db):
    """Three customers of the master: 10001 (Müller), 10002 (Schäfer), 10003 (Weiß)."""
    return [
        CustomerFactory(number="10001", name="Müller Antriebe"),
        CustomerFactory(number="10002", name="Schäfer Hydraulik"),
        CustomerFactory(number="10003", name="Weiß Fördertechnik"),
    ]
