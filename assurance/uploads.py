"""The evidence upload rules (settings.LSCB_UPLOADS), enforced in one place.

A file is accepted only when its extension is on the allow-list AND its
content, read as a stream, is that type: magic bytes for PDF, PNG, JPEG and
Outlook MSG; the zip structure for Office and OpenDocument files (which are
also unpacked as a stream to catch zip bombs); decodable text without NUL
bytes or markup for CSV, TXT and EML. Nothing here writes to storage: the
service stores only what `inspect_upload` has passed.
"""

import codecs
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat

from assurance import clamav

CHUNK = 64 * 1024
HEAD = 8192
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadRefused(Exception):
    """A file broke an upload rule. The message names the file and says what is wrong, in plain words."""


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple[str, ...]
    content_type: str
    kind: str  # how the content is checked: "magic", "ooxml", "odf", "text", "eml"
    magic: bytes = b""
    part: str = ""  # OOXML: the folder that must exist; ODF: the mimetype entry's content


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", (".pdf",), "application/pdf", "magic", b"%PDF-"),
    "png": FileType("PNG image", (".png",), "image/png", "magic", b"\x89PNG\r\n\x1a\n"),
    "jpeg": FileType("JPEG image", (".jpg", ".jpeg"), "image/jpeg", "magic", b"\xff\xd8\xff"),
    "msg": FileType("Outlook message", (".msg",), "application/vnd.ms-outlook", "magic", OLE2),
    "docx": FileType(
        "Word document",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ooxml",
        part="word/",
    ),
    "xlsx": FileType(
        "Excel workbook",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ooxml",
        part="xl/",
    ),
    "pptx": FileType(
        "PowerPoint presentation",
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ooxml",
        part="ppt/",
    ),
    "odt": FileType(
        "OpenDocument text",
        (".odt",),
        "application/vnd.oasis.opendocument.text",
        "odf",
        part="application/vnd.oasis.opendocument.text",
    ),
    "ods": FileType(
        "OpenDocument spreadsheet",
        (".ods",),
        "application/vnd.oasis.opendocument.spreadsheet",
        "odf",
        part="application/vnd.oasis.opendocument.spreadsheet",
    ),
    "csv": FileType("CSV file", (".csv",), "text/csv", "text"),
    "txt": FileType("text file", (".txt",), "text/plain", "text"),
    "eml": FileType("email message", (".eml",), "message/rfc822", "eml"),
}

# Content that is never evidence, named so the refusal can say what the file really is.
# Program headers count only in binary content ("MZ" can start a line of text); a script's
# "#!/" is refused in text too, since text is where a script hides.
_DANGEROUS_HEADS = [
    (b"MZ", "a Windows program", False),
    (b"\x7fELF", "a Linux program", False),
    (b"\xca\xfe\xba\xbe", "a macOS program", False),
    (b"\xcf\xfa\xed\xfe", "a macOS program", False),
    (b"#!/", "a script", True),
]
_MARKUP = re.compile(rb"^\s*(\xef\xbb\xbf)?\s*<(!doctype|html|svg|\?xml|script|head|body|iframe|object|!--)", re.I)
_HEADER_LINE = re.compile(r"^[A-Za-z0-9-]+:")
_EML_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version", "cc"}
_BAD_NAME_CHARS = re.compile(r"[/\\:\x00-\x1f\x7f]")


@dataclass
class CheckedUpload:
    """A file that passed every rule, with what the board stores about it."""

    upload: UploadedFile
    original_name: str
    file_type: str
    content_type: str
    size: int
    sha256: str


def rules() -> dict:
    return settings.LSCB_UPLOADS


def allowed_types() -> list[FileType]:
    return [FILE_TYPES[key] for key in rules()["ALLOWED_TYPES"] if key in FILE_TYPES]


def accepted_extensions() -> str:
    """For the form's hint and the file input's `accept` attribute."""
    return ",".join(ext for file_type in allowed_types() for ext in file_type.extensions)


def allowed_summary() -> str:
    return ", ".join(sorted({ext.lstrip(".").upper() for ext in accepted_extensions().split(",")}))


