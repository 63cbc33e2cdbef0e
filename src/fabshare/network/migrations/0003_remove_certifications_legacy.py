from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("network", "0002_certification"), ("catalog", "0002_load_taxonomy")]
    operations = [migrations.RemoveField("organization", "certifications_legacy")]
