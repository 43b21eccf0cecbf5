"""The reasons the classification report gives for a non-routine filing scoring exactly 50."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from benchmarks.classification_report import flat_reason


def filing(**overrides: object) -> SimpleNamespace:
    row = {
        "report_nm": "주요사항보고서(유상증자결정)",
        "event_type": "rights_offering",
        "event_condition": None,
        "terms_endpoint": None,
        "is_withdrawn": False,
        "type_polarity": "conditional",
    }
    return SimpleNamespace(**{**row, **overrides})


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({}, "ds005_missing"),
        ({"report_nm": "[기재정정]주요사항보고서(유상증자결정)"}, "ds005_missing"),
        # a subsidiary's matter is filed by the parent: DS005 has no item for it
        ({"report_nm": "유상증자결정(종속회사의주요경영사항)"}, "no_source"),
        ({"report_nm": "현금ㆍ현물배당결정", "event_type": "dividend"}, "no_source"),
        ({"terms_endpoint": "piicDecsn"}, "decided_flat"),
        ({"event_condition": "dividend_raise"}, "decided_flat"),
        ({"event_type": "earnings_prelim"}, "no_figure"),
        (
            {"report_nm": "매출액또는손익구조30%(대규모법인은15%)이상변경", "event_type": "earnings_change"},
            "financials_missing",
        ),
        ({"event_type": "merger", "type_polarity": "neutral"}, "no_evidence"),
        ({"is_withdrawn": True, "terms_endpoint": "piicDecsn"}, "withdrawn"),
    ],
)
def test_flat_reason(overrides: dict, reason: str) -> None:
    assert flat_reason(filing(**overrides)) == reason