def clean_original_name(name: str) -> str:
    """The uploaded name, kept only as data. A name that is still a path is refused.

    Django's multipart parser already reduces `../../x.pdf` to `x.pdf` before
    any code of ours sees it; this refuses whatever other caller hands us a path.
    """
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name or name in {".", ".."} or _BAD_NAME_CHARS.search(name) or ".." in name.split("."):
        raise UploadRefused(f"“{name}” is not a plain file name. Rename the file and upload it again")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 190 - len(ext)]}.{ext}" if dot and len(ext) <= 10 else name[:200]
    return name


def type_for_name(name: str) -> str:
    """The allow-list key for the file's (last) extension, or UploadRefused naming what is accepted."""
    lower = name.lower()
    for file_type in allowed_types():
        if any(lower.endswith(ext) for ext in file_type.extensions):
            return next(key for key, value in FILE_TYPES.items() if value is file_type)
    ext = "." + lower.rpartition(".")[2] if "." in lower else "no extension"
    raise UploadRefused(f"{name}: files ending {ext} are not accepted. Upload one of: {allowed_summary()}")


def inspect_upload(upload: UploadedFile) -> CheckedUpload:
    """Check one uploaded file against every rule; raise UploadRefused with a clear message."""
    name = clean_original_name(upload.name)
    key = type_for_name(name)
    file_type = FILE_TYPES[key]
    size = upload.size or 0
    if size == 0:
        raise UploadRefused(f"{name} is empty. Choose the file again, or upload a different one")
    if size > rules()["MAX_FILE_BYTES"]:
        raise UploadRefused(
            f"{name} is {filesizeformat(size)}; each file must be {_limit('MAX_FILE_BYTES')} or smaller"
        )
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    _check_not_dangerous(name, head, file_type)
    CHECKS[file_type.kind](name, upload, head, file_type)
    sha256 = _sha256(upload)
    clamav.scan_if_configured(name, upload)
    upload.seek(0)
    return CheckedUpload(upload, name, key, file_type.content_type, size, sha256)


def _limit(key: str) -> str:
    return filesizeformat(rules()[key])


def _not_a(name: str, file_type: FileType, why: str = "") -> UploadRefused:
    detail = f" ({why})" if why else ""
    return UploadRefused(
        f"{name} is not a real {file_type.label}{detail}. The file's content and its name must agree: "
        "save it in that format, or give it the right extension"
    )


def _check_not_dangerous(name: str, head: bytes, file_type: FileType) -> None:
    binary = b"\x00" in head
    for magic, what, even_in_text in _DANGEROUS_HEADS:
        if head.removeprefix(b"\xef\xbb\xbf").startswith(magic) and (binary or even_in_text):
            raise UploadRefused(f"{name} is {what}, not a {file_type.label}. Programs and scripts are never accepted")
    if _MARKUP.match(head):
        raise UploadRefused(f"{name} is a web page or markup (HTML, SVG or XML), not a {file_type.label}")


def _check_magic(name: str, upload: IO[bytes], head: bytes, file_type: FileType) -> None:
    if not head.startswith(file_type.magic):
        raise _not_a(name, file_type)


def _check_ooxml(name: str, upload: IO[bytes], head: bytes, file_type: FileType) -> None:
    names = _zip_names(name, upload, file_type)
    if "[Content_Types].xml" not in names or not any(n.startswith(file_type.part) for n in names):
        raise _not_a(name, file_type, f"it has no {file_type.part} part")
    _check_unpacked_size(name, upload, file_type)


def _check_odf(name: str, upload: IO[bytes], head: bytes, file_type: FileType) -> None:
    names = _zip_names(name, upload, file_type)
    if not names or names[0] != "mimetype":
        raise _not_a(name, file_type, "it has no mimetype entry")
    with zipfile.ZipFile(upload) as archive:
        mimetype = archive.read("mimetype") if archive.getinfo("mimetype").file_size < 200 else b""
    if mimetype.strip() != file_type.part.encode():
        raise _not_a(name, file_type, "its mimetype entry is for another kind of document")
    _check_unpacked_size(name, upload, file_type)


