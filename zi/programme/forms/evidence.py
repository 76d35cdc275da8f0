"""Attaching a record as LKE evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zi.assessments.models import Assessment


class AttachEvidenceForm(forms.Form):
    question_code = forms.CharField(label=_("Kode pertanyaan LKE"), max_length=32)

    def __init__(self, *args: Any, assessment: Assessment | None = None, suggestions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        if suggestions:
            self.fields["question_code"].widget = forms.Select(choices=[(code, label) for code, label in suggestions])
