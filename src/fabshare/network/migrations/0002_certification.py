"""Certifications become a vocabulary (loaded from the taxonomy by catalog 0002).

The free-text list is kept as ``certifications_legacy`` until catalog 0002 has matched every
entry to the vocabulary (creating entries for names it does not know), so nothing typed is lost.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Certification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("code", models.SlugField(max_length=60, unique=True)),
                ("name", models.CharField(max_length=80, unique=True, verbose_name="name")),
                ("labels", models.JSONField(blank=True, default=dict,
                                            verbose_name="scope, per language")),
                ("synonyms", models.JSONField(blank=True, default=list, verbose_name="synonyms")),
                ("position", models.PositiveIntegerField(default=0)),
            ],
            options={"verbose_name": "certification", "verbose_name_plural": "certifications",
                     "ordering": ["position", "name"]},
        ),
        migrations.RenameField("organization", "certifications", "certifications_legacy"),
        migrations.AddField(
            model_name="organization",
            name="certifications",
            field=models.ManyToManyField(blank=True, related_name="organizations",
                                         to="network.certification",
                                         verbose_name="certifications held"),
        ),
    ]
