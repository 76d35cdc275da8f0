"""Backup and restore of a whole instance: the database content and the uploaded files, in one archive.

Why Django serialization and not ``pg_dump``: one code path for SQLite and PostgreSQL (a backup of one restores
into the other), no server-version-matched client binary on the app host, and the restore checks the data
before committing it. ``dumpdata``'s JSON cuts datetimes to milliseconds, which would break the audit hash chain
(its hashes include ``created_at`` to the microsecond), so the same serializer writes JSON Lines with an encoder
that keeps full precision. Primary keys are kept as they are (audit snapshots and hashes name ids), including
those of content types and permissions, which replace the ones ``migrate`` created in the empty target. The
restore streams the lines and inserts rows in batches as stored (``loaddata`` saves them one by one, with an
UPDATE and an INSERT each). For very large PostgreSQL instances ``pg_dump`` plus a copy of the media store
stays the faster option (docs/operations.md).

The archive (``.tar.gz``) holds ``database.jsonl``, ``files/<storage name>`` for every file a ``FileField``
references, and ``manifest.json`` with the SHA-256 and size of every other member, the migration state, the
object counts and the audit chain's head. A restore reads nothing into the database before every member has
been checked against the manifest.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.core import audit
from zi.core.models import AuditHead

FORMAT = "zi-backup/1"
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
FILES = "files/"
CHUNK = 1024 * 1024
# Not content: login sessions and lockout counters start afresh after a restore.
EXCLUDED = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
# Rows ``migrate`` creates by itself; the archive's rows (same ids as the source) replace them.
BUILT_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """The archive cannot be written, or is refused on restore (the message says why)."""


class FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes and times keep their microseconds (the audit hashes depend on them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            value = o.isoformat()
            return value[:-6] + "Z" if value.endswith("+00:00") else value
        if isinstance(o, dt.time):
            return o.isoformat()
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


@dataclass
class BackupResult:
    path: Path
    sha256: str
    size: int
    objects: int
    files: int


@dataclass
class RestoreResult:
    objects: int
    files: int
    audit_events: int
    manifest: dict[str, Any] = field(default_factory=dict)


# --- helpers -----------------------------------------------------------------------------------------------------


def _models() -> list[type[models.Model]]:
    """Every concrete model with a table, in dependency order (as ``dumpdata`` orders them)."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        model
        for model in ordered
        if not model._meta.proxy and model._meta.managed and model._meta.label_lower not in EXCLUDED
    ]


def _file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    found = []
    for model in _models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                found.append((model, model_field))
    return found


def _referenced_files() -> list[str]:
    names: set[str] = set()
    for model, file_field in _file_fields():
        if file_field.storage is not default_storage:
            raise BackupError(
                _("%(field)s memakai penyimpanan lain selain penyimpanan bawaan.")
                % {"field": f"{model._meta.label}.{file_field.name}"}
            )
        values = model._base_manager.exclude(**{file_field.attname: ""}).values_list(file_field.attname, flat=True)
        names.update(name for name in values.distinct().iterator() if name)
    return sorted(names)


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {label: sorted(names) for label, names in sorted(applied.items())}


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _audit_head() -> dict[str, Any]:
    head = AuditHead.objects.filter(id=1).first()
    return {"seq": head.seq if head else 0, "last_hash": head.last_hash if head else audit.GENESIS_HASH}


def _sha256_copy(source: IO[bytes], target: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _safe_member(name: str) -> bool:
    """Only ``manifest.json``, ``database.jsonl`` and relative paths under ``files/`` without ``..``."""
    if name in (MANIFEST, DATABASE):
        return True
    if not name.startswith(FILES) or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    return len(parts) >= 2 and all(part not in ("", ".", "..") for part in parts) and not name.startswith("/")


def _add(tar: tarfile.TarFile, name: str, handle: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, handle)


# --- backup ------------------------------------------------------------------------------------------------------


def _objects(model_list: list[type[models.Model]], counts: Counter) -> Iterator[models.Model]:
    for model in model_list:
        for obj in model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000):
            counts[model._meta.label_lower] += 1
            yield obj


