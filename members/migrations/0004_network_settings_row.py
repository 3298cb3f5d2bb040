from django.db import migrations


def create_settings(apps, schema_editor):
    apps.get_model("members", "NetworkSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    """The one settings row exists from the start, with the research's defaults."""

    dependencies = [("members", "0003_registry")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
