"""The LKE's content names as translatable strings: areas, result sections and indicators (sub-areas).

The LKE comes from data (``templates_data/*.yaml``, Indonesian as the regulation prints it) and is stored and
scored in Indonesian (names are keys of stored breakdowns). A page shows a name through :func:`content_name` (the
``lke_name`` template filter), which looks it up in the English catalogue (``zi/locale/en``) when the interface
is English, so an English page never reads "1. Manajemen Perubahan" beside "Change Management". The list below
marks every name for ``makemessages`` (``gettext_noop``); ``tests/test_content_names.py`` checks that it covers
every name of every template in ``templates_data`` and that each has an English translation.

What stays Indonesian: the question texts, answer options, evidence examples and calculation inputs (the
regulation's wording, long and evaluated as written; docs/lke.md).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

NAMES = (
    # the six areas of change and the result component's two sections
    gettext_noop("Manajemen Perubahan"),
    gettext_noop("Penataan Tatalaksana"),
    gettext_noop("Penataan Sistem Manajemen SDM"),
    gettext_noop("Penguatan Akuntabilitas Kinerja"),
    gettext_noop("Penguatan Pengawasan"),
    gettext_noop("Peningkatan Kualitas Pelayanan Publik"),
    gettext_noop("Birokrasi yang Bersih dan Akuntabel"),
    gettext_noop("Pelayanan Publik yang Prima"),
    # indicators (sub-areas), in the LKE's order
    gettext_noop("Penyusunan Tim Kerja"),
    gettext_noop("Rencana Pembangunan Zona Integritas"),
    gettext_noop("Pemantauan dan Evaluasi Pembangunan WBK/WBBM"),
    gettext_noop("Perubahan pola pikir dan budaya kerja"),
    gettext_noop("Prosedur Operasional Tetap (SOP) Kegiatan Utama"),
    gettext_noop("Sistem Pemerintahan Berbasis Elektronik (SPBE)"),
    gettext_noop("Keterbukaan Informasi Publik"),
    gettext_noop("Perencanaan Kebutuhan Pegawai sesuai dengan Kebutuhan Organisasi"),
    gettext_noop("Pola Mutasi Internal"),
    gettext_noop("Pengembangan Pegawai Berbasis Kompetensi"),
    gettext_noop("Penetapan Kinerja Individu"),
    gettext_noop("Penegakan Aturan Disiplin/Kode Etik/Kode Perilaku Pegawai"),
    gettext_noop("Sistem Informasi Kepegawaian"),
    gettext_noop("Keterlibatan Pimpinan"),
    gettext_noop("Pengelolaan Akuntabilitas Kinerja"),
    gettext_noop("Pengendalian Gratifikasi"),
    gettext_noop("Penerapan Sistem Pengendalian Intern Pemerintah (SPIP)"),
    gettext_noop("Pengaduan Masyarakat"),
    gettext_noop("Whistle-Blowing System"),
    gettext_noop("Penanganan Benturan Kepentingan"),
    gettext_noop("Standar Pelayanan"),
    gettext_noop("Budaya Pelayanan Prima"),
    gettext_noop("Pengelolaan Pengaduan"),
    gettext_noop("Penilaian Kepuasan terhadap Pelayanan"),
    gettext_noop("Pemanfaatan Teknologi Informasi"),
    gettext_noop("Komitmen dalam Perubahan"),
    gettext_noop("Komitmen Pimpinan"),
    gettext_noop("Membangun Budaya Kerja"),
    gettext_noop("Peta Proses Bisnis Mempengaruhi Penyederhanaan Jabatan"),
    gettext_noop("Sistem Pemerintahan Berbasis Elektronik (SPBE) yang Terintegrasi"),
    gettext_noop("Transformasi Digital Memberikan Nilai Manfaat"),
    gettext_noop("Kinerja Individu"),
    gettext_noop("Assessment Pegawai"),
    gettext_noop("Pelanggaran Disiplin Pegawai"),
    gettext_noop("Meningkatnya capaian kinerja unit kerja"),
    gettext_noop("Pemberian Reward and Punishment"),
    gettext_noop("Kerangka Logis Kinerja"),
    gettext_noop("Mekanisme Pengendalian"),
    gettext_noop("Penanganan Pengaduan Masyarakat"),
    gettext_noop("Penyampaian Laporan Harta Kekayaan"),
    gettext_noop("Upaya dan/atau Inovasi Pelayanan Publik"),
    gettext_noop("Penanganan Pengaduan Pelayanan dan Konsultasi"),
    gettext_noop("Nilai Survei Persepsi Korupsi (Survei Eksternal) - Indeks Persepsi Anti Korupsi (IPAK)"),
    gettext_noop("Capaian Kinerja Lebih Baik dari pada Capaian Kinerja Sebelumnya"),
    gettext_noop("Nilai Persepsi Kualitas Pelayanan (Survei Eksternal) - Indeks Persepsi Kualitas Pelayanan (IPKP)"),
)


def content_name(name: Any) -> str:
    """An LKE content name (area, section, indicator) in the active language; any other text unchanged."""
    text = "" if name is None else str(name)
    return gettext(text) if text in _KNOWN else text


_KNOWN = frozenset(NAMES)


def template_names(spec: Any) -> set[str]:
    """Every content name of a parsed template (:class:`zi.lke.spec.Template`)."""
    names = set(spec.area_names)
    for area in (*spec.lever, *spec.result):
        names.add(area.name)
        names.update(indicator.name for indicator in area.indicators)
    return names
