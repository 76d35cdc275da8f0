"""Forms of the journey pages: they only parse and shape input; the services decide and refuse."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zi.core.numbers import NumberField
from zi.workflow import rules
from zi.workflow.models import DocumentKind, Predicate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _grades(scale: str, blank: bool = True) -> list[tuple[str, str]]:
    options = [(g, g) for g in rules.rules()["scales"][scale]]
    return ([("", "–")] if blank else []) + options


def _pipe_pairs(text: str, incomplete: StrOrPromise | None = None) -> list[tuple[str, str]]:
    """The non-blank lines of a textarea written “left | right”, each side stripped. With ``incomplete`` (a message
    with ``%(line)s``), a line without both sides is refused; without it, a missing side is an empty string."""
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        left, sep, right = line.partition("|")
        if incomplete is not None and (not sep or not left.strip() or not right.strip()):
            raise forms.ValidationError(incomplete % {"line": line.strip()[:80]})
        pairs.append((left.strip(), right.strip()))
    return pairs


class DeclarationForm(forms.Form):
    declared_on = forms.DateField(label=_("Tanggal pencanangan"), widget=DateInput())
    place = forms.CharField(label=_("Tempat"), max_length=255)
    target_predicate = forms.ChoiceField(label=_("Predikat yang dituju"), choices=Predicate.choices)
    signatories: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Penanda tangan pakta integritas"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatories"].queryset = staff  # type: ignore[attr-defined]  # a ModelChoiceField


class SignForm(forms.Form):
    users: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Pegawai yang menyusul menandatangani"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = staff  # type: ignore[attr-defined]  # a ModelChoiceField


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis dokumen"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("Berkas"))


def _percent(label: Any) -> NumberField:
    """An optional percentage, 0 to 100 with two decimals ("87,5")."""
    return NumberField(label=label, below_thousand=True, min_value=0, max_value=100, required=False, decimal_places=2)


class PreconditionsForm(forms.Form):
    tlhp_percent = _percent(_("Tindak lanjut hasil pengawasan (%)"))
    lhkpn_percent = _percent(_("Kepatuhan LHKPN/LHKASN (%)"))
    sakip_internal = forms.ChoiceField(label=_("Nilai SAKIP internal"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sakip_internal"].choices = _grades("sakip")  # type: ignore[attr-defined]  # a ChoiceField


class SptjmForm(forms.Form):
    file = forms.FileField(label=_("SPTJM kepala unit (PDF)"))


class PerformanceAgreementForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    signed_on = forms.DateField(label=_("Tanggal penandatanganan"), widget=DateInput())
    targets = forms.CharField(
        label=_("Target (satu per baris: indikator | target)"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_targets(self) -> list[tuple[str, str]]:
        return _pipe_pairs(self.cleaned_data["targets"])


class AgencyProfileForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    bpk_opinion = forms.ChoiceField(label=_("Opini BPK"), required=False, choices=())
    sakip = forms.ChoiceField(label=_("Predikat SAKIP"), required=False, choices=())
    indeks_rb = forms.ChoiceField(label=_("Indeks RB"), required=False, choices=())
    spip_level = forms.IntegerField(label=_("Maturitas SPIP (1–5)"), min_value=1, max_value=5, required=False)
    source = forms.CharField(label=_("Sumber data"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bpk_opinion"].choices = _grades("bpk_opinion")  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["sakip"].choices = _grades("sakip")  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["indeks_rb"].choices = _grades("indeks_rb")  # type: ignore[attr-defined]  # a ChoiceField


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Nama tim"), max_length=120)
    leader: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Ketua tim"), queryset=None)
    controller: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Pengendali teknis"), queryset=None)
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Anggota"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label=_("Kapasitas (unit)"), min_value=1, max_value=200, required=False)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("leader", "controller", "members"):
            self.fields[name].queryset = candidates  # type: ignore[attr-defined]  # a ModelChoiceField


class MembersForm(forms.Form):
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Anggota"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates  # type: ignore[attr-defined]  # a ModelChoiceField


class AssignForm(forms.Form):
    journey: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Unit kerja"), queryset=None)
    due = forms.DateField(label=_("Tenggat evaluasi"), required=False, widget=DateInput())

    def __init__(self, *args: Any, journeys: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journey"].queryset = journeys  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["journey"].label_from_instance = lambda j: f"{j.unit.name} · {j.get_state_display()}"  # type: ignore[attr-defined]  # a ModelChoiceField


class CalendarForm(forms.Form):
    proposal_deadline = forms.DateField(label=_("Batas pengusulan ke TPN"), widget=DateInput())
    review_deadline = forms.DateField(label=_("Batas reviu"), required=False, widget=DateInput())
    tpi_deadline = forms.DateField(label=_("Batas evaluasi TPI"), required=False, widget=DateInput())
    remind_days = forms.IntegerField(label=_("Pengingat (hari sebelum)"), min_value=0, max_value=365, initial=14)


class ReturnForm(forms.Form):
    """The return's extra field (review → returned, TPI LHE 1): questions to flag, one per line "code | note"."""

    flags = forms.CharField(
        label=_("Tandai pertanyaan lain (satu per baris: kode | catatan)"), required=False, widget=forms.Textarea
    )

    def clean_flags(self) -> list[tuple[str, str]]:
        return _pipe_pairs(
            self.cleaned_data["flags"], incomplete=_("Tulis setiap pertanyaan sebagai “kode | catatan”: %(line)s")
        )
