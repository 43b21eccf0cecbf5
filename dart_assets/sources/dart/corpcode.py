"""corpCode.xml: a ZIP holding CORPCODE.xml, or an XML error body instead of a ZIP.

DART answers errors on its ZIP endpoints with `<result><status>..</status>...` (HTTP 200), so the
body is checked for the ZIP magic before unzipping. Unlisted companies carry `stock_code` " "
(one space); it becomes None, like list.json's "".

The archive comes from the network, so nothing in it is trusted: the XML is inflated in chunks
up to MAX_XML_BYTES (a zip bomb stops there, whatever its header claims), and parsed with
defusedxml, which refuses entity declarations (billion laughs) and external entities.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from dart_assets.sources.dart.errors import (
    NO_DATA_STATUS,
    CorruptZipError,
    DartError,
    MalformedResponseError,
    error_for_status,
)

ENDPOINT = "corpCode.xml"
ZIP_MAGIC = b"PK"
CORP_FIELDS = ("corp_code", "corp_name", "corp_eng_name", "stock_code", "modify_date")
#: CORPCODE.xml inflates to ~30 MB (118,000 companies); far above that is not DART's file.
MAX_XML_BYTES = 256 * 2**20
_CHUNK = 2**20


def xml_error(body: bytes, endpoint: str = ENDPOINT) -> DartError:
    """The typed error an XML `<result><status>` body stands for (or a malformed-response error)."""
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException):
        return MalformedResponseError(endpoint, f"neither a ZIP nor XML ({len(body)} bytes)")
    status = (root.findtext("status") or "").strip()
    message = (root.findtext("message") or "").strip()
    if not status:
        return MalformedResponseError(endpoint, "XML body without a status")
    if status in ("000", NO_DATA_STATUS):
        return MalformedResponseError(endpoint, f"XML status {status} instead of a ZIP archive")
    return error_for_status(status, endpoint, message)


def _inflate(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The member's bytes, read in chunks and refused past `limit` (its header may lie)."""
    chunks, size = [], 0
    with archive.open(name) as member:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise CorruptZipError(ENDPOINT, f"{name} inflates past {limit:,} bytes: not DART's corp code file")
            chunks.append(chunk)
    return b"".join(chunks)


def parse_corp_codes(body: bytes, max_xml_bytes: int = MAX_XML_BYTES) -> list[dict[str, str | None]]:
    """The companies of a corpCode.xml ZIP; raises the typed error when the body is not one."""
    if not body.startswith(ZIP_MAGIC):
        raise xml_error(body)
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".xml")]
            if not names:
                raise CorruptZipError(ENDPOINT, f"no XML file in the archive ({archive.namelist()})")
            xml = _inflate(archive, names[0], max_xml_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        detail = f"{type(exc).__name__}: {exc}"
    else:
        detail = ""
    if detail:  # raised outside the except block: nothing chained
        raise CorruptZipError(ENDPOINT, detail)
    try:
        root = fromstring(xml)
    except (ParseError, DefusedXmlException) as exc:
        detail = f"CORPCODE.xml is not well-formed, safe XML: {type(exc).__name__}: {exc}"
    if detail:
        raise CorruptZipError(ENDPOINT, detail)
    return [_company(item) for item in root.iter("list")]


def _company(item: Element) -> dict[str, str | None]:
    record: dict[str, str | None] = {name: item.findtext(name) for name in CORP_FIELDS}
    stock_code = (record["stock_code"] or "").strip()
    record["stock_code"] = stock_code or None
    return record
