"""OpenDART's status codes with their official messages, and the bodies that carry them."""

from __future__ import annotations

import json
from collections.abc import Mapping

# opendart-api.md §4 (cpaikr/opendart schemas.yaml, x-opendart-code-descriptions).
STATUS_MESSAGES = {
    "000": "정상",
    "010": "등록되지 않은 키입니다.",
    "011": "사용할 수 없는 키입니다. 오픈API에 등록되었으나, "
    "일시적으로 사용 중지된 키를 통하여 검색하는 경우 발생합니다.",
    "012": "접근할 수 없는 IP입니다.",
    "013": "조회된 데이타가 없습니다.",
    "014": "파일이 존재하지 않습니다.",
    "020": "요청 제한을 초과하였습니다. 일반적으로는 20,000건 이상의 요청에 대하여 이 에러 메시지가 발생되나, "
    "요청 제한이 다르게 설정된 경우에는 이에 준하여 발생됩니다.",
    "021": "조회 가능한 회사 개수가 초과하였습니다.(최대 100건)",
    "100": "필드의 부적절한 값입니다. 필드 설명에 없는 값을 사용한 경우에 발생하는 메시지입니다.",
    "101": "부적절한 접근입니다.",
    "800": "시스템 점검으로 인한 서비스가 중지 중입니다.",
    "900": "정의되지 않은 오류가 발생하였습니다.",
    "901": "사용자 계정의 개인정보 보유기간이 만료되어 사용할 수 없는 키입니다. "
    "관리자 이메일(opendart@fss.or.kr)로 문의하시기 바랍니다.",
}
JSON_TYPE = "application/json;charset=UTF-8"
XML_TYPE = "application/xml;charset=UTF-8"
ZIP_TYPE = "application/x-msdownload"


class ApiError(Exception):
    """A business error: DART answers it with HTTP 200 and this status in the body."""

    def __init__(self, status: str, message: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.message = message or STATUS_MESSAGES.get(status, STATUS_MESSAGES["900"])


def ok(**fields: object) -> dict[str, object]:
    return {"status": "000", "message": STATUS_MESSAGES["000"], **fields}


def error_payload(error: ApiError) -> dict[str, str]:
    return {"status": error.status, "message": error.message}


def json_body(payload: Mapping[str, object]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def xml_error_body(error: ApiError) -> bytes:
    """What the ZIP endpoints send instead of a ZIP on error (opendart-api.md §1)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<result>\n<status>{error.status}</status>\n<message>{error.message}</message>\n</result>\n"
    ).encode()