def create_backup(output: Path) -> BackupResult:
    """Write the archive to ``output`` (via a temporary file next to it, renamed when complete)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    unapplied = _unapplied_migrations()
    if unapplied:
        raise BackupError(
            _(
                "Basis data belum memuat migrasi versi ini (%(migrations)s…): jalankan 'zi migrate', atau cadangkan "
                "dengan versi yang cocok dengan basis datanya."
            )
            % {"migrations": ", ".join(unapplied[:3])}
        )
    partial = output.with_name(f".{output.name}.partial")
    members: dict[str, dict[str, Any]] = {}
    counts: Counter = Counter()
    try:
        with tempfile.TemporaryDirectory(prefix="zi-backup-") as workdir:
            dump = Path(workdir) / DATABASE
            nested = connection.in_atomic_block  # inside a caller's transaction the isolation level is theirs
            with transaction.atomic():
                if connection.vendor == "postgresql" and not nested:
                    with connection.cursor() as cursor:  # one consistent snapshot for the whole dump
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                migrations = _migrations()
                head = _audit_head()
                with dump.open("w", encoding="utf-8") as stream:
                    serializers.serialize("jsonl", _objects(_models(), counts), stream=stream, cls=FullPrecisionEncoder)
                file_names = _referenced_files()
                with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                    with dump.open("rb") as handle:
                        members[DATABASE] = _hash_file(handle)
                        handle.seek(0)
                        _add(tar, DATABASE, handle, members[DATABASE]["size"])
                    for name in file_names:
                        member = FILES + name
                        if not _safe_member(member):
                            raise BackupError(
                                _("Berkas bernama tidak aman tidak diarsipkan: %(name)r") % {"name": name}
                            )
                        if not default_storage.exists(name):
                            raise BackupError(
                                _("Berkas yang dirujuk tidak ada di penyimpanan: %(name)s") % {"name": name}
                            )
                        with tempfile.TemporaryFile(dir=workdir) as spool:
                            with default_storage.open(name, "rb") as source:
                                sha, size = _sha256_copy(source, spool)
                            spool.seek(0)
                            _add(tar, member, spool, size)
                        members[member] = {"sha256": sha, "size": size}
                    manifest = {
                        "format": FORMAT,
                        "created_at": timezone.now().isoformat(),
                        "django": django.get_version(),
                        "database": {"vendor": connection.vendor, "objects": sum(counts.values())},
                        "counts": dict(sorted(counts.items())),
                        "migrations": migrations,
                        "audit": head,
                        "members": members,
                    }
                    raw = json.dumps(manifest, indent=2, sort_keys=True).encode()
                    _add(tar, MANIFEST, io.BytesIO(raw), len(raw))
        with partial.open("rb") as handle:
            archive = _hash_file(handle)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(output, archive["sha256"], archive["size"], sum(counts.values()), len(members) - 1)


def _hash_file(handle: IO[bytes]) -> dict[str, Any]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


# --- verify ------------------------------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """Check every member of the archive against its manifest; return the manifest or raise ``BackupError``."""
    path = Path(path)
    try:
        with tarfile.open(path, "r:gz") as tar:
            try:
                handle = tar.extractfile(MANIFEST)
            except KeyError as exc:
                raise BackupError(_("Arsip tidak memuat manifest.json: bukan cadangan zona-integritas.")) from exc
            try:
                manifest = json.loads(handle.read()) if handle else None
            except ValueError as exc:
                raise BackupError(_("manifest.json bukan JSON yang sah.")) from exc
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(_("Format cadangan tidak dikenal (seharusnya %(format)s).") % {"format": FORMAT})
            listed = manifest.get("members")
            if not isinstance(listed, dict) or DATABASE not in listed:
                raise BackupError(_("Manifes tidak mencantumkan anggota basis data."))
            seen: set[str] = set()
            for info in tar:
                name = info.name
                if name == MANIFEST:
                    continue
                if not info.isfile() or not _safe_member(name):
                    raise BackupError(_("Anggota arsip tak terduga atau tidak aman: %(name)r") % {"name": name})
                if name in seen:
                    raise BackupError(_("Anggota %(name)s muncul dua kali.") % {"name": name})
                seen.add(name)
                expected = listed.get(name)
                if expected is None:
                    raise BackupError(_("Anggota %(name)s tidak tercantum di manifes (arsip diubah).") % {"name": name})
                actual = _hash_file(tar.extractfile(info))  # type: ignore[arg-type]
                if actual != {"sha256": expected.get("sha256"), "size": expected.get("size")}:
                    raise BackupError(
                        _("%(name)s tidak cocok dengan SHA-256-nya di manifes (arsip diubah).") % {"name": name}
                    )
            missing = sorted(set(listed) - seen)
            if missing:
                raise BackupError(
                    _("Anggota yang tercantum di manifes hilang: %(names)s") % {"names": ", ".join(missing[:5])}
                )
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(
            _("Arsip tidak dapat dibaca (%(error)s).") % {"error": f"{type(exc).__name__}: {exc}"}
        ) from exc
    return manifest


# --- restore -----------------------------------------------------------------------------------------------------


def _non_empty_models() -> list[str]:
    return [
        model._meta.label
        for model in _models()
        if model._meta.label_lower not in BUILT_BY_MIGRATE and model._base_manager.exists()
    ]


def _insert(model: type[models.Model], batch: list[models.Model]) -> None:
    """Multi-row INSERT of rows as stored (``raw``: no ``auto_now``, no signals), as ``loaddata`` saves one row."""
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]  # the database computes those
    size = max(1, connection.ops.bulk_batch_size(fields, batch) or len(batch))
    for start in range(0, len(batch), size):
        model._base_manager._insert(  # type: ignore[attr-defined]  # Django's own loaddata path (private API)
            batch[start : start + size], fields=fields, raw=True, using=connection.alias
        )


def _load(stream: IO[str]) -> None:
    """Stream the JSON Lines dump into the database in batches (``loaddata`` saves row by row with an UPDATE
    and an INSERT each: hours for a national instance). Foreign keys are checked once at the end; they are
    deferred until then on PostgreSQL and SQLite, so the order of rows does not matter."""
    loaded: list[type[models.Model]] = []
    pending: list[models.Model] = []
    m2m_rows: dict[Any, list[models.Model]] = {}
    current: type[models.Model] | None = None
    for item in serializers.deserialize("jsonl", stream):
        obj = item.object
        model = type(obj)
        if model._meta.parents:
            raise BackupError(
                _("%(model)s: pewarisan multi-tabel tidak didukung oleh pemulihan.") % {"model": model._meta.label}
            )
        if model is not current:
            if pending:
                _insert(current, pending)  # type: ignore[arg-type]
            pending, current = [], model
            loaded.append(model)
        pending.append(obj)
        for name, values in (item.m2m_data or {}).items():
            m2m_field: Any = model._meta.get_field(name)  # a ManyToManyField (the stub's union has no m2m names)
            through = m2m_field.remote_field.through
            source, target = m2m_field.m2m_field_name(), m2m_field.m2m_reverse_field_name()
            m2m_rows.setdefault(through, []).extend(
                through(**{f"{source}_id": obj.pk, f"{target}_id": value}) for value in values
            )
        if len(pending) >= 2000:
            _insert(model, pending)
            pending = []
    if pending and current is not None:
        _insert(current, pending)
    for through, rows in m2m_rows.items():
        through._base_manager.bulk_create(rows, batch_size=1000)
    tables = [model._meta.db_table for model in loaded] + [through._meta.db_table for through in m2m_rows]
    connection.check_constraints(table_names=tables)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(statement)


def restore_backup(path: Path) -> RestoreResult:
    """Restore the archive into an empty, migrated database; all or nothing (files written are removed again
    when anything fails). Checks the manifest first, and the audit chain and object counts before committing."""
    path = Path(path)
    manifest = read_manifest(path)
    if _unapplied_migrations() or manifest["migrations"] != _migrations():
        raise BackupError(
            _(
                "Skema basis data (migrasi yang dijalankan) berbeda dari skema cadangan: pulihkan dengan versi "
                "zona-integritas yang membuat cadangan itu, lalu tingkatkan (zi migrate)."
            )
        )
    occupied = _non_empty_models()
    if occupied:
        raise BackupError(
            _("Basis data tidak kosong (%(models)s…): pulihkan hanya ke basis data baru.")
            % {"models": ", ".join(occupied[:5])}
        )
    written: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="zi-restore-") as workdir, tarfile.open(path, "r:gz") as tar:
            with transaction.atomic():
                Permission.objects.all().delete()
                ContentType.objects.all().delete()
                ContentType.objects.clear_cache()
                dump = Path(workdir) / DATABASE
                with dump.open("wb") as target:
                    shutil.copyfileobj(tar.extractfile(DATABASE), target)  # type: ignore[arg-type]
                with dump.open("r", encoding="utf-8") as stream:
                    _load(stream)
                ContentType.objects.clear_cache()
                for info in tar:
                    if not info.name.startswith(FILES):
                        continue
                    name = info.name[len(FILES) :]
                    _restore_file(tar, info, name, manifest["members"][info.name]["sha256"], written)
                counts = Counter(
                    {
                        model._meta.label_lower: model._base_manager.count()
                        for model in _models()
                        if model._meta.label_lower in manifest["counts"]
                    }
                )
                if dict(sorted(counts.items())) != manifest["counts"]:
                    raise BackupError(_("Jumlah objek setelah dimuat berbeda dari manifes."))
                result = audit.verify()
                if not result.ok:
                    raise BackupError(
                        _("Rantai audit RUSAK setelah pemulihan pada peristiwa #%(seq)s: %(reason)s")
                        % {"seq": result.broken_seq, "reason": result.reason}
                    )
                if _audit_head() != manifest["audit"]:
                    raise BackupError(_("Ujung rantai audit berbeda dari yang tercatat di manifes."))
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    return RestoreResult(
        objects=sum(counts.values()), files=len(written), audit_events=result.checked, manifest=manifest
    )


def _restore_file(tar: tarfile.TarFile, info: tarfile.TarInfo, name: str, sha256: str, written: list[str]) -> None:
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if _hash_file(existing)["sha256"] == sha256:
                return  # the same bytes are already there (content-addressed names)
        raise BackupError(_("Penyimpanan sudah berisi konten lain dengan nama %(name)s.") % {"name": name})
    stored = default_storage.save(name, File(tar.extractfile(info), name=name))  # type: ignore[arg-type]
    written.append(stored)
    if stored != name:
        raise BackupError(
            _("Penyimpanan menyimpan %(name)s dengan nama lain (%(stored)s).") % {"name": name, "stored": stored}
        )
    with default_storage.open(stored, "rb") as check:
        if _hash_file(check)["sha256"] != sha256:
            raise BackupError(
                _("%(name)s terbaca kembali dengan bita yang berbeda dari yang dipulihkan.") % {"name": name}
            )
