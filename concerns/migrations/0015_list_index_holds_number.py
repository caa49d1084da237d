"""The list's index holds the case number too: a list sorted by number then picks
and orders its newest cases in the index, without reading each case. Added before
the index it replaces is removed, so the list always has one."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('concerns', '0014_list_filters_in_received_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(models.F('municipality'), models.OrderBy(models.F('received_on'), descending=True), models.OrderBy(models.F('id'), descending=True), include=('status', 'extremism_type', 'sender_type', 'age_at_receipt', 'number'), name='case_muni_received_list_idx'),
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_muni_received_incl_idx',
        ),
    ]
