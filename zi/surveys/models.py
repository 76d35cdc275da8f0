"""Survey instruments (IPAK, IPKP, SKM, internal), campaigns per unit and period, anonymous responses, rollups.

Raw answers (``ResponseItem``) are narrow rows that can grow to tens of millions; every index is computed from
the rollup tables (``ItemRollup``, ``RespondentRollup``), which the submit and exclude services keep up to date
in the same transaction, so results pages and national aggregates never scan raw rows.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.models import Unit
from zi.organisations.scoped import ScopedModel


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


class RespondentGroup(models.TextChoices):
    PENGGUNA_LAYANAN = "pengguna_layanan", _("Pengguna layanan")
    PENGUNJUNG = "pengunjung", _("Pengunjung")
    WBP = "wbp", _("Warga binaan (WBP)")
    PNS = "pns", _("Pegawai (PNS/PPPK)")
    HONORER = "honorer", _("Pegawai honorer/kontrak")


def _new_token() -> str:
    return secrets.token_urlsafe(9)


class Campaign(ScopedModel, BaseModel):
    """One survey run of a unit in a period: public link, QR posters, who may answer, integrity settings."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="survey_campaigns")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="survey_campaigns")
    instruments = models.ManyToManyField(Instrument, related_name="campaigns")
    title = models.CharField(_("judul"), max_length=255)
    token = models.SlugField(max_length=32, unique=True, default=_new_token, editable=False)
    opens_at = models.DateTimeField(_("dibuka"))
    closes_at = models.DateTimeField(_("ditutup"))
    respondent_groups = models.JSONField(_("kelompok responden"), default=list)
    service_types = models.JSONField(_("jenis layanan"), default=list, blank=True)
    population_size = models.PositiveIntegerField(_("jumlah populasi (pengguna layanan)"), null=True, blank=True)
    kiosk_enabled = models.BooleanField(_("mode kios (tablet bersama)"), default=False)
    require_code = models.BooleanField(_("wajib kode sekali pakai"), default=False)
    unit_networks = models.TextField(_("jaringan kantor (CIDR, satu per baris)"), blank=True)
    closed_at = models.DateTimeField(_("ditutup lebih awal pada"), null=True, blank=True)
    closed_reason = models.TextField(_("alasan penutupan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("kampanye survei")
        verbose_name_plural = _("kampanye survei")
        indexes = [models.Index(fields=["unit", "period"], name="campaign_unit_period")]

    def __str__(self) -> str:
        return self.title


class ServicePoint(ScopedModel):
    """A counter or room with its own QR poster; responses record where they came from."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="service_points")
    name = models.CharField(_("nama titik layanan"), max_length=120)

    unit_field = "campaign__unit"

    class Meta:
        ordering = ["campaign", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="service_point_name")]

    def __str__(self) -> str:
        return self.name


class OneTimeCode(models.Model):
    """A code printed on a receipt; only its keyed hash is stored. One response per code."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "code_hash"], name="one_time_code_unique")]

    def __str__(self) -> str:
        return f"kode {self.code_hash[:8]}"


class Channel(models.TextChoices):
    PUBLIC = "public", _("Tautan/QR")
    KIOSK = "kiosk", _("Kios")
    OFFLINE = "offline", _("Luring (perangkat terdaftar)")


class Response(ScopedModel):
    """One respondent's submission. Never deleted; evaluators may exclude it with a recorded reason."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    service_point = models.ForeignKey(ServicePoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PUBLIC)
    group = models.CharField(max_length=16, choices=RespondentGroup.choices)
    service_type = models.CharField(max_length=120, blank=True)
    submitted_at = models.DateTimeField()
    quarter = models.PositiveIntegerField()  # e.g. 20262 = 2026 Q2 (Asia/Jakarta)
    form_nonce = models.CharField(max_length=32)
    device_hash = models.CharField(max_length=64, blank=True)
    device_unique = models.CharField(max_length=64, null=True, blank=True)  # set only where one per device applies
    ip_hash = models.CharField(max_length=64, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    # Fingerprint of the full answer vector (item ids and values) and whether every 1–4 answer is the same:
    # the statistical stuffing checks count identical fingerprints in a time window with one indexed query.
    pattern_hash = models.CharField(max_length=16, blank=True)
    # The answers in item-id order, one character each ("1"–"4", "0"/"1" for yes/no, "-" blank): compared
    # position by position with the same network's recent responses for near-identical vectors.
    answer_vector = models.CharField(max_length=255, blank=True)
    straight_line = models.BooleanField(default=False)
    # True while this response's answers are counted in the rollups (applied set-based, after the submit).
    rolled_up = models.BooleanField(default=False)
    is_flagged = models.BooleanField(default=False)
    excluded = models.BooleanField(default=False)
    exclusion_reason = models.TextField(blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excluded_at = models.DateTimeField(null=True, blank=True)

    unit_field = "campaign__unit"

    class Meta:
        ordering = ["campaign", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "form_nonce"], name="response_form_nonce"),
            models.UniqueConstraint(fields=["campaign", "device_unique"], name="response_one_per_device"),
        ]
        indexes = [
            models.Index(fields=["campaign", "submitted_at"], name="response_campaign_time"),
            models.Index(fields=["campaign", "is_flagged"], name="response_campaign_flagged"),
            models.Index(fields=["campaign", "device_hash", "submitted_at"], name="response_campaign_device"),
            models.Index(fields=["campaign", "pattern_hash", "submitted_at"], name="response_campaign_pattern"),
            models.Index(fields=["campaign", "ip_hash", "submitted_at"], name="response_campaign_ip"),
            models.Index(
                fields=["id"], condition=models.Q(rolled_up=False, excluded=False), name="response_rollup_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"Respons #{self.pk}"


class ResponseItem(models.Model):
    """One answer: kept as narrow as possible (bigint id, two FKs, a small integer)."""

    id = models.BigAutoField(primary_key=True)
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="items", db_index=False)
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="+", db_index=False)
    value = models.SmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="response_item_unique")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.item_id}={self.value}"


class ItemRollup(models.Model):
    """Per campaign × item × respondent group × quarter: count, Σ value, Σ value² of included answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=16)
    quarter = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)
    s = models.BigIntegerField(default=0)
    ss = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "item", "group", "quarter"], name="item_rollup_key")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.item_id}/{self.group}/{self.quarter}: n={self.n}"


