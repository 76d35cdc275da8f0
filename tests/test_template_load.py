"""``zi lke load``: idempotent, the right counts, and no silent change of a version a period uses."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
import yaml
from django.core.management import CommandError, call_command

from zi.assessments.models import Period
from zi.core.models import AuditEvent
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.lke.services import template_spec
from zi.lke.spec import TEMPLATES_DIR

SHIPPED = TEMPLATES_DIR / "permenpanrb-90-2021.yaml"
pytestmark = pytest.mark.django_db


def test_load_twice_is_idempotent():
    call_command("lke", "load")
    counts = (LkeTemplate.objects.count(), LkeQuestion.objects.count(), AuditEvent.objects.count())
    assert counts[0] == 1 and counts[1] == 113 and counts[2] >= 1
    call_command("lke", "load")
    assert (LkeTemplate.objects.count(), LkeQuestion.objects.count(), AuditEvent.objects.count()) == counts


def test_counts_and_weights():
    call_command("lke", "load")
    template = LkeTemplate.objects.get(code="permenpanrb-90-2021")
    lever = LkeQuestion.objects.filter(template=template).exclude(aspect="hasil")
    assert lever.count() == 110
    assert LkeQuestion.objects.filter(template=template, aspect="hasil").count() == 3
    spec = template_spec(template)
    assert sum((q.weight for q in spec.questions.values() if q.code.startswith("A.")), Fraction(0)) == 60
    assert abs(sum(lever.values_list("weight", flat=True)) - 60) < 1e-9


def test_changed_file_under_a_used_version_is_refused(tmp_path):
    call_command("lke", "load")
    template = LkeTemplate.objects.get()
    Period.objects.create(
        year=2026, name="ZI 2026", template=template, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["title"] = "Diubah"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CommandError, match="new version"):
        call_command("lke", "load", str(changed))
    template.refresh_from_db()
    assert template.title != "Diubah"


def _strip_entry_checks(data):
    for component in data["components"]:
        for node in _walk(component):
            for item in node.get("inputs") or ():
                item.pop("at_most", None)
                item.pop("whole", None)
    return data


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_entry_checks_added_under_a_used_version_load_without_touching_answers(tmp_path):
    """A database loaded before the ``at_most`` entry checks existed takes them in place (they change no score):
    the question rows answers point at stay, the new checks apply at once; any scoring change stays refused."""
    data = _strip_entry_checks(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))
    old = tmp_path / "old.yaml"
    old.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    call_command("lke", "load", str(old))
    template = LkeTemplate.objects.get()
    assert template_spec(template).questions["A.II.5.iii.a"].inputs[-1].at_most == ()
    Period.objects.create(
        year=2026, name="ZI 2026", template=template, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    question_ids = set(LkeQuestion.objects.values_list("pk", flat=True))
    call_command("lke", "load")
    template.refresh_from_db()
    assert set(LkeQuestion.objects.values_list("pk", flat=True)) == question_ids
    assert template_spec(template).questions["A.II.5.iii.a"].inputs[-1].at_most == (
        "wajib_lhkpn_kepala_satker",
        "wajib_lhkpn_pejabat",
        "wajib_lhkpn_lainnya",
    )
    data["settings"]["zero_denominator"]["default"] = "one"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CommandError, match="new version"):
        call_command("lke", "load", str(changed))
