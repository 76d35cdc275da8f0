"""The LHE in the reader's language (the dossier's copy stays the official Indonesian), the lane sheet's
"save and next" without JavaScript, and the agency admin's proposal and TPN result through the journey page."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.urls import reverse

from tests.pdf_checks import pdf_text
from tests.workflow.conftest import journey_at
from zi.assessments.models import Lane
from zi.workflow.models import State


def test_lhe_draft_follows_the_interface_language_and_the_dossier_stays_indonesian(client, jw):
    journey = journey_at(jw, State.TPI_MEETS)
    url = reverse("workflow:lhe", args=[journey.pk])
    client.force_login(jw["tpi1"])  # no LHE issued yet: the team's draft
    indonesian = pdf_text(client.get(url).content)
    assert "LAPORAN HASIL EVALUASI (LHE 1)" in indonesian and "TPI: memenuhi" in indonesian

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = pdf_text(client.get(url).content)
    assert "TPI: meets the requirements" in english
    assert "TPI: memenuhi" not in english  # state names in the identity table and the history are English too

    client.force_login(jw["admin"])  # the English-speaking admin downloads the package for TPN
    package = client.get(reverse("workflow:dossier", args=[journey.pk]))
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        lhe = next(archive.read(n) for n in archive.namelist() if n.startswith("LHE-"))
    assert "LAPORAN HASIL EVALUASI" in pdf_text(lhe) and "TPI: memenuhi" in pdf_text(lhe)


def test_lane_save_and_next_moves_to_the_next_question_only_when_saved(client, jw):
    journey = journey_at(jw, State.IN_REVIEW)
    from zi.assessments.selectors import section_key

    spec = jw["spec"]
    sheet = reverse("workflow:lane_sheet", args=[journey.pk, Lane.REVIEW])
    code = jw["codes"]["abc"]
    tab = section_key(spec, code)
    in_tab = sorted((c for c in spec.questions if section_key(spec, c) == tab), key=lambda c: spec.questions[c].order)
    following = in_tab[in_tab.index(code) + 1]  # the next question of the same tab
    client.force_login(jw["reviewer"])
    html = client.get(sheet).content.decode()
    assert 'name="next"' in html and "workflow/lane.js" in html and "Ctrl+Enter" in html

    answer = reverse("workflow:lane_answer", args=[journey.pk, Lane.REVIEW, code])
    saved = client.post(answer, {"choice": "B", "note": "Cek SK", "next": "1"})
    assert saved["Location"] == f"{sheet}?bagian={tab}#q-{following.replace('.', '-')}"
    refused = client.post(answer, {"choice": "Z", "next": "1"})  # not an option: stays on the question
    assert refused["Location"] == f"{sheet}?bagian={tab}#q-{code.replace('.', '-')}"
    last = max(spec.questions, key=lambda c: (section_key(spec, c) == "hasil", spec.questions[c].order))
    assert journey.assessment.answers.get(lane=Lane.REVIEW, question__code=code).choice == "B"
    stays = client.post(reverse("workflow:lane_answer", args=[journey.pk, Lane.REVIEW, last]), {"next": "1"})
    assert stays["Location"].endswith(f"#q-{last.replace('.', '-')}")


def test_agency_admin_proposes_and_records_the_decree_through_the_journey_page(client, jw):
    """The year's last steps (the browser journey stops at the TPI's conclusion): the agency admin proposes the unit
    to TPN and records the Menteri's decree with the page's decision forms; both are in the audit trail."""
    from tests.workflow.test_proposal import _ready
    from zi.core.models import AuditEvent

    journey = journey_at(jw, State.TPI_MEETS)
    _ready(jw, journey)
    client.force_login(jw["admin"])
    page = reverse("workflow:journey_detail", args=[journey.pk])
    decide = reverse("workflow:transition", args=[journey.pk])
    assert 'data-to="proposed"' in client.get(page).content.decode()
    client.post(decide, {"version": journey.version, "to_state": State.PROPOSED, "note": "Surat usulan"})
    journey.refresh_from_db()
    assert journey.state == State.PROPOSED
    html = client.get(page).content.decode()
    assert 'name="decree_number"' in html
    stale = {"version": journey.version - 1, "to_state": State.AWARDED, "decree_number": "X", "confirm": "1"}
    stale = client.post(decide, stale)
    assert stale.status_code == 200 and "diubah orang lain" in stale.content.decode()
    journey.refresh_from_db()
    assert journey.state == State.PROPOSED  # a decision on a stale version changes nothing
    award = {
        "version": journey.version,
        "to_state": State.AWARDED,
        "decree_number": "KEP-7/M.PAN-RB/12/2026",
        "decree_date": "2026-12-01",
    }
    step = client.post(decide, award).content.decode()  # awarding is irreversible: a confirmation step first
    journey.refresh_from_db()
    assert journey.state == State.PROPOSED and 'name="confirm"' in step and "KEP-7/M.PAN-RB/12/2026" in step
    client.post(decide, {**award, "confirm": "1"})
    journey.refresh_from_db()
    assert (journey.state, journey.decree_number, journey.awarded_predicate) == (
        State.AWARDED,
        "KEP-7/M.PAN-RB/12/2026",
        "WBK",
    )
    assert "KEP-7/M.PAN-RB/12/2026" in client.get(page).content.decode()
    steps = AuditEvent.objects.filter(action="transition", object_id=str(journey.pk)).order_by("seq")
    assert list(steps.values_list("actor_label", "extra__to"))[-2:] == [
        ("admin", State.PROPOSED),
        ("admin", State.AWARDED),
    ]
