"""Forms of the assessment pages, and turning a posted answer into the raw value the scoring engine takes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zi.assessments.evidence import ACCEPT_ATTR
from zi.assessments.models import Predicate
from zi.core.numbers import NumberError, parse_number
from zi.lke.spec import CHOICE_TYPES, Question


def input_field_name(question: Question, key: str) -> str:
    return f"in_{key}"


def _number(text: str, label: str, whole: bool = False, below_thousand: bool = False) -> Decimal:
    """A typed input, read by the shared parser (``zi.core.numbers``) in the page's language: "1.000" is one
    thousand and "2,5" two and a half in Indonesian; "1.5" is refused as ambiguous. The message names the label."""
    try:
        return parse_number(text, label=label, whole=whole, below_thousand=below_thousand)
    except NumberError as exc:
        raise ValidationError(str(exc)) from exc


def raw_answer_from_post(question: Question, data: Any) -> object:
    """The raw answer posted for ``question``: an option key, a dict of numbers, a number, or ``None``.

    Only the shape is checked here (numbers are numbers); the rules live in ``normalize_answer``."""
    if question.answer_type in CHOICE_TYPES:
        choice = (data.get("choice") or "").strip()
        return choice or None
    texts = {i.key: (data.get(input_field_name(question, i.key)) or "").strip() for i in question.inputs}
    if all(text == "" for text in texts.values()):
        return None
    if question.answer_type == "index_0_4":
        key = question.inputs[0].key
        return _number(texts[key], question.inputs[0].label, below_thousand=True)
    missing = [i.label for i in question.inputs if texts[i.key] == ""]
    if missing:
        raise ValidationError(_("Lengkapi isian: %(fields)s.") % {"fields": ", ".join(missing)})
    numbers, problems = {}, []
    for item in question.inputs:
        try:
            numbers[item.key] = _number(texts[item.key], item.label, item.whole)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    return numbers


class StartAssessmentForm(forms.Form):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Unit kerja"), queryset=None)
    period: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Periode"), queryset=None)
    target_predicate = forms.ChoiceField(label=_("Predikat yang dituju"), choices=Predicate.choices)

    def __init__(self, *args: Any, units: Any, periods: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]  # a ModelChoiceField


class EvidenceFileForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=255)
    file = forms.FileField(
        label=_("Berkas"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}), allow_empty_file=False
    )


class EvidenceLinkForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=255)
    url = forms.CharField(label=_("Tautan"), max_length=1000)


class EvidenceReviseForm(forms.Form):
    file = forms.FileField(label=_("Berkas baru"), required=False)
    url = forms.CharField(label=_("Tautan baru"), max_length=1000, required=False)


class EvidenceWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penarikan"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas Excel (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
