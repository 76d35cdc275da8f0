"""Fill the register from the TPN results already recorded on journeys (awarded, monitored, revoked).

The journeys' own audit events stay the record of who decided; the rows made here carry source "tpn"."""

from django.db import migrations

from zi.predicates.rules import ban_until as _ban_until


def forwards(apps, schema_editor):
    Journey = apps.get_model("workflow", "Journey")
    JourneyEvent = apps.get_model("workflow", "JourneyEvent")
    Award = apps.get_model("predicates", "Award")
    journeys = Journey.objects.filter(
        state__in=("awarded", "monitored", "revoked"), awarded_predicate__in=("WBK", "WBBM"), decree_date__isnull=False
    ).select_related("period")
    for journey in journeys.order_by("decree_date", "pk"):
        if Award.objects.filter(unit_id=journey.unit_id, year=journey.period.year).exists():
            continue
        revoked_on = journey.revoked_on if journey.state == "revoked" else None
        reason = ""
        if revoked_on is not None:
            event = JourneyEvent.objects.filter(journey=journey, to_state="revoked").order_by("-version").first()
            reason = (event.note if event else "") or "Dicabut (alasan tercatat pada alur ZI)"
        Award.objects.create(
            unit_id=journey.unit_id,
            predicate=journey.awarded_predicate,
            year=journey.period.year,
            decree_number=journey.decree_number or "-",
            decree_date=journey.decree_date,
            source="tpn",
            revoked_on=revoked_on,
            revocation_reason=reason,
            ban_until=_ban_until(revoked_on) if revoked_on else None,
        )


class Migration(migrations.Migration):
    dependencies = [("predicates", "0001_initial"), ("workflow", "0003_reminder_per_deadline")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
