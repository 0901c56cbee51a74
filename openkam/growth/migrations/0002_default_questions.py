"""Install the growth-plan questions OpenKAM ships (openkam/growth/question_bank.py).

Only keys that are missing are added; questions that exist are never changed, so edits by
administrators survive. Reversing leaves the questions in place: answers may refer to them.
"""

from django.db import migrations

from openkam.growth.question_bank import install_default_questions


def install(apps, schema_editor):
    install_default_questions(apps.get_model("growth", "Question"))


class Migration(migrations.Migration):
    dependencies = [("growth", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
