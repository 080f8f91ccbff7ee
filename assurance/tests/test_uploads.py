"""Evidence uploads: every allowed type, every refusal, and nothing left behind when anything fails."""

import stat

import pytest
from django.urls import reverse

from assurance import services, uploads
from assurance.models import Evidence, EvidenceFile
from assurance.tests import samples
from assurance.tests.conftest import evidence_data, stored_files
from conftest import client_for


def post_upload(client, action, *files, **data):
    return client.post(
        reverse("assurance:evidence-create", args=[action.pk]), {**evidence_data(**data), "files": list(files)}
    )


@pytest.mark.parametrize("name", sorted(samples.ALLOWED))
def test_every_allowed_type_is_stored_under_a_random_name_with_its_checksum(client, lead_a, action_a, media_root, name):
    response = post_upload(client_for(client, lead_a), action_a, samples.upload(name))
    evidence = Evidence.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "assurance:evidence-detail", args=[evidence.pk]
    )
    stored = evidence.files.get()
    assert stored.original_name == name
    assert stored.sha256 == __import__("hashlib").sha256(samples.ALLOWED[name]).hexdigest()
    assert stored.size == len(samples.ALLOWED[name])
    path = media_root / stored.file.name
    assert path.read_bytes() == samples.ALLOWED[name]
    assert name not in stored.file.name and "." not in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stored.history.get().history_user == lead_a


def test_several_files_at_once_and_the_checksum_is_shown(client, lead_a, action_a):
    client_for(client, lead_a)
    response = post_upload(client, action_a, samples.upload("report.pdf"), samples.upload("notes.txt"))
    evidence = Evidence.objects.get()
    assert response.status_code == 302 and evidence.files.count() == 2
    page = client.get(reverse("assurance:evidence-detail", args=[evidence.pk])).content.decode()
    for stored in evidence.files.all():
        assert stored.sha256 in page and stored.original_name in page


def test_evidence_without_files_is_allowed(client, lead_a, action_a, media_root):
    response = post_upload(client_for(client, lead_a), action_a)
    assert response.status_code == 302
    assert Evidence.objects.get().files.count() == 0 and stored_files(media_root) == []


REFUSED = [
    ("report.pdf.exe", b"MZ\x90\x00\x03\x00\x00\x00", "files ending .exe are not accepted"),
    ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode", "a Windows program"),
    ("report.pdf", b"\x7fELF\x02\x01\x01\x00", "a Linux program"),
    ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page or markup"),
    ("report.pdf", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "web page or markup"),
    ("notes.txt", b"<html><body>hi</body></html>", "web page or markup"),
    ("notes.txt", b"#!/bin/sh\nrm -rf ~\n", "is a script"),
    ("figures.csv", b"#!/usr/bin/env python3\nimport os\n", "is a script"),
    ("chart.png", samples.PDF, "not a real PNG image"),
    ("audit.docx", samples.ooxml("xl/", "workbook.xml"), "not a real Word document"),
    ("audit.docx", samples.PDF, "not a real Word document"),
    ("audit.docx", b"PK\x03\x04 damaged", "not a real Word document"),
    ("policy.odt", samples.odf("application/vnd.oasis.opendocument.spreadsheet"), "mimetype entry is for another"),
    ("policy.odt", samples.ooxml("word/", "document.xml"), "no mimetype entry"),
    ("letter.eml", b"Just some words, no headers at all.\n", "email header lines"),
    ("notes.txt", b"text with a \x00 NUL byte", "not readable text"),
    ("letter.msg", samples.PDF, "not a real Outlook message"),
    ("drawing.svg", b"<svg/>", "files ending .svg are not accepted"),
    ("page.html", b"<html/>", "files ending .html are not accepted"),
    ("README", b"no extension", "files ending no extension are not accepted"),
    ("empty.pdf", b"", "empty.pdf is empty"),
]


@pytest.mark.parametrize("name, content, message", REFUSED)
def test_refused_files_name_the_problem_and_store_nothing(client, lead_a, action_a, media_root, name, content, message):
    response = post_upload(client_for(client, lead_a), action_a, samples.SimpleUploadedFile(name, content))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert Evidence.objects.count() == 0 and EvidenceFile.objects.count() == 0
    assert stored_files(media_root) == []


def test_one_bad_file_refuses_the_whole_upload(client, lead_a, action_a, media_root):
    client_for(client, lead_a)
    response = post_upload(client, action_a, samples.upload("report.pdf"), samples.SimpleUploadedFile("x.exe", b"MZ"))
    assert response.status_code == 200 and "x.exe" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []


def test_a_zip_bomb_disguised_as_docx_is_refused(client, lead_a, action_a, media_root):
    bomb = samples.zip_bomb_docx(40)
    assert len(bomb) < 100_000  # 40 MB of zeros squeezed small
    response = post_upload(client_for(client, lead_a), action_a, samples.SimpleUploadedFile("audit.docx", bomb))
    assert "zip bomb" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []


