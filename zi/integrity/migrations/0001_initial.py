"""The integrity registers leave the programme app: their tables stay as they are (``programme_*``, see the
models' ``db_table``), so this migration only tells Django's state where the models now live; the programme's
0007 removes them from the programme's state."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organisations', '0004_agency_letterhead'),
        ('programme', '0006_complaint_photos'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ConflictOfInterest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('declared_on', models.DateField(verbose_name='tanggal')),
                    ('situation', models.TextField(verbose_name='situasi benturan kepentingan')),
                    ('related_party', models.CharField(blank=True, max_length=255, verbose_name='pihak terkait')),
                    ('mitigation', models.TextField(blank=True, verbose_name='penanganan/mitigasi')),
                    ('status', models.CharField(choices=[('identified', 'Teridentifikasi'), ('mitigated', 'Dimitigasi'), ('closed', 'Selesai')], default='identified', max_length=16, verbose_name='status')),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('person', models.ForeignKey(blank=True, help_text='Kosongkan untuk pemetaan potensi benturan kepentingan pada suatu fungsi/jabatan.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='pegawai yang bersangkutan')),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='conflicts_of_interest', to='organisations.unit')),
                ],
                options={
                    'verbose_name': 'benturan kepentingan',
                    'verbose_name_plural': 'benturan kepentingan',
                    'db_table': 'programme_conflictofinterest',
                    'ordering': ['-declared_on', '-pk'],
                },
            ),
            migrations.CreateModel(
                name='GratificationReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('offered_on', models.DateField(verbose_name='tanggal pemberian')),
                    ('giver_description', models.CharField(max_length=255, verbose_name='pemberi (uraian)')),
                    ('gift_description', models.CharField(max_length=255, verbose_name='bentuk pemberian')),
                    ('value_estimate', models.DecimalField(decimal_places=0, default=0, max_digits=14, verbose_name='perkiraan nilai (Rp)')),
                    ('refused', models.BooleanField(default=False, verbose_name='ditolak')),
                    ('decision', models.CharField(choices=[('pending', 'Menunggu keputusan'), ('refused', 'Ditolak saat diberikan'), ('returned', 'Dikembalikan kepada pemberi'), ('reported_kpk', 'Dilaporkan ke KPK/UPG'), ('state_owned', 'Ditetapkan milik negara'), ('recipient_owned', 'Ditetapkan milik penerima')], default='pending', max_length=16, verbose_name='keputusan')),
                    ('decision_note', models.TextField(blank=True, verbose_name='catatan keputusan')),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('reporter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='pelapor')),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='gratification_reports', to='organisations.unit')),
                ],
                options={
                    'verbose_name': 'laporan gratifikasi',
                    'verbose_name_plural': 'laporan gratifikasi',
                    'db_table': 'programme_gratificationreport',
                    'ordering': ['-offered_on', '-pk'],
                },
            ),
            migrations.CreateModel(
                name='WhistleReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('received_at', models.DateTimeField(verbose_name='diterima pada')),
                    ('subject', models.CharField(max_length=255, verbose_name='pokok laporan')),
                    ('description', models.TextField(verbose_name='uraian')),
                    ('reporter_name', models.CharField(blank=True, max_length=255, verbose_name='nama pelapor')),
                    ('reporter_contact', models.CharField(blank=True, max_length=255, verbose_name='kontak pelapor')),
                    ('status', models.CharField(choices=[('received', 'Diterima'), ('investigating', 'Sedang ditelaah'), ('substantiated', 'Terbukti, ditindaklanjuti'), ('unsubstantiated', 'Tidak terbukti'), ('closed', 'Ditutup')], default='received', max_length=16, verbose_name='status')),
                    ('handling_notes', models.TextField(blank=True, verbose_name='catatan penanganan')),
                    ('public_response', models.TextField(blank=True, verbose_name='tanggapan untuk pelapor')),
                    ('tracking_hash', models.CharField(max_length=64, unique=True)),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='whistle_reports', to='organisations.unit')),
                ],
                options={
                    'verbose_name': 'laporan whistle-blowing',
                    'verbose_name_plural': 'laporan whistle-blowing',
                    'db_table': 'programme_whistlereport',
                    'ordering': ['-received_at', '-pk'],
                },
            ),
            ],
        ),
    ]
