"""The optional ClamAV hook, against a fake clamd speaking INSTREAM on a unix socket."""

import socket
import struct
import threading

import pytest
from django.urls import reverse

from assurance.models import Evidence
from assurance.tests import samples
from assurance.tests.conftest import evidence_data, stored_files
from conftest import client_for


class FakeClamd:
    def __init__(self, path: str, verdict: bytes):
        self.received = b""
        self.verdict = verdict
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(1)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n: int) -> bytes:
        data = b""
        while len(data) < n:
            data += conn.recv(n - len(data))
        return data

    def serve(self):
        conn, _ = self.server.accept()
        with conn:
            assert self._read(conn, 10) == b"zINSTREAM\0"
            while size := struct.unpack("!L", self._read(conn, 4))[0]:
                self.received += self._read(conn, size)
            conn.sendall(self.verdict)
        self.server.close()


@pytest.fixture
def clamd(settings, tmp_path):
    def start(verdict: bytes) -> FakeClamd:
        path = str(tmp_path / "clamd.sock")
        settings.LSCB_UPLOADS = {**settings.LSCB_UPLOADS, "CLAMAV_URL": f"unix://{path}", "CLAMAV_TIMEOUT": 5}
        return FakeClamd(path, verdict)

    return start


def upload(client, lead_a, action_a):
    url = reverse("assurance:evidence-create", args=[action_a.pk])
    return client_for(client, lead_a).post(url, {**evidence_data(), "files": [samples.upload("report.pdf")]})


def test_a_clean_file_is_scanned_then_stored(client, lead_a, action_a, clamd):
    server = clamd(b"stream: OK\0")
    assert upload(client, lead_a, action_a).status_code == 302
    assert server.received == samples.PDF and Evidence.objects.count() == 1


def test_an_infected_file_is_never_stored(client, lead_a, action_a, clamd, media_root):
    clamd(b"stream: Eicar-Test-Signature FOUND\0")
    response = upload(client, lead_a, action_a)
    assert "report.pdf failed the virus check (Eicar-Test-Signature)" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []


def test_a_file_that_cannot_be_scanned_is_never_stored(client, lead_a, action_a, settings, tmp_path, media_root):
    settings.LSCB_UPLOADS = {**settings.LSCB_UPLOADS, "CLAMAV_URL": f"unix://{tmp_path}/no-such.sock"}
    response = upload(client, lead_a, action_a)
    assert "could not be checked for viruses" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(media_root) == []


def test_a_clamd_error_reply_is_a_refusal(client, lead_a, action_a, clamd, media_root):
    clamd(b"INSTREAM size limit exceeded. ERROR\0")
    assert "could not be checked for viruses" in upload(client, lead_a, action_a).content.decode()
    assert stored_files(media_root) == []


def test_scanning_is_off_by_default(settings):
    assert settings.LSCB_UPLOADS["CLAMAV_URL"] is None
