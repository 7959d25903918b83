"""Seoul's 25 autonomous districts with their official codes, names and boundaries.

Source: citizens/data/seoul_districts.geojson (southkorea/seoul-maps, JUSO 2015, Apache 2.0).
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "seoul_districts.geojson"


def load_districts(apps, schema_editor):
    District = apps.get_model("citizens", "District")
    features = json.loads(DATA.read_text(encoding="utf-8"))["features"]
    for feature in features:
        properties = feature["properties"]
        District.objects.update_or_create(
            code=properties["SIG_CD"],
            defaults={
                "name_ko": properties["SIG_KOR_NM"],
                "name_en": properties["SIG_ENG_NM"],
                "boundary": feature["geometry"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("citizens", "0001_initial")]
    operations = [migrations.RunPython(load_districts, migrations.RunPython.noop)]
