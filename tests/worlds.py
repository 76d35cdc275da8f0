"""The evaluation period the test worlds stand on, made one way (the per-app conftests and worlds call this)."""

from __future__ import annotations

import datetime as dt

from tests import factories
from zi.assessments import services as assessment_services
from zi.assessments.models import Period
from zi.lke.models import LkeTemplate
from zi.lke.services import templates_load_all
from zi.organisations.models import Agency

TEMPLATE_CODE = "permenpanrb-90-2021"


def lke_template() -> LkeTemplate:
    """The LKE template, loaded from its data file (safe to repeat)."""
    templates_load_all()
    return LkeTemplate.objects.get(code=TEMPLATE_CODE)


def year_period(
    year: int = 2026,
    *,
    name: str | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    audited: bool = False,
) -> Period:
    """An evaluation period of ``year`` on the LKE template: 1 January to 31 December unless given, named
    "Periode YEAR" unless given; ``audited``: created through ``period_create`` (audit event) rather than saved."""
    fields = {
        "year": year,
        "name": name or f"Periode {year}",
        "template": lke_template(),
        "starts_on": starts_on or dt.date(year, 1, 1),
        "ends_on": ends_on or dt.date(year, 12, 31),
    }
    if audited:
        return assessment_services.period_create(actor=None, **fields)
    return Period.objects.create(**fields)


def tree_agency() -> Agency:
    """The agency of :func:`build_tree`."""
    return factories.AgencyFactory(code="KEMENKUMHAM", name="Kementerian Hukum dan HAM")


def build_tree(agency=None) -> dict:
    """A small tree: Ditjen PAS → Kanwil Sumsel → {Lapas Palembang, Rutan Prabumulih}; Kanwil Kepri → Rutan TPI
    (the ``tree`` fixture; a shared world builds it with this too)."""
    agency = agency or tree_agency()
    ditjen = factories.make_unit(agency=agency, name="Ditjen Pemasyarakatan", code="DITJENPAS")
    sumsel = factories.make_unit(parent=ditjen, name="Kanwil Sumatera Selatan", code="KANWIL-SUMSEL")
    lapas = factories.make_unit(parent=sumsel, name="Lapas Kelas I Palembang", code="LAPAS-PLG")
    rutan = factories.make_unit(parent=sumsel, name="Rutan Kelas IIB Prabumulih", code="RUTAN-PBM")
    kepri = factories.make_unit(parent=ditjen, name="Kanwil Kepulauan Riau", code="KANWIL-KEPRI")
    rutan_tpi = factories.make_unit(parent=kepri, name="Rutan Kelas I Tanjungpinang", code="RUTAN-TPI")
    return {"ditjen": ditjen, "sumsel": sumsel, "lapas": lapas, "rutan": rutan, "kepri": kepri, "rutan_tpi": rutan_tpi}