def _zip_names(name: str, upload: IO[bytes], file_type: FileType) -> list[str]:
    if not head_is_zip(upload):
        raise _not_a(name, file_type)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _not_a(name, file_type, "it is damaged") from None
    finally:
        upload.seek(0)
    if len(infos) > rules()["ZIP_MAX_ENTRIES"]:
        raise UploadRefused(f"{name} holds too many parts ({len(infos)}) to be a real {file_type.label}")
    return [info.filename for info in infos]


def head_is_zip(upload: IO[bytes]) -> bool:
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    return head == b"PK\x03\x04"


def _check_unpacked_size(name: str, upload: IO[bytes], file_type: FileType) -> None:
    """Unpack every part as a stream, counting real bytes: a zip's declared sizes can lie."""
    limit, ratio = rules()["ZIP_MAX_UNCOMPRESSED_BYTES"], rules()["ZIP_MAX_RATIO"]
    budget = min(limit, max(upload.size or 0, 1) * ratio)
    total = 0
    try:
        with zipfile.ZipFile(upload) as archive:
            for info in archive.infolist():
                with archive.open(info) as part:
                    while chunk := part.read(CHUNK):
                        total += len(chunk)
                        if total > budget:
                            raise UploadRefused(
                                f"{name} unpacks to more than {filesizeformat(budget)}, which a real "
                                f"{file_type.label} of this size never does. It may be a “zip bomb” and is refused"
                            )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise _not_a(name, file_type, "it is damaged or encrypted") from None
    finally:
        upload.seek(0)


def _check_text(name: str, upload: IO[bytes], head: bytes, file_type: FileType) -> str:
    """Decodable text (UTF-8, else Windows-1252) with no NUL bytes; returns the first 8 KB decoded."""
    for encoding in ("utf-8-sig", "cp1252"):
        if _decodes(upload, encoding):
            return head.decode(encoding, errors="ignore")
    raise _not_a(name, file_type, "it is not readable text")


def _decodes(upload: IO[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    upload.seek(0)
    try:
        for chunk in iter(lambda: upload.read(CHUNK), b""):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)


def _check_eml(name: str, upload: IO[bytes], head: bytes, file_type: FileType) -> None:
    text = _check_text(name, upload, head, file_type)
    headers = []
    for line in text.splitlines():
        if not line.strip():
            break
        if _HEADER_LINE.match(line):
            headers.append(line.split(":", 1)[0].lower())
        elif not line[:1].isspace():
            break
    if len(set(headers) & _EML_HEADERS) < 2:
        raise _not_a(name, file_type, "it does not start with email header lines such as From: and Subject:")


CHECKS: dict[str, Callable] = {
    "magic": _check_magic,
    "ooxml": _check_ooxml,
    "odf": _check_odf,
    "text": _check_text,
    "eml": _check_eml,
}


def _sha256(upload: IO[bytes]) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops an upload as soon as one file passes the size limit or there are too many files.

    It runs before Django's own handlers, so an oversized file is never held
    in memory or written out in full: the rest of the body is read and thrown
    away, and the view reports `self.refused`.
    """

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.refused: str = ""
        self.files = 0
        self.received = 0

    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.files += 1
        self.received = 0
        if self.files > rules()["MAX_FILES"]:
            self._refuse(f"Upload at most {rules()['MAX_FILES']} files at once")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > rules()["MAX_FILE_BYTES"]:
            self._refuse(f"{self.file_name} is larger than {_limit('MAX_FILE_BYTES')}; each file must be smaller")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self, message: str) -> None:
        self.refused = message
        raise StopUpload(connection_reset=False)


def body_too_large(request) -> str:
    """Refuse by Content-Length before the body is read. The form's own fields get 1 MB of slack."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "The upload could not be read: try again"
    if length > rules()["MAX_UPLOAD_BYTES"] + 1024 * 1024:
        return f"The upload is {filesizeformat(length)}; one upload must be {_limit('MAX_UPLOAD_BYTES')} or smaller"
    return ""
