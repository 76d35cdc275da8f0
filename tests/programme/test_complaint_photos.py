"""Photos on the public complaint form: checked like evidence (type from the content, size), stored without their
metadata (the camera's location), seen only by those who handle the unit's complaints."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from tests import factories
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.programme.models import Complaint, ComplaintPhoto

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_location(width: int = 20, height: int = 10) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90° clockwise to view"
    exif[0x010F] = "KameraMerek"  # Make
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (2.0, 59.0, 0.0), 3: "E", 4: (104.0, 45.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "lokasi rumah pengadu")
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def send(client, unit, *photos: tuple[str, bytes], **extra):
    data = {
        "category": "pelayanan",
        "subject": "Antrean panjang",
        "description": "Dua jam menunggu",
        "photos": [SimpleUploadedFile(name, content) for name, content in photos],
        **extra,
    }
    return client.post(reverse("programme:complaint_public", args=[unit.pk]), data, follow=True)


@pytest.mark.django_db
def test_photos_are_stored_without_metadata_and_upright(client, lapas):
    original = jpeg_with_location()
    assert b"KameraMerek" in original
    response = send(client, lapas, ("jalan.jpg", original), ("tanda.png", png_with_text()))
    assert response.status_code == 200 and "<code>" in response.content.decode()
    complaint = Complaint.objects.get()
    jpeg, png = complaint.photos.order_by("content_type")
    assert (jpeg.content_type, png.content_type) == ("image/jpeg", "image/png")
    stored = jpeg.file.open("rb").read()
    assert b"KameraMerek" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (10, 20)  # turned as the orientation said, then dropped
    stored_png = png.file.open("rb").read()
    assert b"lokasi rumah pengadu" not in stored_png
    with Image.open(io.BytesIO(stored_png)) as image:
        assert image.mode == "RGBA" and "Comment" not in image.info
    events = AuditEvent.objects.filter(object_type="programme.complaint", action="add_photo")
    assert {event.after["sha256"] for event in events} == {jpeg.sha256, png.sha256}
    assert verify().ok


@pytest.mark.django_db
def test_only_the_handlers_see_the_photos(client, lapas, team, head, tree):
    send(client, lapas, ("jalan.jpg", jpeg_with_location()))
    complaint = Complaint.objects.get()
    photo = ComplaintPhoto.objects.get()
    url = f"/program/pengaduan/foto/{photo.pk}/"
    assert client.get(url).url.startswith("/akun/masuk/")
    client.force_login(team)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert url in page and "Foto dari pengadu" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    client.force_login(head)  # reads the unit's complaints, does not handle them
    assert url not in client.get(complaint.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 403
    client.force_login(factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"]))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_photo_whose_stored_file_is_gone_answers_404(client, lapas, team):
    send(client, lapas, ("jalan.jpg", jpeg_with_location()))
    photo = ComplaintPhoto.objects.get()
    photo.file.storage.delete(photo.file.name)
    client.force_login(team)
    assert client.get(f"/program/pengaduan/foto/{photo.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused_and_the_text_kept(client, lapas):
    response = send(client, lapas, ("foto.jpg", b"%PDF-1.4 bukan gambar"), subject="Pungutan liar di loket")
    html = response.content.decode()
    assert "Foto harus berupa gambar PNG, JPEG, GIF atau WebP" in html and "foto.jpg" in html
    assert 'value="Pungutan liar di loket"' in html and "Dua jam menunggu" in html
    assert not Complaint.objects.exists() and not ComplaintPhoto.objects.exists()


@pytest.mark.django_db
def test_too_many_or_too_large_photos_are_refused(client, lapas, settings):
    photo = ("a.png", png_with_text())
    response = send(client, lapas, photo, photo, photo, photo)
    assert "Paling banyak 3 foto." in response.content.decode()
    settings.ZI_EVIDENCE_MAX_BYTES = 100
    response = send(client, lapas, ("besar.jpg", jpeg_with_location(400, 400)))
    assert "terlalu besar" in response.content.decode()
    assert not Complaint.objects.exists() and not ComplaintPhoto.objects.exists()


@pytest.mark.django_db
def test_a_complaint_without_photos_still_works(client, lapas):
    response = send(client, lapas)
    assert "<code>" in response.content.decode()
    assert Complaint.objects.count() == 1 and not ComplaintPhoto.objects.exists()
