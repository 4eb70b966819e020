"""Hand-made hostile PDFs for reliability tests: a flate bomb, a self-referencing page tree, deep nesting."""

from __future__ import annotations

import zlib


def build_pdf(objects: list[bytes]) -> bytes:
    """A PDF from raw object bodies (object i+1 = objects[i]); object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, compress: bool = True) -> bytes:
    payload = zlib.compress(data, 9) if compress else data
    filt = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s >>\nstream\n" % (len(payload), filt) + payload + b"\nendstream"


def page_pdf(content: bytes, compress: bool = True) -> bytes:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(content, compress),
            font,
        ]
    )


def flate_bomb(megabytes: int) -> bytes:
    """A small file whose one page decompresses to `megabytes` of drawing operators with a little text."""
    text = b"BT /F1 12 Tf 72 720 Td (hello) Tj ET\n"
    return page_pdf(text + b"0 0 m 1 1 l S\n" * (megabytes * 1024 * 1024 // 14))


def self_referencing_pages() -> bytes:
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def deeply_nested() -> bytes:
    nest = b"[" * 50_000 + b"]" * 50_000
    return page_pdf(b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n" + nest, compress=False)
