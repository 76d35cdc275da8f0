"""The audit trail reads for people (issue #22): field names, values, types, actions and actors in words, hashes
as fingerprints with the whole value on demand. Stored events are unchanged; the page names them."""

from __future__ import annotations

import html
import re

from tests import factories
from zi.core import audit
from zi.core.models import AuditEvent
from zi.organisations import services
from zi.organisations.models import Role

TAGS = re.compile(r"<[^>]+>")


def _page(client, agency) -> tuple[str, str]:
    client.force_login(factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency, full_name="Rina Admin"))
    raw = client.get("/jejak-audit/").content.decode()
    return raw, html.unescape(TAGS.sub("\n", raw))


def test_fields_values_types_actions_and_actors_in_words(client, tree, agency):
    lapas = tree["lapas"]
    services.unit_update(actor="seed_demo", unit=lapas, serves_public=False, name="Lapas Kelas I Palembang Baru")
    event = AuditEvent.objects.filter(object_type="organisations.unit", action="update").latest("seq")
    assert event.actor_label == "seed_demo" and event.after["serves_public"] is False  # stored as it was
    raw, words = _page(client, agency)
    assert "melayani publik langsung: Ya → Tidak" in re.sub(r"\s*\n\s*", " ", words)
    assert "Unit kerja · Lapas Kelas I Palembang Baru" in words
    assert "Sistem (data demo)" in words and "diubah" in words
    for code in ("serves_public", "organisations.unit", "seed_demo", "update"):
        assert code not in words, code


def test_foreign_keys_by_name_and_people_by_full_name(client, tree, agency):
    raw, words = _page(client, agency)
    # the creation of Kanwil Sumsel names its parent by name, not by id
    assert re.search(r"induk: –\s*→\s*Ditjen Pemasyarakatan", words)
    services.unit_update(
        actor=factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency, full_name="Sari W"),
        unit=tree["rutan"],
        province="Sumatera Selatan",
    )
    raw, words = _page(client, agency)
    assert "Sari W" in words


def test_hashes_are_fingerprints_with_the_whole_value_on_demand(client, tree, agency):
    raw, words = _page(client, agency)
    last = AuditEvent.objects.latest("seq")
    assert not re.search(r"\b[0-9a-f]{64}\b", words)  # no whole hash among the words …
    assert last.hash[:12] in words
    assert f'value="{last.hash}"' in raw and 'class="fingerprint"' in raw  # … but one click away, no JavaScript
    assert audit.verify().ok


def test_a_campaigns_instruments_by_name_not_by_id(client, tree, agency):
    from zi.surveys.models import Instrument

    ipak = Instrument.objects.create(code="ipak-uji", version="1", kind="ipak", title="IPAK uji coba")
    audit.record("seed_demo", "create", tree["lapas"], after={"instruments": [ipak.pk]}, extra={})
    raw, words = _page(client, agency)
    assert "IPAK uji coba" in words
