"""Survey instruments (IPAK, IPKP, SKM, internal), their versions and questions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel


class InstrumentKind(models.TextChoices):
    IPAK = "ipak", _("IPAK — Indeks Persepsi Anti Korupsi")
    IPKP = "ipkp", _("IPKP — Indeks Persepsi Kualitas Pelayanan")
    SKM = "skm", _("SKM — Survei Kepuasan Masyarakat (IKM)")
    INTERNAL = "internal", _("Survei internal (pegawai/WBP)")


class IndexMapping(models.TextChoices):
    AS_IS = "as_is", _("Rata-rata skala 1–4 dipakai apa adanya")
    LINEAR = "linear", _("Linear 1–4 → 0–4")


class Instrument(BaseModel):
    """A versioned questionnaire: shipped as ``zi/surveys/instruments/*.yaml`` or made in the instrument pages.

    A version is never changed once it has answers: a change is a new row (same ``code``, new ``version``,
    ``supersedes`` pointing at the old one), so old campaigns keep the questions their answers were given to.
    ``periods`` says which evaluation periods a version is for (none: every period); a new campaign takes the
    version of each chosen code that is valid for its period. ``agency`` is empty for the national (standard)
    instruments and set for an agency's own internal surveys.
    """

    code = models.SlugField(_("kode"), max_length=64)
    version = models.CharField(_("versi"), max_length=32)
    kind = models.CharField(_("jenis"), max_length=16, choices=InstrumentKind.choices)
    title = models.CharField(_("judul"), max_length=255)
    description = models.TextField(_("keterangan"), blank=True)
    index_mapping = models.CharField(max_length=8, choices=IndexMapping.choices, default=IndexMapping.AS_IS)
    content_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    agency = models.ForeignKey(
        "organisations.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_instruments",
        verbose_name=_("instansi pemilik"),
    )
    periods = models.ManyToManyField(
        "assessments.Period", blank=True, related_name="survey_instruments", verbose_name=_("berlaku untuk periode")
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("menggantikan")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["kind", "code", "version"]
        verbose_name = _("instrumen survei")
        verbose_name_plural = _("instrumen survei")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version")]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def display_title(self) -> str:
        """The title in the active language: the bundled instruments' titles are in the English catalogue
        (``instrument_strings``); a title written by an administrator is shown as written."""
        return gettext(self.title) if self.title else self.title

    def audit_scope_path(self) -> str:
        return f"a{self.agency_id}/" if self.agency_id else ""

    @property
    def short_title(self) -> str:
        """The name a column header shows: the acronym in the title's closing parentheses ("IPAK"), else the
        title without them ("Survei Kepuasan Masyarakat") — never the code ("skm-14-2017")."""
        head, _sep, tail = self.title.rpartition(" (")
        if not head or not tail.endswith(")"):
            return self.title
        inner = tail[:-1]
        return inner if inner.isalpha() and inner.isupper() else head


def quarter_label(quarter: int) -> str:
    """A stored quarter (``20261`` = year × 10 + quarter) as a person reads it: "Triwulan I 2026"."""
    year, number = divmod(int(quarter), 10)
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(number, str(number))
    return _("Triwulan %(number)s %(year)s") % {"number": roman, "year": year}


class ItemScale(models.TextChoices):
    LIKERT4 = "likert4", _("Skala 1–4")
    YESNO = "yesno", _("Ya/Tidak")


class InstrumentItem(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=16)
    position = models.PositiveSmallIntegerField()
    aspect = models.CharField(max_length=64)
    text = models.TextField()
    scale = models.CharField(max_length=8, choices=ItemScale.choices, default=ItemScale.LIKERT4)
    labels = models.JSONField(default=list, blank=True)  # answer labels, lowest value first
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="instrument_item_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def counts_in_index(self) -> bool:
        return self.scale == ItemScale.LIKERT4
