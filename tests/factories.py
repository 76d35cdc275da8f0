"""factory_boy factories for the domain models. Units get their materialised path through the service."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from zi.organisations import services as org_services
from zi.organisations.models import Agency, AgencyKind, UnitType

User = get_user_model()
DEFAULT_PASSWORD = "Sandi-Kuat-2026!"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n:03d}")
    name = factory.Sequence(lambda n: f"Kementerian Contoh {n}")
    kind = AgencyKind.KEMENTERIAN
    province = "DKI Jakarta"


class UnitTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitType
        django_get_or_create = ("code",)

    code = "satker"
    name = "Satuan kerja"
    builds_zi = True


def make_unit(*, agency=None, parent=None, name="Unit", code=None, unit_type=None, serves_public=True):
    """Create a unit through the service so its path is right."""
    agency = agency or (parent.agency if parent else AgencyFactory())
    unit_type = unit_type or UnitTypeFactory()
    code = code or f"U{make_unit.counter}"
    make_unit.counter += 1
    return org_services.unit_create(
        actor=None,
        agency=agency,
        parent=parent,
        code=code,
        name=name,
        unit_type=unit_type,
        serves_public=serves_public,
    )


make_unit.counter = 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Pegawai {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def make_user_with_role(role, *, unit=None, agency=None, **kwargs):
    user = UserFactory(**kwargs)
    org_services.role_assign(actor=None, user=user, role=role, unit=unit, agency=agency)
    return user


def answer_rest(assessment, lane="self", quality=0.9):
    """Answer every question of ``assessment``'s ``lane`` that has no answer yet (valid answers written in one bulk
    insert: fast set-up for tests that submit, since the one pre-submit check refuses unanswered questions). No
    audit events, no rescoring: test data, not a user's work."""
    import random

    from zi.assessments.models import Answer
    from zi.demo.assessments import _answer_for
    from zi.lke.formulas import normalize_answer
    from zi.lke.services import template_spec

    spec = template_spec(assessment.period.template)
    questions = {q.code: q for q in assessment.period.template.questions.all()}
    answered = set(assessment.answers.filter(lane=lane).values_list("question__code", flat=True))
    rng = random.Random(11)
    rows = []
    for code, question in spec.questions.items():
        if code in answered:
            continue
        normalized = normalize_answer(question, _answer_for(question, quality, rng), spec.settings)
        rows.append(
            Answer(
                assessment=assessment,
                lane=lane,
                question=questions[code],
                choice=normalized.choice,
                inputs=normalized.inputs,
                value=normalized.value,
            )
        )
    Answer.objects.bulk_create(rows)
    return len(rows)


def make_assessment(*, unit, period, **fields):
    """An assessment with its journey, the way every path creates one (``assessments_open``: the workflow adds the
    journey). ``state`` defaults to "started" (participation not registered, the self lane open); pass
    ``state="submitted"`` for an unregistered submitted LKE or a journey state to start there."""
    from zi.assessments import services as assessment_services
    from zi.assessments.models import Assessment

    (assessment,) = assessment_services.assessments_open([Assessment(unit=unit, period=period, **fields)])
    return assessment


def set_journey(assessment, **fields):
    """The assessment's journey with ``fields`` stored (its state is the assessment's: ``make_assessment(state=…)``
    or :func:`set_state`)."""
    from zi.workflow.models import Journey

    Journey.objects.filter(assessment=assessment).update(**fields)
    return Journey.objects.select_related("assessment").get(assessment=assessment)


def set_state(journey, state):
    """Put a journey straight into ``state`` (kept on its assessment) without the moves, for read-side tests."""
    from zi.assessments.models import Assessment

    Assessment.objects.filter(pk=journey.assessment_id).update(state=state)
