"""Realistic demo data modelled on the news articles in ``shared/domain/seeds``: ``zi seed_demo``.

Builds, through the organisation services so the audit trail records every record:

- the unit types of a ministry (Sekretariat Jenderal, Ditjen, Itjen, Kanwil, Lapas, LPKA, Rutan, Bapas, Rudenim,
  Kanim, Rupbasan) and of a provincial government (Inspektorat, Dinas, Badan, RSUD, UPT, Samsat, SMA, SMK,
  Puskesmas). Supervising nodes (Sekjen, Ditjen, Itjen, Inspektorat daerah) do not build ZI themselves;
- **KEMENKUMHAM**, with this tree (all roots at depth 0)::

      Sekretariat Jenderal · Ditjen Pemasyarakatan · Ditjen Imigrasi · Inspektorat Jenderal (the TPI)
      Kanwil Sumatera Selatan → 29 satker      Kanwil Kepulauan Riau → 21 satker
      Kanwil Jawa Tengah → 19 satker            Kanwil Banten → 11 satker

  Satker hang under their Kanwil because the Kanwil reviews and proposes them (a *reviewer* at the Kanwil
  sees exactly its satker). The Ditjen (Eselon I) are roots of their own: their supervisory reach crosses
  all Kanwils, so a Ditjen reviewer or a ministry *leader* is given the whole agency rather than a subtree;
- **PEMPROV-KALSEL**, Pemerintah Provinsi Kalimantan Selatan: the Inspektorat (its TPI), 28 SKPD with their
  UPT (14 Samsat under Bapenda) and 171 SMA/SMK and 19 SLB under the Dinas Pendidikan: 253 units whose type
  builds ZI, as in the article (25 build ZI, 228 do not yet; :mod:`zi.demo.story` gives the 25 their 2026
  self-assessment, which is what "building" means on the dashboards);
- staff for a few demo satker (deterministic Indonesian names, NIP-like numbers, some honorer without NIP),
  all with unusable passwords;
- one demo login per role (:data:`DEMO_LOGINS`), sharing :data:`DEMO_PASSWORD`.

Running it again changes nothing: every record is looked up by its natural key (agency code, unit code,
username) first; existing records are left as they are (a changed demo password is not reset).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from io import TextIOBase
from typing import Any, NamedTuple, TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zi.accounts.models import EmploymentType
from zi.assessments.models import Period
from zi.core import audit
from zi.demo.assessments import seed_assessments, spread_upload_times
from zi.demo.monitoring import seed_monitoring
from zi.demo.predicates import seed_predicates
from zi.demo.programme import link_survey_findings, seed_programme
from zi.demo.story import SAMSAT, seed_story
from zi.demo.surveys import ACTOR as SURVEY_ACTOR
from zi.demo.surveys import DEMO_YEAR as SURVEY_DEMO_YEAR
from zi.demo.surveys import align_lke_with_surveys, seed_surveys
from zi.demo.workflow import seed_workflow
from zi.insights.services import rollup_refresh
from zi.organisations import services
from zi.organisations.models import Agency, AgencyKind, Role, RoleAssignment, Unit, UnitType

ACTOR = "zi seed_demo"
DEMO_PASSWORD = "Demo-ZI-2026!"  # noqa: S105 - a published demo password, for demo data only
USER_AUDIT_FIELDS = ["username", "full_name", "nip", "email", "unit", "position", "employment_type", "is_active"]

# ------------------------------------------------------------------------------------------------- unit types

UNIT_TYPES: list[tuple[str, str, bool]] = [
    ("sekjen", "Sekretariat Jenderal", False),
    ("ditjen", "Direktorat Jenderal (Eselon I)", False),
    ("itjen", "Inspektorat Jenderal", False),
    ("kanwil", "Kantor Wilayah", True),
    ("lapas", "Lembaga Pemasyarakatan (Lapas)", True),
    ("lpka", "Lembaga Pembinaan Khusus Anak (LPKA)", True),
    ("rutan", "Rumah Tahanan Negara (Rutan)", True),
    ("bapas", "Balai Pemasyarakatan (Bapas)", True),
    ("rupbasan", "Rumah Penyimpanan Benda Sitaan Negara (Rupbasan)", True),
    ("rudenim", "Rumah Detensi Imigrasi (Rudenim)", True),
    ("kanim", "Kantor Imigrasi (Kanim)", True),
    ("inspektorat", "Inspektorat Daerah", False),
    ("dinas", "Dinas (SKPD)", True),
    ("badan", "Badan (SKPD)", True),
    ("rsud", "Rumah Sakit Umum Daerah (RSUD)", True),
    ("upt", "Unit Pelaksana Teknis (UPT)", True),
    ("samsat", "Samsat / UPT Pendapatan Daerah", True),
    ("puskesmas", "Puskesmas", True),
    ("sma", "Sekolah Menengah Atas (SMA)", True),
    ("smk", "Sekolah Menengah Kejuruan (SMK)", True),
    ("slb", "Sekolah Luar Biasa (SLB)", True),
]

# ---------------------------------------------------------------------------------------------------- trees


@dataclass(frozen=True)
class UnitSpec:
    name: str
    unit_type: str
    code: str = ""
    serves_public: bool = True
    province: str = ""
    children: tuple[UnitSpec, ...] = field(default=())

    @property
    def key(self) -> str:
        return self.code or slugify(self.name).upper()[:64]


def _satker(names: list[str]) -> tuple[UnitSpec, ...]:
    """Satker named "Lapas Kelas I Palembang" get their type from the first word."""
    return tuple(UnitSpec(name=name, unit_type=name.split()[0].lower()) for name in names)


SUMSEL_SATKER = [
    "Lapas Kelas I Palembang",
    "LPKA Kelas I Palembang",
    "Lapas Perempuan Kelas IIA Palembang",
    "Lapas Narkotika Kelas IIA Palembang",
    "Rutan Kelas I Palembang",
    "Bapas Kelas I Palembang",
    "Rupbasan Kelas I Palembang",
    "Kanim Kelas I TPI Palembang",
    "Kanim Kelas II TPI Muara Enim",
    "Kanim Kelas II Non TPI Baturaja",
    "Bapas Kelas II Lahat",
    "Bapas Kelas II Lubuklinggau",
    "Lapas Kelas IIB Muara Enim",
    "Lapas Kelas IIB Martapura",
    "Lapas Kelas IIA Banyuasin",
    "Lapas Kelas IIB Sekayu",
    "Lapas Kelas IIB Kayuagung",
    "Lapas Kelas IIA Lubuklinggau",
    "Lapas Kelas IIA Lahat",
    "Lapas Kelas IIB Pagar Alam",
    "Lapas Kelas IIB Baturaja",
    "Lapas Kelas IIB Empat Lawang",
    "Lapas Narkotika Kelas IIA Muara Beliti",
    "Rutan Kelas IIB Prabumulih",
    "Rutan Kelas IIB Tanjung Raja",
    "Rutan Kelas IIB Baturaja",
    "Rutan Kelas IIB Pagar Alam",
    "Rutan Kelas IIB Sekayu",
    "Rutan Kelas IIB Kayuagung",
]

KEPRI_SATKER = [
    "Rutan Kelas I Tanjungpinang",
    "Rudenim Pusat Tanjungpinang",
    "Kanim Kelas I Khusus TPI Batam",
    "Kanim Kelas I TPI Tanjungpinang",
    "Kanim Kelas II TPI Tanjung Uban",
    "Kanim Kelas II TPI Tanjung Balai Karimun",
    "Kanim Kelas II Non TPI Ranai",
    "Kanim Kelas III Non TPI Tarempa",
    "Lapas Kelas IIA Batam",
    "Lapas Kelas IIA Tanjungpinang",
    "Lapas Narkotika Kelas IIA Tanjungpinang",
    "Lapas Perempuan Kelas IIB Batam",
    "Lapas Kelas IIB Karimun",
    "LPKA Kelas II Batam",
    "Rutan Kelas IIA Batam",
    "Rutan Kelas IIB Tanjung Balai Karimun",
    "Rutan Kelas IIB Dabo Singkep",
    "Rutan Kelas IIB Ranai",
    "Bapas Kelas II Batam",
    "Bapas Kelas II Tanjungpinang",
    "Rupbasan Kelas II Tanjungpinang",
]

JATENG_SATKER = [
    "Lapas Kelas I Semarang",
    "Lapas Perempuan Kelas IIA Semarang",
    "Rutan Kelas I Semarang",
    "Bapas Kelas I Semarang",
    "Lapas Kelas I Batu Nusakambangan",
    "Lapas Kelas IIA Besi Nusakambangan",
    "Lapas Kelas IIA Pasir Putih Nusakambangan",
    "Lapas Kelas IIB Cilacap",
    "Rutan Kelas I Surakarta",
    "Lapas Kelas IIA Magelang",
    "Lapas Kelas IIA Pekalongan",
    "Rutan Kelas IIB Pati",
    "Rutan Kelas IIB Kudus",
    "Lapas Kelas IIA Purwokerto",
    "LPKA Kelas I Kutoarjo",
    "Kanim Kelas I TPI Semarang",
    "Kanim Kelas I TPI Surakarta",
    "Kanim Kelas II Non TPI Pati",
    "Kanim Kelas II TPI Cilacap",
]

BANTEN_SATKER = [
    "Lapas Kelas I Tangerang",
    "LPKA Kelas I Tangerang",
    "Lapas Pemuda Kelas IIA Tangerang",
    "Lapas Perempuan Kelas IIA Tangerang",
    "Rutan Kelas I Tangerang",
    "Rutan Kelas IIB Serang",
    "Lapas Kelas IIA Serang",
    "Bapas Kelas I Tangerang",
    "Kanim Kelas I Khusus TPI Soekarno-Hatta",
    "Kanim Kelas I TPI Serang",
    "Kanim Kelas I Non TPI Tangerang",
]


def kemenkumham_tree() -> list[UnitSpec]:
    def kanwil(code: str, province: str, satker: list[str]) -> UnitSpec:
        return UnitSpec(
            name=f"Kanwil Kemenkumham {province}",
            unit_type="kanwil",
            code=code,
            province=province,
            children=_satker(satker),
        )

    central = "DKI Jakarta"
    return [
        UnitSpec("Sekretariat Jenderal", "sekjen", "SETJEN", serves_public=False, province=central),
        UnitSpec("Direktorat Jenderal Pemasyarakatan", "ditjen", "DITJENPAS", serves_public=False, province=central),
        UnitSpec("Direktorat Jenderal Imigrasi", "ditjen", "DITJENIM", serves_public=False, province=central),
        UnitSpec("Inspektorat Jenderal", "itjen", "ITJEN", serves_public=False, province=central),
        kanwil("KANWIL-SUMSEL", "Sumatera Selatan", SUMSEL_SATKER),
        kanwil("KANWIL-KEPRI", "Kepulauan Riau", KEPRI_SATKER),
        kanwil("KANWIL-JATENG", "Jawa Tengah", JATENG_SATKER),
        kanwil("KANWIL-BANTEN", "Banten", BANTEN_SATKER),
    ]


# Kalimantan Selatan: towns with their number of SMA negeri and SMK negeri.
KALSEL_SCHOOL_TOWNS: list[tuple[str, int, int]] = [
    ("Banjarmasin", 14, 6),
    ("Banjarbaru", 6, 3),
    ("Martapura", 10, 4),
    ("Pelaihari", 10, 4),
    ("Marabahan", 9, 3),
    ("Rantau", 10, 3),
    ("Kandangan", 10, 3),
    ("Barabai", 10, 3),
    ("Amuntai", 10, 3),
    ("Tanjung", 9, 3),
    ("Paringin", 8, 2),
    ("Kotabaru", 12, 4),
    ("Batulicin", 9, 3),
]

# (code, name, type, serves public, UPT names)
KALSEL_SKPD: list[tuple[str, str, str, bool, list[str]]] = [
    ("DINKES", "Dinas Kesehatan", "dinas", True, ["UPT Laboratorium Kesehatan Daerah", "UPT Pelatihan Kesehatan"]),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", "badan", False, []),
    ("BAPENDA", "Badan Pendapatan Daerah", "badan", True, []),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas", True, []),
    ("DINSOS", "Dinas Sosial", "dinas", True, ["UPT Panti Sosial Budi Sejahtera", "UPT Panti Sosial Bina Remaja"]),
    ("DISHUB", "Dinas Perhubungan", "dinas", True, ["UPT Pengujian Kendaraan Bermotor", "UPT Terminal Tipe B"]),
    ("RSUD-ULIN", "RSUD Ulin Banjarmasin", "rsud", True, []),
    ("RSUD-ANSARI", "RSUD Dr. H. Moch. Ansari Saleh Banjarmasin", "rsud", True, []),
    ("RSJ-SAMBANG-LIHUM", "RSJ Sambang Lihum", "rsud", True, []),
    ("DISNAKERTRANS", "Dinas Tenaga Kerja dan Transmigrasi", "dinas", True, ["UPT Balai Latihan Kerja Banjarmasin"]),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "dinas", True, ["UPT Laboratorium Pengujian Bahan"]),
    ("DLH", "Dinas Lingkungan Hidup", "dinas", True, ["UPT Laboratorium Lingkungan"]),
    ("DISPERINDAG", "Dinas Perdagangan", "dinas", True, ["UPT Metrologi Legal"]),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "dinas", True, []),
    ("DISPORA", "Dinas Pemuda dan Olahraga", "dinas", True, ["UPT Gelanggang Olahraga"]),
    ("DISPAR", "Dinas Pariwisata", "dinas", True, []),
    ("DISTPH", "Dinas Tanaman Pangan dan Hortikultura", "dinas", True, ["UPT Balai Benih Induk Padi"]),
    ("DISBUNNAK", "Dinas Perkebunan dan Peternakan", "dinas", True, ["UPT Pusat Kesehatan Hewan"]),
    ("DKP", "Dinas Kelautan dan Perikanan", "dinas", True, ["UPT Pelabuhan Perikanan Banjarmasin"]),
    ("DISHUT", "Dinas Kehutanan", "dinas", True, ["UPT KPH Tanah Laut", "UPT KPH Kayu Tangi"]),
    ("DISPERKIM", "Dinas Perumahan Rakyat dan Kawasan Permukiman", "dinas", True, []),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "badan", False, []),
    ("BKD", "Badan Kepegawaian Daerah", "badan", True, []),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", "badan", True, []),
    ("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "badan", True, []),
    ("DISPERPUSIP", "Dinas Perpustakaan dan Kearsipan", "dinas", True, ["UPT Perpustakaan Palnam"]),
    (
        "DP3A",
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
        "dinas",
        True,
        ["UPT Perlindungan Perempuan dan Anak"],
    ),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", True, []),
]


# Special-needs schools (SLB negeri) run by the province: towns with more than one have them numbered.
KALSEL_SLB_TOWNS: list[tuple[str, int]] = [
    ("Banjarmasin", 3),
    ("Banjarbaru", 2),
    ("Martapura", 2),
    ("Pelaihari", 1),
    ("Marabahan", 1),
    ("Rantau", 1),
    ("Kandangan", 1),
    ("Barabai", 1),
    ("Amuntai", 1),
    ("Tanjung", 2),
    ("Paringin", 1),
    ("Kotabaru", 2),
    ("Batulicin", 1),
]


def _schools() -> tuple[UnitSpec, ...]:
    schools = []
    for town, n_sma, n_smk in KALSEL_SCHOOL_TOWNS:
        schools += [UnitSpec(f"SMAN {i} {town}", "sma") for i in range(1, n_sma + 1)]
        schools += [UnitSpec(f"SMKN {i} {town}", "smk") for i in range(1, n_smk + 1)]
    for town, n_slb in KALSEL_SLB_TOWNS:
        names = [f"SLBN {i} {town}" for i in range(1, n_slb + 1)] if n_slb > 1 else [f"SLBN {town}"]
        schools += [UnitSpec(name, "slb") for name in names]
    return tuple(schools)


def kalsel_tree() -> list[UnitSpec]:
    roots = [UnitSpec("Inspektorat Provinsi Kalimantan Selatan", "inspektorat", "INSPEKTORAT", serves_public=False)]
    for code, name, unit_type, serves_public, upts in KALSEL_SKPD:
        children: tuple[UnitSpec, ...] = tuple(UnitSpec(upt, "upt") for upt in upts)
        if code == "BAPENDA":
            children += tuple(UnitSpec(f"UPT Samsat {place}", "samsat") for place in SAMSAT)
        roots.append(UnitSpec(name, unit_type, code, serves_public=serves_public, children=children))
    roots.insert(
        2,
        UnitSpec(
            "Dinas Pendidikan dan Kebudayaan",
            "dinas",
            "DISDIKBUD",
            children=(
                UnitSpec("UPT Taman Budaya", "upt"),
                UnitSpec("UPT Museum Lambung Mangkurat", "upt"),
                *_schools(),
            ),
        ),
    )
    return roots


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    province: str
    tree: list[UnitSpec]


def agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            "KEMENKUMHAM", "Kementerian Hukum dan HAM", AgencyKind.KEMENTERIAN, "DKI Jakarta", kemenkumham_tree()
        ),
        AgencySpec(
            "PEMPROV-KALSEL",
            "Pemerintah Provinsi Kalimantan Selatan",
            AgencyKind.PEMPROV,
            "Kalimantan Selatan",
            kalsel_tree(),
        ),
    ]


# --------------------------------------------------------------------------------------------------- people

FIRST_NAMES = [
    "Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Agus", "Rudi", "Yudi", "Bambang",
    "Rahmat", "Taufik", "Hasan", "Arif", "Dimas", "Andi", "Wahyu", "Iwan", "Siti", "Dewi", "Rina", "Sri",
    "Fitri", "Nur", "Yuliana", "Ratna", "Indah", "Lestari", "Putri", "Wulan", "Ayu", "Maya", "Novi", "Rahma",
]  # fmt: skip
MIDDLE_NAMES = ["", "", "", "Muhammad", "Nur", "Dwi", "Tri", "Eka", "Putra", "Sari", "Kurnia", "Aulia"]
LAST_NAMES = [
    "Saputra", "Hidayat", "Santoso", "Wijaya", "Pratama", "Kurniawan", "Setiawan", "Nugroho", "Siregar",
    "Nasution", "Harahap", "Lubis", "Simanjuntak", "Rahmawati", "Susanti", "Wulandari", "Handayani", "Permata",
    "Syahputra", "Fauzi", "Hakim", "Ramadhan", "Firmansyah", "Anwar", "Effendi", "Gunawan", "Sembiring",
]  # fmt: skip

POSITIONS = {
    "lapas": [
        "Kepala Seksi Pembinaan Narapidana", "Kepala Seksi Kegiatan Kerja", "Kepala Kesatuan Pengamanan Lapas",
        "Kepala Subbagian Tata Usaha", "Petugas Pengamanan", "Petugas Pengamanan", "Petugas Pengamanan",
        "Staf Registrasi", "Wali Pemasyarakatan", "Petugas Layanan Kunjungan", "Pengelola Keuangan",
        "Perawat", "Pembina Kemandirian", "Analis Kepegawaian",
    ],
    "rutan": [
        "Kepala Seksi Pelayanan Tahanan", "Kepala Kesatuan Pengamanan Rutan", "Kepala Subseksi Registrasi",
        "Petugas Pengamanan", "Petugas Pengamanan", "Petugas Layanan Kunjungan", "Staf Pengelolaan",
        "Pengelola Keuangan", "Perawat",
    ],
    "kanim": [
        "Kepala Seksi Lalu Lintas Keimigrasian", "Kepala Seksi Intelijen dan Penindakan", "Analis Keimigrasian",
        "Petugas Pelayanan Paspor", "Petugas Pelayanan Paspor", "Petugas Tempat Pemeriksaan Imigrasi",
        "Pengelola Data dan Informasi", "Staf Tata Usaha", "Pengelola Keuangan",
    ],
    "samsat": ["Kepala Seksi Pelayanan", "Petugas Loket", "Petugas Loket", "Bendahara Penerimaan", "Staf Umum"],
    "lpka": [
        "Kepala Seksi Pembinaan", "Kepala Subseksi Registrasi", "Petugas Pengamanan", "Petugas Pengamanan",
        "Wali Anak", "Guru Pendamping", "Petugas Layanan Kunjungan", "Pengelola Keuangan", "Konselor",
    ],
    "bapas": [
        "Kepala Seksi Bimbingan Klien Dewasa", "Kepala Seksi Bimbingan Klien Anak", "Pembimbing Kemasyarakatan",
        "Pembimbing Kemasyarakatan", "Asisten Pembimbing Kemasyarakatan", "Staf Registrasi", "Pengelola Keuangan",
    ],
}  # fmt: skip
HEAD_POSITIONS = {
    "lapas": "Kepala Lapas",
    "rutan": "Kepala Rutan",
    "kanim": "Kepala Kantor Imigrasi",
    "lpka": "Kepala LPKA",
    "bapas": "Kepala Bapas",
}
HEAD_UPT = "Kepala UPT"
# Positions that make a person the head of their unit (one per unit: a demo test checks it). Where a demo login is
# the unit's head (demo-kepala), the first person of the staff list is not: :data:`HEADED_BY_LOGIN`.
HEAD_TITLES = frozenset([*HEAD_POSITIONS.values(), HEAD_UPT])
HONORER_POSITIONS = ["Pramubakti", "Pengemudi", "Petugas Kebersihan", "Petugas Keamanan (PPNPN)"]


class StaffSpec(NamedTuple):
    agency_code: str
    unit_code: str
    prefix: str  # usernames are ``<prefix>.001`` …
    count: int  # type: ignore[assignment]  # the field shadows tuple.count, which nothing here calls


STAFF = [
    StaffSpec("KEMENKUMHAM", "LAPAS-KELAS-I-PALEMBANG", "lapas-plg", 40),
    StaffSpec("KEMENKUMHAM", "KANIM-KELAS-I-TPI-PALEMBANG", "kanim-plg", 25),
    StaffSpec("KEMENKUMHAM", "RUTAN-KELAS-I-TANJUNGPINANG", "rutan-tpi", 25),
    StaffSpec("PEMPROV-KALSEL", "UPT-SAMSAT-BANJARMASIN-I", "samsat-bjm1", 15),
    # the other satker on a 2026 journey: their pencanangan is signed by the head and the staff
    StaffSpec("KEMENKUMHAM", "LPKA-KELAS-I-PALEMBANG", "lpka-plg", 16),
    StaffSpec("KEMENKUMHAM", "BAPAS-KELAS-I-PALEMBANG", "bapas-plg", 14),
    StaffSpec("KEMENKUMHAM", "LAPAS-PEREMPUAN-KELAS-IIA-PALEMBANG", "lapaspr-plg", 14),
    StaffSpec("KEMENKUMHAM", "LAPAS-KELAS-IIA-BANYUASIN", "lapas-bya", 12),
    StaffSpec("KEMENKUMHAM", "RUTAN-KELAS-IIB-PRABUMULIH", "rutan-pbm", 10),
    StaffSpec("KEMENKUMHAM", "LAPAS-KELAS-IIB-MUARA-ENIM", "lapas-mre", 10),
]
# Units whose head is a demo login (``demo-kepala``): their staff list has no second head.
HEADED_BY_LOGIN = {"LAPAS-KELAS-I-PALEMBANG"}
DEPUTY_POSITION = "Kepala Subbagian Tata Usaha"


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    nip: str | None
    position: str
    employment_type: str


def staff_people(spec: StaffSpec, unit_type: str, rng: random.Random, seq_start: int) -> list[Person]:
    """``spec.count`` deterministic people: the head first (the head of administration where a demo login heads the
    unit), about 15 % honorer (no NIP), 10 % PPPK."""
    positions = POSITIONS.get(unit_type, POSITIONS["samsat"])
    people = []
    for i in range(1, spec.count + 1):
        first, middle, last = rng.choice(FIRST_NAMES), rng.choice(MIDDLE_NAMES), rng.choice(LAST_NAMES)
        name = " ".join(part for part in (first, middle, last) if part)
        draw = rng.random()
        if i == 1:
            head = DEPUTY_POSITION if spec.unit_code in HEADED_BY_LOGIN else HEAD_POSITIONS.get(unit_type, HEAD_UPT)
            kind, position = EmploymentType.PNS, head
        elif draw < 0.15:
            kind, position = EmploymentType.NON_ASN, rng.choice(HONORER_POSITIONS)
        elif draw < 0.25:
            kind, position = EmploymentType.PPPK, rng.choice(positions)
        else:
            kind, position = EmploymentType.PNS, rng.choice(positions)
        nip = None if kind == EmploymentType.NON_ASN else nip_like(rng, seq_start + i)
        people.append(Person(f"{spec.prefix}.{i:03d}", name, nip, position, kind))
    return people


def nip_like(rng: random.Random, seq: int) -> str:
    """18 digits shaped like a NIP: birth date (8), appointment year-month (6), sex (1), sequence (3)."""
    born = rng.randint(1968, 1998)
    appointed = min(born + rng.randint(22, 30), 2024)
    return (
        f"{born}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        f"{appointed}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{seq % 1000:03d}"
    )


# ---------------------------------------------------------------------------------------------- demo logins


class DemoLogin(NamedTuple):
    username: str
    full_name: str
    role: str
    agency_code: str
    unit_code: str | None  # None: the role is held for the whole agency (or nationally, without agency)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


_LAPAS_PLG = "LAPAS-KELAS-I-PALEMBANG"
DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin("demo-admin", "Admin Instansi Kemenkumham (demo)", Role.AGENCY_ADMIN, "KEMENKUMHAM", None),
    DemoLogin("demo-tim", "Anggota Tim ZI Lapas Palembang (demo)", Role.UNIT_TEAM_MEMBER, "KEMENKUMHAM", _LAPAS_PLG),
    DemoLogin("demo-ketua", "Ketua Tim ZI Lapas Palembang (demo)", Role.UNIT_TEAM_LEADER, "KEMENKUMHAM", _LAPAS_PLG),
    DemoLogin("demo-kepala", "Kepala Lapas Kelas I Palembang (demo)", Role.UNIT_HEAD, "KEMENKUMHAM", _LAPAS_PLG),
    DemoLogin("demo-reviewer", "Reviewer Kanwil Sumsel (demo)", Role.REVIEWER, "KEMENKUMHAM", "KANWIL-SUMSEL"),
    DemoLogin("demo-tpi", "Evaluator TPI Itjen Kemenkumham (demo)", Role.TPI_EVALUATOR, "KEMENKUMHAM", None),
    DemoLogin("demo-pimpinan", "Kepala Kanwil Sumsel (demo)", Role.LEADER, "KEMENKUMHAM", "KANWIL-SUMSEL"),
    DemoLogin("demo-nasional", "Pemantau Nasional KemenPAN-RB (demo)", Role.NATIONAL_VIEWER, "", None),
    DemoLogin("demo-kalsel-admin", "Admin Pemprov Kalsel (demo)", Role.AGENCY_ADMIN, "PEMPROV-KALSEL", None),
    DemoLogin("demo-kalsel-tpi", "Evaluator TPI Inspektorat Kalsel (demo)", Role.TPI_EVALUATOR, "PEMPROV-KALSEL", None),
]
# Home unit (``User.unit``) of the logins whose role is held for a whole agency.
HOME_UNITS = {"demo-admin": "SETJEN", "demo-tpi": "ITJEN", "demo-kalsel-admin": "BKD", "demo-kalsel-tpi": "INSPEKTORAT"}
# The demo evaluators sign LHEs: their NIP is printed under the signature.
DEMO_NIPS = {"demo-tpi": "198104202005011003", "demo-kalsel-tpi": "198511072010012014"}


def demo_login_table() -> list[tuple[str, str, str]]:
    """(username, role label, scope) rows for the table printed after seeding."""
    rows = []
    for login in DEMO_LOGINS:
        if login.unit_code:
            scope = f"{login.agency_code} / {login.unit_code}"
        else:
            scope = login.agency_code or "nasional"
        rows.append((login.username, login.role_label, scope))
    return rows


# -------------------------------------------------------------------------------------------------- builder


class _Builder:
    def __init__(self, stdout: TextIO | TextIOBase | None) -> None:
        self.stdout = stdout
        self.created: dict[str, int] = {
            "unit_types": 0,
            "agencies": 0,
            "units": 0,
            "staff": 0,
            "logins": 0,
            "roles": 0,
        }
        self.units: dict[tuple[str, str], Unit] = {}
        self._password_hash = ""

    def password_hash(self) -> str:
        """The demo password hashed once: the slow hasher runs once, not once per demo login."""
        if not self._password_hash:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    def unit_types(self) -> dict[str, UnitType]:
        existing = {t.code: t for t in UnitType.objects.all()}
        for code, name, builds_zi in UNIT_TYPES:
            if code not in existing:
                unit_type = UnitType.objects.create(code=code, name=name, builds_zi=builds_zi)
                audit.record(ACTOR, "create", unit_type, after=audit.snapshot(unit_type))
                existing[code] = unit_type
                self.created["unit_types"] += 1
        return existing

    def agency(self, spec: AgencySpec, types: dict[str, UnitType]) -> Agency:
        agency = Agency.objects.filter(code=spec.code).first()
        if agency is None:
            agency = services.agency_create(
                actor=ACTOR, code=spec.code, name=spec.name, kind=spec.kind, province=spec.province
            )
            self.created["agencies"] += 1
        existing = {unit.code: unit for unit in Unit.objects.filter(agency=agency)}
        for root in spec.tree:
            self._unit(agency, root, None, types, existing)
        return agency

    def _unit(
        self, agency: Agency, spec: UnitSpec, parent: Unit | None, types: dict[str, UnitType], existing: dict[str, Unit]
    ) -> None:
        unit = existing.get(spec.key)
        if unit is None:
            unit = services.unit_create(
                actor=ACTOR,
                agency=agency,
                code=spec.key,
                name=spec.name,
                unit_type=types[spec.unit_type],
                parent=parent,
                serves_public=spec.serves_public,
                province=spec.province,
            )
            self.created["units"] += 1
        self.units[(agency.code, unit.code)] = unit
        for child in spec.children:
            self._unit(agency, child, unit, types, existing)

    def staff(self) -> None:
        User = get_user_model()
        rng = random.Random(2026)  # noqa: S311 - deterministic demo names, not security
        seq = 0
        for spec in STAFF:
            unit = self.units[(spec.agency_code, spec.unit_code)]
            people = staff_people(spec, unit.unit_type.code, rng, seq)
            seq += spec.count
            taken = set(
                User.objects.filter(username__in=[p.username for p in people]).values_list("username", flat=True)
            )
            new = [
                User(
                    username=p.username,
                    full_name=p.full_name,
                    nip=p.nip,
                    unit=unit,
                    position=p.position,
                    employment_type=p.employment_type,
                    password=make_password(None),
                )
                for p in people
                if p.username not in taken
            ]
            if not new:
                continue
            User.objects.bulk_create(new, batch_size=500)
            audit.record_many(
                ACTOR, [audit.Change("create", obj=u, after=audit.snapshot(u, USER_AUDIT_FIELDS)) for u in new]
            )
            self.created["staff"] += len(new)

    def logins(self, agencies_by_code: dict[str, Agency]) -> None:
        User = get_user_model()
        for login in DEMO_LOGINS:
            user = User.objects.filter(username=login.username).first()
            if user is None:
                user = self._login_user(login, agencies_by_code)
            unit = self.units[(login.agency_code, login.unit_code)] if login.unit_code else None
            agency = agencies_by_code[login.agency_code] if login.agency_code and unit is None else None
            if not RoleAssignment.objects.filter(user=user, role=login.role, unit=unit, agency=agency).exists():
                services.role_assign(actor=ACTOR, user=user, role=login.role, unit=unit, agency=agency)
                self.created["roles"] += 1

    def _login_user(self, login: DemoLogin, agencies_by_code: dict[str, Agency]) -> Any:
        User = get_user_model()
        home_code = login.unit_code or HOME_UNITS.get(login.username)
        home = self.units.get((login.agency_code, home_code)) if home_code else None
        user = User(
            username=login.username,
            full_name=login.full_name,
            email=f"{login.username}@demo.zona-integritas.id",
            nip=DEMO_NIPS.get(login.username),
            unit=home,
            position=str(Role(login.role).label),
        )
        user.password = self.password_hash()
        user.save()
        audit.record(ACTOR, "create", user, after=audit.snapshot(user, USER_AUDIT_FIELDS))
        self.created["logins"] += 1
        return user


def demo_counts() -> dict[str, int]:
    """Totals of what the demo consists of (equal after every run).

    ``people`` is everyone with a unit in the demo agencies once the whole demo is seeded: the satker staff,
    the demo logins with a home unit, and the unit heads the workflow demo adds to sign an integrity pact where
    a unit has no staff list — more than the organisation step creates (``zi seed_demo`` says so).
    """
    codes = [spec.code for spec in agencies()]
    usernames = [login.username for login in DEMO_LOGINS]
    User = get_user_model()
    return {
        "unit_types": UnitType.objects.filter(code__in=[code for code, _, _ in UNIT_TYPES]).count(),
        "agencies": Agency.objects.filter(code__in=codes).count(),
        "units": Unit.objects.filter(agency__code__in=codes).count(),
        "people": User.objects.filter(unit__agency__code__in=codes).count(),
        "demo_logins": User.objects.filter(username__in=usernames).count(),
        "role_assignments": RoleAssignment.objects.filter(user__username__in=usernames).count(),
    }


def seed_programme_data(stdout: TextIO | TextIOBase | None = None) -> None:
    """The programme's own demo data after the organisation data, in the same transaction: the 2026 period with
    LKE self-assessments (``zi.demo.assessments``), then work plans, activities, complaints and innovations
    (``zi.demo.programme``), then survey campaigns and responses (``zi.demo.surveys``) whose IPAK/IPKP the
    self-assessments take, then the journeys, the dashboards' rollup and one demo innovation linked to a weak survey
    result (``zi.demo.programme.link_survey_findings``)."""
    seed_predicates(stdout)  # the register first: an assessment's current predicate is read from it
    seed_assessments(stdout)
    seed_programme(stdout)
    # before the journeys: the LKE's IPAK/IPKP come from the units' surveys, and the journeys copy the
    # self-assessment into the review and TPI lanes (whose guards then judge the surveys' values)
    changed = seed_surveys(stdout, refresh=False)["campaigns"]
    changed += align_lke_with_surveys(stdout=stdout)
    seed_workflow(stdout)
    changed += seed_story(stdout)  # Kalsel's 25 building units, submission days, the six early warnings' examples
    spread_upload_times()  # evidence built along the year, except the paperwork example (before any rollup refresh)
    changed += align_lke_with_surveys()  # lanes a journey carried over or copied since (idempotent)
    period = Period.objects.filter(year=SURVEY_DEMO_YEAR).first()
    if period is not None and changed:  # a second run changes nothing (not even the audit trail)
        rollup_refresh(period=period, actor=SURVEY_ACTOR)
    link_survey_findings(stdout)  # one demo innovation answers a weak survey result


@transaction.atomic
def build_demo(stdout: TextIO | TextIOBase | None = None) -> dict[str, int]:
    """Create (or complete) the demo data; returns :func:`demo_counts`."""
    builder = _Builder(stdout)
    types = builder.unit_types()
    agencies_by_code = {spec.code: builder.agency(spec, types) for spec in agencies()}
    builder.staff()
    builder.logins(agencies_by_code)
    builder.say(
        _(
            "Dibuat (struktur organisasi): %(unit_types)d jenis unit, %(agencies)d instansi, %(units)d unit, "
            "%(staff)d pegawai satker, %(logins)d akun demo, %(roles)d peran."
        )
        % builder.created
    )
    seed_programme_data(stdout)
    seed_monitoring(stdout)
    return demo_counts()
