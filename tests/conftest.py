from __future__ import annotations

import pytest

from tests import factories
from tests.browser.fixtures import browser, page, screenshot  # noqa: F401 - one shared chromium session


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Indonesian): a request in English must not leak its active
    language into the next test on the same worker thread."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


@pytest.fixture
def agency(db):
    return factories.AgencyFactory(code="KEMENKUMHAM", name="Kementerian Hukum dan HAM")


@pytest.fixture
def tree(agency):
    """A small tree: Ditjen PAS → Kanwil Sumsel → {Lapas Palembang, Rutan Prabumulih}; Kanwil Kepri → Rutan TPI."""
    ditjen = factories.make_unit(agency=agency, name="Ditjen Pemasyarakatan", code="DITJENPAS")
    sumsel = factories.make_unit(parent=ditjen, name="Kanwil Sumatera Selatan", code="KANWIL-SUMSEL")
    lapas = factories.make_unit(parent=sumsel, name="Lapas Kelas I Palembang", code="LAPAS-PLG")
    rutan = factories.make_unit(parent=sumsel, name="Rutan Kelas IIB Prabumulih", code="RUTAN-PBM")
    kepri = factories.make_unit(parent=ditjen, name="Kanwil Kepulauan Riau", code="KANWIL-KEPRI")
    rutan_tpi = factories.make_unit(parent=kepri, name="Rutan Kelas I Tanjungpinang", code="RUTAN-TPI")
    return {"ditjen": ditjen, "sumsel": sumsel, "lapas": lapas, "rutan": rutan, "kepri": kepri, "rutan_tpi": rutan_tpi}
