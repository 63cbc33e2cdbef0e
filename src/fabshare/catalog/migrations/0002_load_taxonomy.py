"""Load the shipped taxonomy (processes, materials, certifications) and match the free-text
certifications organizations typed before to the vocabulary; unknown names become new entries
so nothing typed is lost."""

from django.db import migrations
from django.utils.text import slugify


def forwards(apps, schema_editor):
    from fabshare.catalog.vocabulary import sync_from_apps

    sync_from_apps(apps)
    Certification = apps.get_model("network", "Certification")
    Organization = apps.get_model("network", "Organization")
    known = {}
    for cert in Certification.objects.all():
        for term in [cert.name, cert.code, *cert.synonyms]:
            known[term.casefold().replace(" ", "")] = cert
    for organization in Organization.objects.exclude(certifications_legacy=[]):
        held = []
        for name in organization.certifications_legacy or []:
            key = str(name).casefold().replace(" ", "")
            cert = known.get(key)
            if cert is None:
                cert = Certification.objects.create(
                    code=slugify(name)[:60] or "certification", name=str(name)[:80],
                    position=10_000)
                known[key] = cert
            held.append(cert)
        organization.certifications.add(*held)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial"), ("network", "0002_certification")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