class RespondentRollup(models.Model):
    """Per campaign × instrument × group × quarter: respondents, Σ and Σ² of respondent means (1–4 scale).

    Feeds the t-based confidence interval without reading raw answers.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=16)
    quarter = models.PositiveIntegerField()
    n = models.BigIntegerField(default=0)
    s = models.FloatField(default=0.0)
    ss = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "instrument", "group", "quarter"], name="respondent_rollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.instrument_id}/{self.group}/{self.quarter}: n={self.n}"


class ExternalIndex(ScopedModel, BaseModel):
    """An IPAK or IPKP value from outside the platform (e.g. the BPS/TPN survey or an independent survey),
    recorded by an evaluator for a unit and period. When present, the LKE feed uses it instead of the unit's own
    campaigns, and shows its source."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="external_survey_indices")
    period = models.ForeignKey("assessments.Period", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("indeks"),
        max_length=8,
        choices=[
            (InstrumentKind.IPAK.value, InstrumentKind.IPAK.label),
            (InstrumentKind.IPKP.value, InstrumentKind.IPKP.label),
        ],
    )
    value = models.DecimalField(_("nilai (0–4)"), max_digits=4, decimal_places=2)
    source = models.CharField(_("sumber"), max_length=255)
    respondents = models.PositiveIntegerField(_("jumlah responden"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    unit_field = "unit"

    class Meta:
        ordering = ["unit", "period", "kind"]
        verbose_name = _("indeks survei eksternal")
        verbose_name_plural = _("indeks survei eksternal")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "kind"], name="external_index_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=4), name="external_index_range"),
        ]

    def __str__(self) -> str:
        return f"{self.kind.upper()} {self.value} ({self.source})"


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", _("Tablet kios")
    PHONE = "phone", _("Ponsel petugas lapangan")


class FieldDevice(ScopedModel, BaseModel):
    """A kiosk tablet or field phone registered for one campaign (and service point) to take answers offline and
    send them later (:mod:`zi.surveys.sync`). Only the keyed hash of its token is stored; revoking it refuses every
    later sync. ``last_*`` are what the device reported at its last sync."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="field_devices")
    service_point = models.ForeignKey(
        ServicePoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("titik layanan")
    )
    kind = models.CharField(_("jenis perangkat"), max_length=8, choices=DeviceKind.choices, default=DeviceKind.KIOSK)
    name = models.CharField(_("nama perangkat"), max_length=120)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.TextField(_("alasan pencabutan"), blank=True)
    last_sync_at = models.DateTimeField(_("sinkron terakhir"), null=True, blank=True)
    last_queue_size = models.PositiveIntegerField(_("antrean dilaporkan"), null=True, blank=True)
    last_clock_offset = models.IntegerField(_("selisih jam perangkat (detik)"), null=True, blank=True)

    unit_field = "campaign__unit"

    class Meta:
        ordering = ["campaign", "name"]
        verbose_name = _("perangkat luring")
        verbose_name_plural = _("perangkat luring")

    def __str__(self) -> str:
        return self.name


class DeviceResponse(models.Model):
    """Which registered device made a response, under the id the device gave it, and when by its own clock.

    The unique (device, client_id) makes a sync idempotent: a response sent again (a retry after a lost reply)
    finds its row and stores nothing."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(FieldDevice, on_delete=models.PROTECT, related_name="responses")
    client_id = models.UUIDField()
    response = models.OneToOneField(Response, on_delete=models.PROTECT, related_name="device_record")
    device_time = models.DateTimeField()  # when the answers were given, by the device's clock
    received_at = models.DateTimeField()  # server time of the sync that stored it (= Response.submitted_at)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "client_id"], name="device_response_client_id")]
        indexes = [models.Index(fields=["device", "device_time"], name="device_response_time")]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.client_id}"
