"""The integrity registers now live in ``zi.integrity`` (its 0001): state only, the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programme', '0006_complaint_photos'),
        ('integrity', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='gratificationreport',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='gratificationreport',
                name='reporter',
            ),
            migrations.RemoveField(
                model_name='gratificationreport',
                name='unit',
            ),
            migrations.RemoveField(
                model_name='whistlereport',
                name='unit',
            ),
            migrations.DeleteModel(
                name='ConflictOfInterest',
            ),
            migrations.DeleteModel(
                name='GratificationReport',
            ),
            migrations.DeleteModel(
                name='WhistleReport',
            ),
            ],
        ),
    ]
