"""The corpCode.xml payload: a ZIP holding CORPCODE.xml for all 118,342 real companies.

Listed companies keep their recorded entries (English name, modify_date); the rest of the full
company list gets a romanised English name and a modify_date drawn deterministically, and the
one-space stock_code that real CORPCODE.xml uses for unlisted companies.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from functools import lru_cache
from xml.sax.saxutils import escape

from simulators import recorded
from simulators.recorded import stable_fraction

_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_VOWELS = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_FINALS = [
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]
_MODIFY_START = date(2017, 6, 30)  # the oldest modify_date in the recorded file
_MODIFY_END = date(2026, 6, 19)


def romanize(text: str) -> str:
    """Revised Romanization of the Hangul syllables in `text`, other characters kept."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588] + _VOWELS[(code % 588) // 28] + _FINALS[code % 28])
        else:
            out.append(ch)
    return "".join(out)


def english_name(corp_name: str) -> str:
    """A plausible corp_eng_name; some real entries are empty, so a few generated ones are too."""
    if stable_fraction("eng", corp_name) < 0.08:
        return ""
    base = corp_name.replace("(주)", "").replace("주식회사", "").strip()
    roman = romanize(base)
    return f"{roman[:1].upper()}{roman[1:]} Co., Ltd."


def modify_date(corp_code: str) -> str:
    span = (_MODIFY_END - _MODIFY_START).days
    return (_MODIFY_START + timedelta(days=int(stable_fraction("modify", corp_code) * span))).strftime("%Y%m%d")


def corpcode_entries() -> list[dict[str, str]]:
    """The five CORPCODE.xml fields of every company, stock_code " " when unlisted."""
    listed = recorded.listed_corpcode_entries()
    entries = []
    for code, name, stock in recorded.corp_list():
        known = listed.get(code)
        entries.append(
            {
                "corp_code": code,
                "corp_name": name,
                "corp_eng_name": known["corp_eng_name"] if known else english_name(name),
                "stock_code": stock or " ",
                "modify_date": known["modify_date"] if known else modify_date(code),
            }
        )
    return entries


def corpcode_xml() -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<result>\n']
    for entry in corpcode_entries():
        parts.append("  <list>\n")
        parts.extend(f"    <{tag}>{escape(value)}</{tag}>\n" for tag, value in entry.items())
        parts.append("  </list>\n")
    parts.append("</result>\n")
    return "".join(parts).encode("utf-8")


@lru_cache(maxsize=1)
def corpcode_zip() -> bytes:
    """Built once per process (about a second): every corpCode.xml call serves the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CORPCODE.xml", corpcode_xml())
    return buffer.getvalue()


def corrupt_zip() -> bytes:
    """Starts with the ZIP magic `PK` but is not a readable archive (a truncated download)."""
    return corpcode_zip()[:64]
