"""The chart of accounts and the first policy version: the proposed defaults of
research/savings.md §1, in effect from 1 Jan 2024 (1 ม.ค. 2567), until the committee
records the group's own bylaws as a new version (savings/chart.py)."""

from django.db import migrations


def forward(apps, schema_editor):
    from savings.chart import ensure_chart_and_policy

    ensure_chart_and_policy(apps)


class Migration(migrations.Migration):
    dependencies = [("savings", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
