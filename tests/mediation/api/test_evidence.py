"""Evidence: only real files of the allowed kinds, within a quota, on open cases; served as
attachments of their sniffed type to those who may see the case, and to nobody else."""

import io

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mediation.models import CaseStatus
from mediation.services.transitions import case_transition
from tests import factories
from tests.conftest import client_for


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def accepted(world):
    case = factories.complaint(consumer=world.consumer, entity=world.shop)
    return case_transition(case=case, action="accept", actor=world.shop_official)


def upload(user, case, name, content):
    return client_for(user).post(f"/api/cases/{case.number}/evidence/", {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("receipt.png", b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>"),
        ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("contract.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),
    ],
    ids=["png-header-then-html", "png-header-then-nothing", "pdf-header-then-html"],
)
def test_a_file_that_only_starts_like_an_allowed_kind_is_refused(world, accepted, name, content):
    response = upload(world.consumer_user, accepted, name, content)
    assert response.status_code == 400 and response.data["file"]
    assert accepted.evidence.count() == 0


def test_real_photos_and_documents_are_accepted(world, accepted):
    assert upload(world.consumer_user, accepted, "receipt.png", png_bytes()).status_code == 201
    assert upload(world.consumer_user, accepted, "contract.pdf", PDF).status_code == 201


def test_evidence_is_served_as_an_attachment_of_its_sniffed_type_to_those_who_may_see_the_case(world, accepted):
    content = png_bytes()
    evidence = upload(world.consumer_user, accepted, "收据.html", content).data
    path = f"/api/cases/{accepted.number}/evidence/{evidence['id']}/"
    for reader in (world.consumer_user, world.shop_official, world.home_official, world.shop_staff):
        response = client_for(reader).get(path)
        assert response.status_code == 200, reader
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    stranger = factories.consumer(real_name="李四")
    for outsider in (world.outsider_official, stranger.user):
        assert client_for(outsider).get(path).status_code == 404
    other_case = factories.complaint(consumer=stranger, entity=world.shop)
    assert (
        client_for(world.consumer_user).get(f"/api/cases/{other_case.number}/evidence/{evidence['id']}/").status_code
        == 404
    )


def test_a_reports_evidence_never_reaches_the_business(world):
    report = factories.report(reporter=world.consumer, entity=world.shop, is_anonymous=True)
    evidence = upload(world.consumer_user, report, "photo.png", png_bytes()).data
    path = f"/api/cases/{report.number}/evidence/{evidence['id']}/"
    assert client_for(world.shop_staff).get(path).status_code == 404
    assert client_for(world.shop_official).get(path).status_code == 200


def test_the_evidence_list_shows_no_uploader(world, accepted):
    upload(world.consumer_user, accepted, "receipt.png", png_bytes())
    listed = client_for(world.shop_official).get(f"/api/cases/{accepted.number}/").data["evidence"]
    assert len(listed) == 1 and "uploaded_by" not in listed[0] and listed[0]["url"].endswith(f"/{listed[0]['id']}/")


def test_a_case_holds_evidence_up_to_its_quota(world, accepted, settings):
    settings.EVIDENCE_MAX_FILES_PER_CASE = 2
    for size in ((8, 8), (9, 9)):
        assert upload(world.consumer_user, accepted, "p.png", png_bytes(size)).status_code == 201
    refused = upload(world.consumer_user, accepted, "p.png", png_bytes((10, 10)))
    assert refused.status_code == 400 and refused.data["file"]
    assert accepted.evidence.count() == 2


def test_a_case_holds_evidence_up_to_its_total_size(world, accepted, settings):
    first, second = png_bytes((64, 64)), png_bytes((65, 65))
    settings.EVIDENCE_MAX_CASE_BYTES = len(first) + len(second)
    assert upload(world.consumer_user, accepted, "a.png", first).status_code == 201
    assert upload(world.consumer_user, accepted, "b.png", second).status_code == 201
    assert upload(world.consumer_user, accepted, "c.png", png_bytes((66, 66))).status_code == 400


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.SETTLED])
def test_no_evidence_is_added_to_a_closed_case(world, accepted, status):
    factories.with_status(accepted, status)
    response = upload(world.consumer_user, accepted, "receipt.png", png_bytes())
    assert response.status_code == 409
    assert accepted.evidence.count() == 0


def evidence_upload(application, *headers) -> ApplicationCommunicator:
    """An evidence upload arriving at the ASGI application, its body still to be sent."""
    path = "/api/cases/TS20261203000001/evidence/"
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"multipart/form-data; boundary=x"), *headers],
    }
    return ApplicationCommunicator(application, scope)


async def test_an_upload_larger_than_allowed_is_refused_before_its_body_is_read(settings):
    from asgi import application

    settings.EVIDENCE_MAX_BYTES = 1024
    server = evidence_upload(application, (b"content-length", str(40 * 2**20).encode()))
    # Only the first chunk of the 40 MB body is offered; an application that waited for the
    # rest would time out here.
    await server.send_input({"type": "http.request", "body": b"--x\r\n" + b"\x00" * 1000, "more_body": True})
    start = await server.receive_output(timeout=5)
    assert start["type"] == "http.response.start" and start["status"] == 413


async def test_a_chunked_upload_is_cut_off_once_it_passes_the_limit(settings):
    from asgi import application

    settings.EVIDENCE_MAX_BYTES = 1024
    server = evidence_upload(application)
    for _chunk in range(200):  # 200 × 64 KB offered, without a length announced
        await server.send_input({"type": "http.request", "body": b"\x00" * 65536, "more_body": True})
    start = await server.receive_output(timeout=5)
    assert start["type"] == "http.response.start" and start["status"] == 413


def test_the_case_page_and_the_room_lead_to_the_evidence(world, accepted):
    from mediation.services.rooms import mediation_start

    evidence = upload(world.consumer_user, accepted, "收据.png", png_bytes()).data
    mediation_start(case=factories.consent_both(accepted), actor=world.shop_official, co_mediator=world.home_official)
    for reader in (world.shop_official, world.home_official, world.shop_staff, world.consumer_user):
        case_page = client_for(reader).get(f"/cases/{accepted.number}/").content.decode()
        # The pages serve the file themselves, as the API does (mediation.web.evidence_views).
        assert f'href="/cases/{accepted.number}/evidence/{evidence["id"]}/"' in case_page and "收据.png" in case_page
        room_page = client_for(reader).get(f"/cases/{accepted.number}/room/").content.decode()
        assert f"/cases/{accepted.number}/#evidence" in room_page


def test_evidence_whose_file_is_gone_is_not_found_not_a_server_error(world, accepted):
    evidence = upload(world.consumer_user, accepted, "receipt.png", png_bytes()).data
    stored = accepted.evidence.get(pk=evidence["id"])
    stored.file.storage.delete(stored.file.name)
    assert client_for(world.consumer_user).get(evidence["url"]).status_code == 404
