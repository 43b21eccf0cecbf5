"""A scripted in-process OpenDART for unit tests (httpx.MockTransport); the simulator covers real HTTP."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import httpx
import pytest

from dart_assets.sources.dart import DartClient

KEY = "K" * 20 + "s3cr3tKEYs3cr3tKEY00"  # 40 characters, easy to spot if it leaks
OTHER_KEY = "Z" * 40


def make_row(n: int, day: str = "20240102") -> dict[str, str]:
    return {
        "corp_code": f"{n % 10**8:08d}",
        "corp_name": f"회사{n}",
        "stock_code": "" if n % 3 else f"{n % 10**6:06d}",
        "corp_cls": "YKNE"[n % 4],
        "report_nm": "정기주주총회결과              " if n % 2 else "주요사항보고서(유상증자결정)",
        "rcept_no": f"{day}{n:06d}",
        "flr_nm": f"회사{n}",
        "rcept_dt": day,
        "rm": "유" if n % 2 else "",
    }


Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeDart:
    """Serves list.json from `listing` (newest first) and anything else from `routes`.

    `script` holds one-shot answers consumed before normal service (faults); `insert_per_page`
    prepends new filings after each list.json page is served, as DART does while one pages.
    """

    def __init__(self, listing: list[dict[str, str]] | None = None) -> None:
        self.listing = list(listing or [])
        self.script: list[Step] = []
        self.routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self.requests: list[httpx.Request] = []
        self.insert_per_page = 0
        self.inserts_left = 0
        self._next = 900_000

    def endpoint_calls(self, endpoint: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/" + endpoint)]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step if isinstance(step, httpx.Response) else step(request)
        name = request.url.path.rsplit("/", 1)[-1]
        if name == "list.json":
            return self._list(request)
        return self.routes[name](request)

    def _list(self, request: httpx.Request) -> httpx.Response:
        page_no = int(request.url.params["page_no"])
        size = int(request.url.params["page_count"])
        if not self.listing:
            return httpx.Response(200, json={"status": "013", "message": "조회된 데이타가 없습니다."})
        chunk = self.listing[(page_no - 1) * size : page_no * size]
        body = {
            "status": "000",
            "message": "정상",
            "page_no": page_no,
            "page_count": size,
            "total_count": len(self.listing),
            "total_page": math.ceil(len(self.listing) / size),
            "list": chunk,
        }
        for _ in range(min(self.insert_per_page, self.inserts_left)):
            self.inserts_left -= 1
            self._next += 1
            self.listing.insert(0, make_row(self._next))
        return httpx.Response(200, json=body)


def status(code: str, message: str = "msg") -> httpx.Response:
    return httpx.Response(200, json={"status": code, "message": message})


@pytest.fixture
def fake() -> FakeDart:
    return FakeDart([make_row(i) for i in range(250, 0, -1)])


@pytest.fixture
def make_client(fake: FakeDart) -> Callable[..., DartClient]:
    clients: list[DartClient] = []

    def build(keys: tuple[str, ...] = (KEY,), **options) -> DartClient:
        options = {"requests_per_second": 10_000, "backoff_base_s": 0.0, "max_attempts": 3, **options}
        client = DartClient(list(keys), "http://dart.test/api", transport=httpx.MockTransport(fake), **options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


DAY = date(2024, 1, 2)


@pytest.fixture
def kit():
    """Constants and builders for the tests (test modules cannot import conftest in importlib mode)."""
    import types

    return types.SimpleNamespace(
        KEY=KEY, OTHER_KEY=OTHER_KEY, DAY=DAY, make_row=make_row, status=status, FakeDart=FakeDart
    )
