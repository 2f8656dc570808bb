"""Brochures and pictures of a listing: recognised by their content and named safely."""

from __future__ import annotations

import re
import unicodedata

#: What we accept, recognised by the first bytes of the file (never by its name or the browser's word).
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
MAX_NAME = 120


def detect(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG, JPEG or WebP file; None for anything else."""
    for signature, content_type, extension in SIGNATURES:
        if data.startswith(signature):
            return content_type, extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def clean_filename(name: str, extension: str) -> str:
    """A download name without paths, control or odd characters, ending in the detected extension."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\- ()]+", "_", stem, flags=re.UNICODE).strip(" ._") or "file"
    return f"{stem[:MAX_NAME]}.{extension}"
