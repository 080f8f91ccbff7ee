"""Minimal but genuine sample files of every allowed type, built in code (all content fictional)."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))

    header = struct.pack("!IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
MSG = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
CSV = b"agency,action,done\r\nCSC,Revise the visit template,yes\r\n"
TXT = "Supervision audit notes: 12 of 12 files seen — all in date.\n".encode()
EML = (
    b"From: Safeguarding Lead <lead@csc.example.org>\r\nTo: board@example.org\r\n"
    b"Subject: Evidence of training\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n\r\nAttendance list attached.\r\n"
)


def zipped(parts: dict[str, bytes], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), parts.pop(stored_first), compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def ooxml(folder: str, main: str) -> bytes:
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>", f"{folder}{main}": b"<x/>"}
    return zipped(parts)


def odf(mimetype: str) -> bytes:
    return zipped(
        {"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>", "META-INF/manifest.xml": b"<m/>"},
        stored_first="mimetype",
    )


def zip_bomb_docx(megabytes: int = 40) -> bytes:
    """A DOCX-shaped zip whose document part unpacks to `megabytes` of zeros (about 1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(block)
    return buffer.getvalue()


ALLOWED = {
    "report.pdf": PDF,
    "audit.docx": ooxml("word/", "document.xml"),
    "figures.xlsx": ooxml("xl/", "workbook.xml"),
    "briefing.pptx": ooxml("ppt/", "presentation.xml"),
    "policy.odt": odf("application/vnd.oasis.opendocument.text"),
    "tracker.ods": odf("application/vnd.oasis.opendocument.spreadsheet"),
    "attendance.csv": CSV,
    "notes.txt": TXT,
    "chart.png": png(),
    "photo.jpg": JPEG,
    "letter.eml": EML,
    "letter.msg": MSG,
}


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ALLOWED[name] if content is None else content)
