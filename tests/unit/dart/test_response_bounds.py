"""Nothing DART (or whoever answers in its place) sends is trusted: sizes, time and XML are bounded."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import httpx
import pytest

from dart_assets.sources.dart import corpcode, errors

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<result><list><corp_code>&lol3;</corp_code></list></result>"""


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_stops_at_the_bound_whatever_its_header_says() -> None:
    bomb = _zip("CORPCODE.xml", b"<result>" + b" " * (8 * 2**20) + b"</result>")
    assert len(bomb) < 20_000  # 8 MiB of spaces deflate to almost nothing
    with pytest.raises(errors.CorruptZipError, match="inflates past"):
        corpcode.parse_corp_codes(bomb, max_xml_bytes=2**20)


def test_entity_expansion_is_refused_in_the_archive_and_in_error_bodies() -> None:
    with pytest.raises(errors.CorruptZipError, match="EntitiesForbidden"):
        corpcode.parse_corp_codes(_zip("CORPCODE.xml", BILLION_LAUGHS))
    assert isinstance(corpcode.xml_error(BILLION_LAUGHS), errors.MalformedResponseError)


def test_a_body_over_the_cap_is_malformed_not_read_to_the_end(make_client, fake) -> None:
    fake.script = [httpx.Response(200, content=b"{" + b" " * 3_000_000)] * 3
    client = make_client(max_body_bytes=1_000_000, max_attempts=1)
    with pytest.raises(errors.MalformedResponseError, match="larger than 1,000,000 bytes"):
        client.list_disclosures(date(2024, 1, 2), date(2024, 1, 2))


def test_a_trickling_server_is_cut_off_at_the_overall_deadline(make_client, fake) -> None:
    def trickle():
        for _ in range(50):
            time.sleep(0.05)
            yield b" "

    fake.script = [lambda request: httpx.Response(200, content=trickle())]
    client = make_client(deadline_s=0.3, max_attempts=1)
    started = time.perf_counter()
    with pytest.raises(errors.TransportError, match="no complete answer within 0.3 s"):
        client.list_disclosures(date(2024, 1, 2), date(2024, 1, 2))
    assert time.perf_counter() - started < 1.5
