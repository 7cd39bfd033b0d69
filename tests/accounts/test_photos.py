"""Profile photos: checked by content, cropped square, resized and stripped of metadata; stored
through Django's storage API (a folder, or an S3 bucket: tested against moto's S3 server); shown
only to people who may see the person."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.photos import SIDE, photo_square
from accounts.services import user_photo_remove, user_photo_set
from mentorship.errors import DomainError
from programs.models import Role
from tests.accounts.factories import UserFactory
from tests.programs.factories import ParticipantFactory

GPS_TAG = 0x8825
ORIENTATION = 0x0112


def _image(kind: str = "JPEG", size: tuple[int, int] = (640, 480), **save: object) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    # A blue stripe on the right: after a centre crop to a square it must be gone.
    for x in range(size[0] - 40, size[0]):
        for y in range(size[1]):
            image.putpixel((x, y), (0, 0, 255))
    out = BytesIO()
    image.save(out, kind, **save)
    return out.getvalue()


def _with_metadata() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera maker
    exif[0x0132] = "2026:01:01 10:00:00"
    exif.get_ifd(GPS_TAG)[2] = (52.0, 31.0, 0.0)  # latitude
    return _image(exif=exif.tobytes())


def test_a_photo_becomes_a_small_square_jpeg_without_metadata():
    kept = Image.open(BytesIO(photo_square(_with_metadata())))
    assert (kept.format, kept.size) == ("JPEG", (SIDE, SIDE))
    assert not kept.getexif()
    assert "exif" not in kept.info
    # Cropped from the middle: the stripe at the right edge is cut away.
    assert kept.getpixel((SIDE - 1, SIDE // 2))[2] < 100


@pytest.mark.parametrize("kind", ["PNG", "WEBP", "GIF"])
def test_png_webp_and_gif_are_taken(kind):
    assert Image.open(BytesIO(photo_square(_image(kind)))).size == (SIDE, SIDE)


def test_a_photo_taken_sideways_is_turned_upright():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # rotate 90° to show
    tall = Image.open(BytesIO(_image(size=(400, 200), exif=exif.tobytes())))
    assert tall.size == (400, 200)
    kept = Image.open(BytesIO(photo_square(_image(size=(400, 200), exif=exif.tobytes()))))
    # After turning, the blue stripe (the right edge) lies along the bottom, cropped away;
    # what stays is the red middle.
    assert kept.getpixel((SIDE // 2, SIDE // 2))[0] > 150


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not a photo"),
        (b"%PDF-1.7 a document", "not a photo"),
        (b"GIF89a" + b"\x00" * 20, "not a photo"),
        (_image("BMP"), "BMP images are not taken"),
        (_image(size=(20, 20)), "too small"),
        (b"\xff" * (5 * 1024 * 1024 + 1), "at most 5 MB"),
    ],
)
def test_what_is_not_a_usable_photo_is_refused_with_why(data, words):
    with pytest.raises(DomainError, match=words) as refused:
        photo_square(data)
    assert refused.value.field == "photo"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # A 10000 × 10000 PNG of one colour is small on disk and 100 megapixels in memory.
    bomb = _image("PNG", size=(10_000, 10_000), optimize=True)
    assert len(bomb) < 5 * 1024 * 1024
    with pytest.raises(DomainError, match="too many pixels"):
        photo_square(bomb)


# ---------------------------------------------------------------------------
# Stored, replaced, removed; shown to whom
# ---------------------------------------------------------------------------
def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_a_new_photo_replaces_the_old_file_and_removing_it_deletes_it(db):
    user = UserFactory()
    user_photo_set(user=user, data=_image())
    first = user.photo.name
    storage = user.photo.storage
    assert storage.exists(first)
    user_photo_set(user=user, data=_image("PNG"))
    assert user.photo.name != first
    assert not storage.exists(first) and storage.exists(user.photo.name)
    second = user.photo.name
    user_photo_remove(user=user)
    assert user.photo.name == "" and not storage.exists(second)


@pytest.mark.django_db
def test_the_profile_page_uploads_a_photo_and_refuses_a_fake_next_to_the_field(mentee):
    client = _client(mentee)
    fake = SimpleUploadedFile("me.jpg", b"not really a jpeg", content_type="image/jpeg")
    refused = client.post(reverse("accounts:photo"), {"photo": fake})
    assert refused.status_code == 200
    assert "not a photo Twoway can read" in refused.context["photo_form"].errors["photo"][0]
    mentee.refresh_from_db()
    assert not mentee.photo

    real = SimpleUploadedFile("me.png", _image("PNG"), content_type="image/png")
    response = client.post(reverse("accounts:photo"), {"photo": real})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.photo.name.endswith(".jpg")
    page = client.get(reverse("home")).content.decode()
    assert reverse("programs:person_photo", args=[mentee.pk]) in page  # in the navigation


@pytest.mark.django_db
def test_a_photo_is_shown_only_to_people_who_may_see_the_person(
    program, mentee, mentor, mentee_p, outsider, other_program
):
    user_photo_set(user=mentee, data=_image())
    url = reverse("programs:person_photo", args=[mentee.pk])
    own = _client(mentee).get(url)
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    assert b"".join(own.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in own["Cache-Control"]
    assert _client(mentor).get(url).status_code == 200  # in the same program
    assert _client(outsider).get(url).status_code == 404  # in another program only
    applicant = ParticipantFactory(program=program, role=Role.MENTEE, status="applied").user
    assert _client(applicant).get(url).status_code == 404  # not in yet
    assert Client().get(url).status_code == 302  # to log in
    # Nobody sees a photo that is not there.
    user_photo_remove(user=mentee)
    assert _client(mentee).get(url).status_code == 404


@pytest.mark.django_db
def test_initials_stand_in_where_there_is_no_photo(mentee, mentee_p):
    mentee.full_name = "Amara Okafor"
    mentee.save()
    page = _client(mentee).get(reverse("home")).content.decode()
    assert 'avatar-initials rounded-circle"\n  aria-hidden="true">AO</span>' in page


# ---------------------------------------------------------------------------
# An S3-compatible bucket (moto's S3 server, a real HTTP S3 API)
# ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def s3_bucket(settings):
    import boto3

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own test server)
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
        client.create_bucket(Bucket="twoway-uploads")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "twoway-uploads",
                    "endpoint_url": endpoint,
                    "region_name": "us-east-1",
                    "access_key": "test",
                    "secret_key": "test",
                    "default_acl": None,
                    "file_overwrite": False,
                },
            },
        }
        # Django's setting_changed handler drops the storages built so far, default_storage too.
        yield client
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_photos_go_to_an_s3_bucket_and_are_served_from_it(s3_bucket, program):
    person = ParticipantFactory(program=program, role=Role.MENTEE).user
    viewer = ParticipantFactory(program=program, role=Role.MENTOR).user

    user_photo_set(user=person, data=_image())

    name = person.photo.name
    keys = [o["Key"] for o in s3_bucket.list_objects_v2(Bucket="twoway-uploads")["Contents"]]
    assert keys == [name]
    served = _client(viewer).get(reverse("programs:person_photo", args=[person.pk]))
    body = b"".join(served.streaming_content)
    stored = s3_bucket.get_object(Bucket="twoway-uploads", Key=name)["Body"].read()
    assert body == stored and Image.open(BytesIO(body)).size == (SIDE, SIDE)
    user_photo_set(user=person, data=_image("PNG"))
    keys = [o["Key"] for o in s3_bucket.list_objects_v2(Bucket="twoway-uploads")["Contents"]]
    assert keys == [person.photo.name]  # the old object is gone
