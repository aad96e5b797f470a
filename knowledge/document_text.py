"""The text of an uploaded policy document: TXT, pasted text, HTML, DOCX or PDF.

Every problem a person can cause (too large, empty, a ZIP bomb, a scanned PDF, an unknown
format) is a :class:`DocumentUnreadable` with a Chinese message; nothing is stored here.
"""

from __future__ import annotations

import io
import re
import zipfile

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TEXT_CHARS = 500_000
# A DOCX is a ZIP: refuse one that would unpack to more than this, or that packs too tightly.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ZIP_RATIO = 100
FORMATS = ("txt", "html", "htm", "docx", "pdf")
SCANNED_PDF = "暂不支持扫描件（图片）识别，请上传带文字的PDF或粘贴文本"


class DocumentUnreadable(ValueError):
    """The file or text cannot become a document; ``str(error)`` is the Chinese reason."""


def format_of(filename: str) -> str:
    """The format named by the file's extension; an unknown one is DocumentUnreadable."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise DocumentUnreadable("只支持 TXT、HTML、DOCX 和 PDF 文件，或直接粘贴文本")
    return "html" if suffix == "htm" else suffix


def extract_text(filename: str, data: bytes) -> str:
    """The document's plain text, one paragraph a line."""
    fmt = format_of(filename)
    if len(data) > MAX_FILE_BYTES:
        raise DocumentUnreadable(f"文件太大（最多 {MAX_FILE_BYTES // (1024 * 1024)} MB）")
    if not data:
        raise DocumentUnreadable("文件是空的")
    if fmt == "txt":
        text = _decode(data)
    elif fmt == "html":
        text = _html_text(data)
    elif fmt == "docx":
        text = _docx_text(data)
    else:
        text = _pdf_text(data)
    return pasted_text(text)


def pasted_text(text: str) -> str:
    """Pasted (or extracted) text with tidy lines; empty or huge text is DocumentUnreadable."""
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.splitlines()]
    tidy = "\n".join(line for line in lines if line)
    if not tidy:
        raise DocumentUnreadable("文件里没有文字，请检查文件或直接粘贴文本")
    if len(tidy) > MAX_TEXT_CHARS:
        raise DocumentUnreadable(f"文字太多（最多 {MAX_TEXT_CHARS} 字）")
    return tidy


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentUnreadable("无法识别文本编码，请保存为 UTF-8 后再上传")


def _html_text(data: bytes) -> str:
    import lxml.html
    from lxml import etree

    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode(data))  # lxml wants no declaration
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        raise DocumentUnreadable("无法读取这个 HTML 文件") from None
    for junk in root.xpath("//script|//style|//noscript|//head"):
        junk.drop_tree()
    for block in root.xpath("//p|//div|//br|//li|//tr|//h1|//h2|//h3|//h4|//h5|//h6"):
        block.tail = "\n" + (block.tail or "")
    return str(root.text_content())


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentUnreadable("这不是有效的 DOCX 文件") from None
    with archive:
        infos = archive.infolist()
        unpacked = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos) or 1
    if unpacked > MAX_UNZIPPED_BYTES or unpacked / packed > MAX_ZIP_RATIO:
        raise DocumentUnreadable("DOCX 文件解压后过大，疑似压缩炸弹，已拒绝")


def _docx_text(data: bytes) -> str:
    _check_zip(data)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise DocumentUnreadable("这不是有效的 DOCX 文件") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        raise DocumentUnreadable("无法读取这个 PDF 文件") from None
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentUnreadable(SCANNED_PDF)
    return text