def test_an_oversized_file_is_refused_before_it_is_stored(client, lead_a, action_a, media_root, settings):
    settings.LSCB_UPLOADS = {**settings.LSCB_UPLOADS, "MAX_FILE_BYTES": 1000}
    big = samples.PDF + b"%" * 2000
    response = post_upload(client_for(client, lead_a), action_a, samples.SimpleUploadedFile("big.pdf", big))
    assert response.status_code == 413
    assert 'value="Supervision audit"' in response.content.decode()  # what was typed is kept
    assert "big.pdf is larger than 1000\xa0bytes" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []


def test_an_oversized_request_is_refused_by_its_length_without_reading_the_body(client, lead_a, action_a, settings):
    settings.LSCB_UPLOADS = {**settings.LSCB_UPLOADS, "MAX_UPLOAD_BYTES": 1000}
    client_for(client, lead_a)

    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body must not be read")

        readline = read

    response = client.generic(
        "POST",
        reverse("assurance:evidence-create", args=[action_a.pk]),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(5 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "one upload must be 1000\xa0bytes or smaller" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_too_many_files_are_refused(client, lead_a, action_a, media_root, settings):
    settings.LSCB_UPLOADS = {**settings.LSCB_UPLOADS, "MAX_FILES": 2}
    files = [samples.upload("notes.txt") for _ in range(3)]
    response = post_upload(client_for(client, lead_a), action_a, *files)
    assert response.status_code == 413 and "Upload at most 2 files at once" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []


def test_a_path_traversal_name_is_reduced_to_its_base_name_and_stored_at_a_random_name(
    client, lead_a, action_a, media_root
):
    """Django's multipart parser strips the path before our code sees it; we then store under a random name."""
    boundary = "lscbboundary"
    parts = [(f'name="{k}"', v.encode()) for k, v in evidence_data().items()]
    parts.append(('name="files"; filename="../../x.pdf"\r\nContent-Type: application/pdf', samples.PDF))
    body = (
        b"".join(
            f"--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n".encode() + value + b"\r\n"
            for head, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    client_for(client, lead_a)
    url = reverse("assurance:evidence-create", args=[action_a.pk])
    response = client.post(url, body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.original_name == "x.pdf"
    (path,) = stored_files(media_root)
    assert path.is_relative_to(media_root / "evidence") and path.name != "x.pdf"
    assert not (media_root.parent.parent / "x.pdf").exists()


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\..\\x.pdf", "C:x.pdf", "..", "bad\x00name.pdf", "a/b.pdf"])
def test_a_name_that_is_still_a_path_is_refused_by_the_rules(name):
    with pytest.raises(uploads.UploadRefused, match="not a plain file name"):
        uploads.clean_original_name(name)


def test_a_failure_after_the_file_is_written_leaves_no_orphan(client, lead_a, action_a, media_root, monkeypatch):
    written = []
    real_save = EvidenceFile.save

    def save_then_fail(self, *args, **kwargs):
        written.extend(stored_files(media_root))  # the file is on disk at this point
        real_save(self, *args, **kwargs)
        raise RuntimeError("database went away")

    monkeypatch.setattr(EvidenceFile, "save", save_then_fail)
    client_for(client, lead_a)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        post_upload(client, action_a, samples.upload("report.pdf"))
    assert len(written) == 1
    assert stored_files(media_root) == []
    assert Evidence.objects.count() == 0 and EvidenceFile.objects.count() == 0


def test_a_failure_on_the_second_file_removes_the_first(lead_a, action_a, media_root, monkeypatch):
    checked = [uploads.inspect_upload(samples.upload(name)) for name in ["report.pdf", "chart.png"]]
    calls = {"n": 0}
    real_store = services._store_file

    def store(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real_store(*args)

    monkeypatch.setattr(services, "_store_file", store)
    with pytest.raises(OSError):
        services.submit_evidence(action_a, lead_a, title="T", narrative="", produced_on=None, files=checked)
    assert stored_files(media_root) == [] and Evidence.objects.count() == 0


def test_a_storage_error_is_reported_not_a_500(client, lead_a, action_a, media_root, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "_store_file", broken)
    response = post_upload(client_for(client, lead_a), action_a, samples.upload("report.pdf"))
    assert response.status_code == 200
    assert "could not be stored, so nothing was saved" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []


def test_the_date_produced_cannot_be_in_the_future(client, lead_a, action_a):
    response = post_upload(client_for(client, lead_a), action_a, produced_on="2999-01-01")
    assert "must be today or in the past" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_the_upload_still_checks_csrf_after_installing_its_upload_handler(lead_a, action_a, media_root, settings):
    from django.test import Client

    settings.LSCB_UPLOADS = {**settings.LSCB_UPLOADS, "MAX_FILE_BYTES": 1000}
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead_a)
    url = reverse("assurance:evidence-create", args=[action_a.pk])
    assert post_upload(client, action_a, samples.upload("report.pdf")).status_code == 403
    client.get(url)
    token = client.cookies["csrftoken"].value
    data = {"csrfmiddlewaretoken": token, **evidence_data()}
    big = samples.SimpleUploadedFile("big.pdf", samples.PDF + b"%" * 2000)
    response = client.post(url, {**data, "files": [big]})
    assert response.status_code == 413 and "big.pdf is larger than" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []
    assert client.post(url, {**data, "files": [samples.upload("report.pdf")]}).status_code == 302
