"""Policy document files made in the test: DOCX (python-docx), a minimal PDF written by hand
(a Type0 font whose codes are the characters' Unicode values, with a ToUnicode map, so a PDF
reader extracts the Chinese text), a PDF with no text layer, and a ZIP bomb named .docx."""

from __future__ import annotations

import io
import zipfile

import docx

CN_DIGITS = "零一二三四五六七八九"
# The document the import tests upload: its fields besides the text.
DOCUMENT_FIELDS = {
    "key": "city-skill-2026",
    "title": "某市职工技能提升补贴管理办法",
    "doc_number": "某人社发〔2026〕1号",
    "issuer": "某市人力资源和社会保障局",
    "region": "全国",
}


def cn(n: int) -> str:
    """1..99 in Chinese numerals as printed in article numbers (十二, 二十, 六十)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "") if n >= 10 else CN_DIGITS[n]


def articles_text(count: int) -> list[str]:
    """A document of ``count`` articles in chapters of ten, one paragraph a line."""
    lines = ["某市职工技能提升补贴管理办法"]
    for n in range(1, count + 1):
        if n % 10 == 1:
            lines.append(f"第{cn(n // 10 + 1)}章 第{n // 10 + 1}部分")
        lines.append(f"第{cn(n)}条 符合条件的职工可以申请第{n}项补贴，标准为每人{n * 100}元。")
    return lines


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(lines: list[str], lines_per_page: int = 40) -> bytes:
    """A PDF whose pages show ``lines`` (no text layer at all when ``lines`` is empty)."""
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    page_tree = add(b"")
    ranges = "\n".join(f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>" for h in range(256))
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /Uni def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"256 beginbfrange\n{ranges}\nendbfrange\nendcmap CMapName currentdict /CMap "
        "defineresource pop end end"
    ).encode()
    to_unicode = add(_stream(cmap))
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 0 1000 1000]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor "
        + f"{descriptor} 0 R /DW 1000 >>".encode()
    )
    font = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H"
        f" /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>".encode()
    )
    kids = []
    for page_lines in pages:
        ops = ["0 0 1 rg 50 50 100 100 re f"]  # a filled box: something drawn, no text
        for row, line in enumerate(page_lines):
            hexed = "".join(f"{ord(ch):04X}" for ch in line)
            ops.append(f"BT /F1 10 Tf 40 {800 - row * 18} Td <{hexed}> Tj ET")
        content = add(_stream("\n".join(ops).encode()))
        kids.append(
            add(
                f"<< /Type /Page /Parent {page_tree} 0 R /MediaBox [0 0 595 842]"
                f" /Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {page_tree} 0 R >>".encode()
    objects[page_tree - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _stream(data: bytes) -> bytes:
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def make_zip_bomb(unpacked_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A .docx-named ZIP whose one member unpacks to ``unpacked_bytes`` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_bytes // len(chunk)):
                member.write(chunk)
    return out.getvalue()
