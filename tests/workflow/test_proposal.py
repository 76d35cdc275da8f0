"""Declaration share, preconditions (unit + agency), proposal, TPN result, revocation ban, pipeline numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import factories
from tests.workflow.conftest import go, journey_at, lapas_holds_wbk, pdf
from zi.assessments import services as assessment_services
from zi.core.audit import verify
from zi.workflow import selectors, services
from zi.workflow.models import Declaration, Journey, State


def _ready(jw, journey):
    services.agency_profile_save(
        actor=jw["admin"],
        agency=jw["agency"],
        year=2026,
        bpk_opinion="WTP",
        sakip="BB",
        indeks_rb="B",
        spip_level=3,
        source="LHP BPK 2025; LHE SAKIP 2025",
    )
    services.preconditions_record(
        actor=jw["head"], journey=journey, tlhp_percent=100, lhkpn_percent="100", sakip_internal="b"
    )
    services.sptjm_upload(actor=jw["head"], journey=journey, uploaded_file=pdf("sptjm.pdf"))
    services.calendar_save(actor=None, period=jw["period"], proposal_deadline=dt.date(2026, 12, 31))


def test_declaration_share_counts_all_staff(jw):
    journey_at(jw, State.BUILDING)
    declaration = Declaration.objects.get(unit=jw["lapas"])
    signed, staff, percent = selectors.declaration_share(declaration)
    assert (signed, staff) == (3, 5)  # head, PNS, honorer signed; the team leader and an evaluator did not
    assert percent == 60.0
    with pytest.raises(ValidationError, match="pegawai unit"):
        services.declaration_sign(actor=jw["head"], declaration=declaration, users=[jw["reviewer"]])
    with pytest.raises(ValidationError):  # a script is not a photo
        bad = SimpleUploadedFile("foto.png", b"<script>alert(1)</script>", content_type="image/png")
        services.declaration_add_document(actor=jw["head"], declaration=declaration, kind="photo", uploaded_file=bad)
    with pytest.raises(PermissionDenied):
        services.declaration_record(actor=jw["member"], unit=jw["lapas"], declared_on=dt.date(2025, 1, 1), place="x")
    agreement = services.performance_agreement_save(
        actor=jw["head"],
        unit=jw["lapas"],
        year=2026,
        signed_on=dt.date(2026, 1, 20),
        targets=[("Indeks kepuasan masyarakat", "3,60"), ("Pengaduan ditindaklanjuti", "100 %")],
    )
    assert agreement.targets.count() == 2


def test_proposal_lists_every_missing_precondition(jw):
    journey = journey_at(jw, State.TPI_MEETS)
    services.calendar_save(actor=None, period=jw["period"], proposal_deadline=dt.date(2026, 5, 31))
    with pytest.raises(ValidationError) as exc:
        go(jw, journey, State.PROPOSED, "admin")
    text = " ".join(exc.value.messages)
    for fragment in ("syarat instansi", "Tindak lanjut", "LHKPN", "SAKIP internal", "SPTJM", "sudah lewat"):
        assert fragment in text
    assert Journey.objects.get(pk=journey.pk).state == State.TPI_MEETS


def test_agency_thresholds_depend_on_kind_and_predicate(jw):
    journey = journey_at(jw, State.TPI_MEETS)
    _ready(jw, journey)
    services.agency_profile_save(
        actor=jw["admin"], agency=jw["agency"], year=2026, bpk_opinion="WDP", sakip="CC", indeks_rb="CC", spip_level=2
    )
    with pytest.raises(ValidationError) as exc:
        go(jw, journey, State.PROPOSED, "admin")
    assert len(exc.value.messages) == 4  # BPK, SAKIP, Indeks RB (K/L needs B), SPIP
    with pytest.raises(PermissionDenied):
        services.agency_profile_save(
            actor=jw["head"], agency=jw["agency"], year=2026, bpk_opinion="WTP", sakip="A", indeks_rb="A", spip_level=3
        )


def test_building_one_year_from_earliest_declaration(jw):
    from tests.workflow.conftest import declare

    declare(jw, declared_on=timezone.localdate() - dt.timedelta(days=30))
    journey = journey_at(jw, State.TPI_MEETS)  # adds a second, older declaration (2025-01-15)
    _ready(jw, journey)
    Declaration.objects.filter(declared_on__lt=timezone.localdate() - dt.timedelta(days=60)).delete()
    with pytest.raises(ValidationError, match="minimal 1 tahun"):
        go(jw, journey, State.PROPOSED, "admin")


def test_propose_award_revoke_and_ban(jw, tree):
    journey = journey_at(jw, State.TPI_MEETS)
    _ready(jw, journey)
    with pytest.raises(PermissionDenied):
        go(jw, journey, State.PROPOSED, "head")
    journey = go(jw, journey, State.PROPOSED, "admin", note="Surat usulan")
    assert [p.category for p in selectors.proposed_units(agency=jw["agency"], year=2026)] == ["WBK"]
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.AWARDED, "admin", data={"decree_date": "2026-12-01"})
    assert refused.value.messages == ["Nomor keputusan menteri wajib diisi.", "Tanggal keputusan wajib diisi."]
    decree = {"decree_number": "KEP-123/M.PAN-RB/12/2026", "decree_date": dt.date(2026, 12, 1)}
    with pytest.raises(ValidationError) as refused:  # the form's predicate, not the journey's target, is checked
        go(jw, journey, State.AWARDED, "admin", data={**decree, "predicate": "WBK+"})
    assert refused.value.messages == ["Predikat tidak dikenal."]
    with pytest.raises(ValidationError) as refused:  # the register's own rules, checked where the award is recorded
        go(jw, journey, State.AWARDED, "admin", data={**decree, "decree_date": timezone.localdate() + dt.timedelta(1)})
    tomorrow = timezone.localdate() + dt.timedelta(1)
    assert refused.value.messages == [f"Tanggal keputusan {tomorrow:%d-%m-%Y} belum tiba."]
    assert Journey.objects.get(pk=journey.pk).state == State.PROPOSED
    journey = go(jw, journey, State.AWARDED, "admin", data=decree)
    assert (journey.awarded_predicate, journey.decree_number) == ("WBK", "KEP-123/M.PAN-RB/12/2026")
    assert services.unit_holds_wbk(jw["lapas"])
    journey = go(jw, journey, State.MONITORED, "tpi1")
    with pytest.raises(ValidationError) as refused:
        go(jw, journey, State.REVOKED, "admin", note=" ", data={"revoked_on": "2026-12-02"})
    assert refused.value.messages == [
        "Catatan wajib diisi untuk mengembalikan atau memutuskan.",
        "Tanggal pencabutan tidak valid.",
    ]
    journey = go(jw, journey, State.REVOKED, "admin", note="Pelanggaran KKN", data={"revoked_on": timezone.localdate()})
    assert not services.unit_holds_wbk(jw["lapas"])
    # a new year's participation is refused for 2 years
    period = assessment_services.period_create(
        actor=None,
        year=2027,
        name="2027",
        template=jw["template"],
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    a2027 = assessment_services.assessment_start(actor=jw["member"], unit=jw["lapas"], period=period)
    with pytest.raises(ValidationError, match="tidak dapat diusulkan kembali"):
        services.participation_create(actor=jw["head"], assessment=a2027)
    assert verify().ok


def test_wbbm_needs_wbk(jw, tree):
    a = jw["assessment"]
    with pytest.raises(ValidationError) as refused:
        services.participation_create(actor=jw["head"], assessment=a, target_predicate="WBBM")
    assert refused.value.messages == ["Predikat WBBM hanya dapat dituju oleh unit yang telah berpredikat WBK."]
    with pytest.raises(ValidationError) as refused:
        services.participation_create(actor=jw["head"], assessment=a, target_predicate="WBK2")
    assert refused.value.messages == ["Predikat yang dituju tidak dikenal."]
    journey = services.participation_create(actor=jw["head"], assessment=a, afirmasi=True)
    assert journey.category == "WBK-AFIRMASI"


def test_a_unit_holding_wbk_may_aim_at_wbbm(jw):
    lapas_holds_wbk(jw)
    journey = services.participation_create(actor=jw["head"], assessment=jw["assessment"], target_predicate="WBBM")
    assert (journey.state, journey.target_predicate) == (State.DECLARED, "WBBM")


def test_pipeline_counts_per_subtree(jw, tree):
    journey_at(jw, State.REVIEWED)
    from zi.workflow.models import State as S

    factories.make_assessment(unit=tree["rutan"], period=jw["period"], state=S.DECLARED)
    counts = selectors.pipeline_counts(root_unit=tree["sumsel"], period=jw["period"])
    assert counts[S.REVIEWED] == 1 and counts[S.DECLARED] == 1 and sum(counts.values()) == 2
    assert sum(selectors.pipeline_counts(root_unit=tree["kepri"], period=jw["period"]).values()) == 0
    assert sum(selectors.pipeline_counts(agency=jw["agency"], period=jw["period"]).values()) == 2
    reached = selectors.pipeline_reached(root_unit=tree["sumsel"], period=jw["period"])
    assert reached[S.SELF_SUBMITTED] == 1 and reached[S.DECLARED] == 2
    assert sum(selectors.pipeline_counts(period=jw["period"], user=jw["member"]).values()) == 0  # no dashboard right


@pytest.mark.parametrize(
    "value, message", [("NaN", "antara 0 dan 100"), ("101", "antara 0 dan 100"), ("-1", "antara"), ("x", "angka")]
)
def test_a_precondition_percentage_outside_0_to_100_is_refused_with_its_name(jw, value, message):
    journey = journey_at(jw, State.BUILDING)
    with pytest.raises(ValidationError, match=message):
        services.preconditions_record(
            actor=jw["head"], journey=journey, tlhp_percent=value, lhkpn_percent="", sakip_internal=""
        )
    journey.refresh_from_db()
    assert journey.tlhp_percent is None
