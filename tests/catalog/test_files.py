"""Photos and datasheets of a resource are served only to those who may see the resource."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fabshare.catalog import services
from tests.factories import ResourceFactory


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("machine.png", buffer.getvalue(), content_type="image/png")


def test_private_resource_files_are_not_public(client, world, django_capture_on_commit_callbacks):
    resource = ResourceFactory(organization=world.factory, site=world.factory.sites.first(),
                               visibility="partners")
    photo = services.resource_photo_add(actor=world.admin, resource=resource, image=_png())
    document = services.resource_document_add(
        actor=world.admin, resource=resource, title="Datasheet",
        file=SimpleUploadedFile("ds.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    photo_url = reverse("resource_file", args=[resource.slug, "photos", photo.pk])
    document_url = reverse("resource_file", args=[resource.slug, "documents", document.pk])

    client.force_login(world.outsider)
    assert client.get(photo_url).status_code == 404
    assert client.get(document_url).status_code == 404
    assert client.get(f"/media/{photo.image.name}").status_code == 404  # never served raw

    client.force_login(world.member)
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    response = client.get(document_url)
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]

    storage, name = photo.image.storage, photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.resource_attachment_remove(actor=world.admin, attachment=photo)
    assert not storage.exists(name)
