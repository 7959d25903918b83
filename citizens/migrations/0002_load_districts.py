from django.db import migrations


def load_districts(apps, schema_editor):
    from citizens.districts import load_seoul_districts

    load_seoul_districts(apps.get_model("citizens", "District"))


class Migration(migrations.Migration):
    dependencies = [("citizens", "0001_initial")]
    operations = [migrations.RunPython(load_districts, migrations.RunPython.noop)]
