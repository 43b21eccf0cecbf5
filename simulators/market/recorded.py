"""The two recorded days of the KRX Open API (2024-01-04 and 2024-01-05), served verbatim.

Full raw responses of six endpoints, gzipped in data/krx_openapi/ (provenance in data/README.md).
Besides being served as recorded, they anchor the generated days: names, codes, share counts and
price levels of the KOSPI issues and index series around them come from these responses.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from functools import cache
from pathlib import Path

RECORDING_DIR = Path(__file__).parent / "data" / "krx_openapi"
RECORDED_DAYS: tuple[date, ...] = (date(2024, 1, 4), date(2024, 1, 5))
RECORDED_ENDPOINTS = (
    "idx/kospi_dd_trd",
    "idx/drvprod_dd_trd",
    "idx/bon_dd_trd",
    "sto/stk_bydd_trd",
    "drv/opt_bydd_trd",
    "bon/kts_bydd_trd",
)


@cache
def recorded_rows(endpoint: str, day: date) -> tuple[dict[str, str], ...] | None:
    """OutBlock_1 of the recorded response, or None when that endpoint and day were not recorded."""
    if endpoint not in RECORDED_ENDPOINTS or day not in RECORDED_DAYS:
        return None
    path = RECORDING_DIR / f"{endpoint.split('/')[1]}_{day:%Y%m%d}.json.gz"
    with gzip.open(path) as raw:
        return tuple(json.load(raw)["OutBlock_1"])
