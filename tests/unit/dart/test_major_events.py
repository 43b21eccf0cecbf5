"""DS005: title -> endpoint mapping (client and simulator agree), and the field validators."""

import json
from pathlib import Path

import pytest

from dart_assets.sources.dart.major_events import ENDPOINT_NAMES, ENDPOINTS, FIELDS, endpoint_for_title, title_stem
from dart_assets.sources.dart.schemas import event_amount, event_count, event_date
from simulators import major_events as simulated

TESTDATA = Path(__file__).parents[3] / "simulators/data/responses/material/testdata"


@pytest.mark.parametrize(
    ("title", "endpoint"),
    [
        ("주요사항보고서(유상증자결정)", "piicDecsn"),
        ("[기재정정]주요사항보고서(유상증자결정)", "piicDecsn"),
        ("[첨부추가]주요사항보고서(타법인주식및출자증권양도결정)", "otcprStkInvscrTrfDecsn"),
        ("[기재정정]주요사항보고서 (중요한자산양수도결정(기타))", "astInhtrfEtcPtbkOpt"),
        ("주요사항보고서(자기주식 취득 신탁계약 해지결정)", "tsstkAqTrctrCcDecsn"),
        ("주요사항보고서(주식교환·이전결정)", "stkExtrDecsn"),  # U+00B7 reads as U+318D
        ("주요사항보고서(주식교환ㆍ이전결정)", "stkExtrDecsn"),
        ("주요사항보고서(유무상증자결정)", "pifricDecsn"),
        ("주요사항보고서(회사분할합병결정)", "cmpDvmgDecsn"),
        ("주요사항보고서(자기주식처분결정)(자회사의 주요경영사항)              ", None),  # the parent's exchange filing
        ("주요사항보고서(자본으로인정되는채무증권발행결정)", None),  # no DS005 endpoint
        ("주요사항보고서(자기전환사채매도결정)", None),
        ("자기주식취득결정", None),  # an exchange title, not a 주요사항보고서
        ("사업보고서 (2024.12)", None),
        ("", None),
    ],
)
def test_titles_map_to_their_endpoint(title, endpoint) -> None:
    assert endpoint_for_title(title) == endpoint
    assert simulated.endpoint_of_title(title) == endpoint  # the simulator's own table agrees


def test_every_endpoint_has_a_title_fields_and_a_recorded_answer_with_those_fields() -> None:
    assert len(ENDPOINTS) == 36 and ENDPOINT_NAMES == simulated.ENDPOINTS == set(FIELDS)
    for e in ENDPOINTS:
        assert endpoint_for_title(f"주요사항보고서({e.stems[0]})") == e.name
        item = json.loads((TESTDATA / f"{e.name}.json").read_text("utf-8"))["list"][0]
        fields = FIELDS[e.name]
        assert set(fields.amounts + fields.counts + fields.ratios + fields.dates) <= set(item)


def test_title_stem_keeps_nested_parentheses() -> None:
    assert title_stem("주요사항보고서 (중요한자산양수도결정(기타))(자율공시)") == "중요한자산양수도결정(기타)"
    assert title_stem("주요사항보고서(미완") is None


def test_amounts_counts_ratios_and_dates() -> None:
    assert all(map(event_amount, ["7,184,339,000", "-", "", "-205,875", "5.00", "1,234.5"]))
    assert not any(map(event_amount, ["7,184,339,000원", "1.2.3", "abc", None, 5000]))
    assert all(map(event_count, ["33,338", "0", "-"]))
    assert not any(map(event_count, ["3.5", "-3", "3명"]))
    assert all(map(event_date, ["2024년 05월 23일", "20230403", "-", "2025년 년 월 1일일"]))
    assert not any(map(event_date, ["2024-05-23", "2024년 13월 01일", "20240230", "곧", None]))


def test_generated_items_are_deterministic_and_shaped_like_dart() -> None:
    from simulators.recorded import Filing

    filing = Filing(
        "00126380",
        "삼성전자",
        "005930",
        "Y",
        "주요사항보고서(유상증자결정)",
        "20250721000123",
        "삼성전자",
        "20250721",
        "",
        "B",
    )
    item = simulated.generated_item("piicDecsn", filing, seed=42)
    assert (
        item
        == simulated.generated_item("piicDecsn", filing, seed=42)
        != simulated.generated_item("piicDecsn", filing, seed=7)
    )
    assert (item["rcept_no"], item["corp_code"], item["corp_name"]) == ("20250721000123", "00126380", "삼성전자")
    assert item["ic_mthn"] in simulated.ALLOTMENT_METHODS and list(item) == list(
        simulated.recorded_items("piicDecsn")[0]
    )
    assert (
        all(isinstance(v, str) for v in item.values()) and event_amount(item["fdpp_op"]) and event_date(item["ssl_bgd"])
    )


def test_generated_splits_vary_their_method_as_dart_states_it() -> None:
    """Scores sign a split by cmpDvDecsn's dv_mth, so the simulator must generate both methods."""
    from simulators.recorded import Filing

    split = Filing("00126380", "A", "005930", "Y", "주요사항보고서(회사분할결정)", "", "A", "20250721", "", "B")
    methods = {
        simulated.generated_item("cmpDvDecsn", split._replace(rcept_no=f"2025072100{n:04d}"), seed=42)["dv_mth"]
        for n in range(20)
    }
    assert methods == set(simulated.SPLIT_METHODS)
