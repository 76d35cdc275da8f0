"""Agencies, the unit tree, and role assignments scoped to a node of the tree.

The tree is stored as a materialised path of primary keys (``"12/345/6789/"``): a subtree is one indexed
``path LIKE 'prefix%'`` query, never a recursive walk. On PostgreSQL the path has a
``varchar_pattern_ops`` index so the prefix match uses it whatever the collation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.core.models import BaseModel
from zi.organisations.timezones import ZONE_CHOICES


class AgencyKind(models.TextChoices):
    KEMENTERIAN = "kementerian", _("Kementerian")
    LEMBAGA = "lembaga", _("Lembaga")
    PEMPROV = "pemprov", _("Pemerintah provinsi")
    PEMKAB = "pemkab", _("Pemerintah kabupaten")
    PEMKOT = "pemkot", _("Pemerintah kota")


class Agency(BaseModel):
    """A government body (instansi): the root of a unit tree."""

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    kind = models.CharField(_("jenis"), max_length=16, choices=AgencyKind.choices)
    province = models.CharField(_("provinsi"), max_length=100, blank=True)
    require_second_factor = models.BooleanField(
        _("wajib verifikasi dua langkah untuk admin dan evaluator"), default=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return f"a{self.pk}/"


class UnitType(models.Model):
    """Kind of unit: Kanwil, Lapas, Rutan, Kanim, SKPD, SMA … (shared by all agencies)."""

    code = models.SlugField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    builds_zi = models.BooleanField(
        _("dapat membangun ZI"), default=True, help_text=_("Satker yang dapat diusulkan WBK/WBBM.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("jenis unit")
        verbose_name_plural = _("jenis unit")

    def __str__(self) -> str:
        return self.name


class Unit(BaseModel):
    """A node of an agency's unit tree: Eselon I, Kanwil, satker, SKPD, UPT, school …"""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units", verbose_name=_("instansi"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("induk"),
    )
    code = models.CharField(_("kode"), max_length=64)
    name = models.CharField(_("nama"), max_length=255)
    unit_type = models.ForeignKey(UnitType, on_delete=models.PROTECT, verbose_name=_("jenis unit"))
    serves_public = models.BooleanField(_("melayani publik langsung"), default=True)
    province = models.CharField(_("provinsi"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("zona waktu"),
        max_length=32,
        blank=True,
        choices=ZONE_CHOICES,
        help_text=_("Kosongkan untuk mengikuti provinsi (WIB, WITA atau WIT)."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="unit_code_unique_per_agency")]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return self.path

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class Role(models.TextChoices):
    AGENCY_ADMIN = "agency_admin", _("Admin instansi")
    UNIT_TEAM_MEMBER = "unit_team_member", _("Anggota tim kerja ZI")
    UNIT_TEAM_LEADER = "unit_team_leader", _("Ketua tim kerja ZI")
    UNIT_HEAD = "unit_head", _("Kepala satker")
    REVIEWER = "reviewer", _("Reviewer (Kanwil/Eselon I)")
    TPI_EVALUATOR = "tpi_evaluator", _("Evaluator TPI")
    LEADER = "leader", _("Pimpinan")
    NATIONAL_VIEWER = "national_viewer", _("Pemantau nasional")


class RoleAssignment(BaseModel):
    """A role held by a person at one node of the tree, covering its whole subtree.

    Exactly one scope: a unit (its subtree), an agency (all its units) or, for the national viewer,
    nothing (everything).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("peran"), max_length=32, choices=Role.choices)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments")

    class Meta:
        verbose_name = _("penugasan peran")
        verbose_name_plural = _("penugasan peran")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency", "unit"], name="role_assignment_unique"),
            models.CheckConstraint(
                condition=models.Q(agency__isnull=True) | models.Q(unit__isnull=True),
                name="role_assignment_single_scope",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.agency or _("nasional")
        return f"{self.user} · {self.get_role_display()} · {scope}"

    def audit_scope_path(self) -> str:
        if self.unit is not None:
            return self.unit.path
        return f"a{self.agency_id}/" if self.agency_id else ""


def letterhead_logo_upload_to(instance: AgencyLetterhead, filename: str) -> str:
    """By content hash, like evidence: a new logo is a new file; the name the browser sent is never used."""
    extension = "png" if instance.logo_content_type == "image/png" else "jpg"
    return f"letterheads/{instance.agency_id}/{instance.logo_sha256}.{extension}"


class AgencyLetterhead(BaseModel):
    """The agency's letterhead (kop surat) printed at the top of its official documents: the LHE and the reports
    (``zi.organisations.letterhead.letterhead_for``)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="letterhead")
    name = models.CharField(_("nama instansi pada kop"), max_length=255)
    subtitle = models.CharField(_("baris kedua (unit penerbit)"), max_length=255, blank=True, default="")
    address = models.CharField(_("alamat dan kontak"), max_length=500, blank=True, default="")
    logo = models.FileField(upload_to=letterhead_logo_upload_to, max_length=255, blank=True)
    logo_content_type = models.CharField(max_length=20, blank=True, default="")
    logo_sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("kop surat instansi")
        verbose_name_plural = _("kop surat instansi")

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return f"a{self.agency_id}/"
