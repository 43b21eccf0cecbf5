"""DS005 (주요사항보고서 주요정보): which filing title is answered by which endpoint, and what each
endpoint's fields hold.

The 36 endpoints and their official names are the table of opendart-api.md §2.6; the field
classes below come from the real answers recorded in
simulators/data/responses/material/testdata/*.json. DART has no market-wide DS005
query: a filing is found in list.json (`주요사항보고서(유상증자결정)`), and its details are asked
per company and endpoint for the filing's date (`corp_code`, `bgn_de`, `end_de`).

Title matching (`endpoint_for_title`):
- the event is the stem inside `주요사항보고서(...)` (nested parentheses kept:
  `중요한자산양수도결정(기타)`), compared without spaces and with both middle dots (U+318D ㆍ,
  U+00B7 ·) read as one (opendart-api.md §6.8);
- bracket prefixes (`[기재정정]`, `[첨부추가]`) and trailing remarks (`(자율공시)`) do not matter;
- a title naming a subsidiary's event (`(자회사의 주요경영사항)`, `(종속회사의주요경영사항)`) is
  the parent's exchange disclosure, not a 주요사항보고서 of the filer: DS005 holds no item
  for it under the parent's corp_code, so it maps to no endpoint;
- stems without a DS005 endpoint (`자본으로인정되는채무증권발행결정`, `자기전환사채매도결정`, the
  `제3자의...매수선택권행사` family) map to None.

Field classes (`FIELDS`): DART sends every value as a string. Amounts and counts are
comma-grouped integers (`"7,184,339,000"`), ratios decimals (`"5.00"`, `"0.5"`), dates
`YYYY년 MM월 DD일` or YYYYMMDD (`ssl_bgd`); `"-"` (or `""`) means empty everywhere. Fields not
listed are free text (names, methods such as `ic_mthn`, periods like `"2023년 03월"` or
`"... ~ ..."`, exchange ratios like `"1:0.5"`) and are not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    api_id: str
    name: str  # without .json, e.g. "piicDecsn"
    event: str  # the official event name
    stems: tuple[str, ...]  # title stems inside 주요사항보고서(...), spaces removed


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("2020018", "astInhtrfEtcPtbkOpt", "자산양수도(기타), 풋백옵션",
             ("중요한자산양수도결정(기타)", "자산양수도(기타),풋백옵션", "자산양수도(기타)", "풋백옵션등계약체결결정")),
    Endpoint("2020019", "dfOcr", "부도발생", ("부도발생",)),
    Endpoint("2020020", "bsnSp", "영업정지", ("영업정지",)),
    Endpoint("2020021", "ctrcvsBgrq", "회생절차 개시신청", ("회생절차개시신청",)),
    Endpoint("2020022", "dsRsOcr", "해산사유 발생", ("해산사유발생",)),
    Endpoint("2020023", "piicDecsn", "유상증자 결정", ("유상증자결정",)),
    Endpoint("2020024", "fricDecsn", "무상증자 결정", ("무상증자결정",)),
    Endpoint("2020025", "pifricDecsn", "유무상증자 결정", ("유무상증자결정",)),
    Endpoint("2020026", "crDecsn", "감자 결정", ("감자결정",)),
    Endpoint("2020027", "bnkMngtPcbg", "채권은행 등의 관리절차 개시", ("채권은행등의관리절차개시",)),
    Endpoint("2020028", "lwstLg", "소송 등의 제기", ("소송등의제기",)),
    Endpoint("2020029", "ovLstDecsn", "해외 증권시장 주권등 상장 결정", ("해외증권시장주권등상장결정",)),
    Endpoint("2020030", "ovDlstDecsn", "해외 증권시장 주권등 상장폐지 결정", ("해외증권시장주권등상장폐지결정",)),
    Endpoint("2020031", "ovLst", "해외 증권시장 주권등 상장", ("해외증권시장주권등상장",)),
    Endpoint("2020032", "ovDlst", "해외 증권시장 주권등 상장폐지", ("해외증권시장주권등상장폐지",)),
    Endpoint("2020033", "cvbdIsDecsn", "전환사채권 발행결정", ("전환사채권발행결정",)),
    Endpoint("2020034", "bdwtIsDecsn", "신주인수권부사채권 발행결정", ("신주인수권부사채권발행결정",)),
    Endpoint("2020035", "exbdIsDecsn", "교환사채권 발행결정", ("교환사채권발행결정",)),
    Endpoint("2020036", "bnkMngtPcsp", "채권은행 등의 관리절차 중단", ("채권은행등의관리절차중단",)),
    Endpoint("2020037", "wdCocobdIsDecsn", "상각형 조건부자본증권 발행결정", ("상각형조건부자본증권발행결정",)),
    Endpoint("2020038", "tsstkAqDecsn", "자기주식 취득 결정", ("자기주식취득결정",)),
    Endpoint("2020039", "tsstkDpDecsn", "자기주식 처분 결정", ("자기주식처분결정",)),
    Endpoint("2020040", "tsstkAqTrctrCnsDecsn", "자기주식취득 신탁계약 체결 결정", ("자기주식취득신탁계약체결결정",)),
    Endpoint("2020041", "tsstkAqTrctrCcDecsn", "자기주식취득 신탁계약 해지 결정", ("자기주식취득신탁계약해지결정",)),
    Endpoint("2020042", "bsnInhDecsn", "영업양수 결정", ("영업양수결정",)),
    Endpoint("2020043", "bsnTrfDecsn", "영업양도 결정", ("영업양도결정",)),
    Endpoint("2020044", "tgastInhDecsn", "유형자산 양수 결정", ("유형자산양수결정",)),
    Endpoint("2020045", "tgastTrfDecsn", "유형자산 양도 결정", ("유형자산양도결정",)),
    Endpoint(
        "2020046", "otcprStkInvscrInhDecsn", "타법인 주식 및 출자증권 양수결정", ("타법인주식및출자증권양수결정",)
    ),
    Endpoint(
        "2020047", "otcprStkInvscrTrfDecsn", "타법인 주식 및 출자증권 양도결정", ("타법인주식및출자증권양도결정",)
    ),
    Endpoint("2020048", "stkrtbdInhDecsn", "주권 관련 사채권 양수 결정", ("주권관련사채권양수결정",)),
    Endpoint("2020049", "stkrtbdTrfDecsn", "주권 관련 사채권 양도 결정", ("주권관련사채권양도결정",)),
    Endpoint("2020050", "cmpMgDecsn", "회사합병 결정", ("회사합병결정",)),
    Endpoint("2020051", "cmpDvDecsn", "회사분할 결정", ("회사분할결정",)),
    Endpoint("2020052", "cmpDvmgDecsn", "회사분할합병 결정", ("회사분할합병결정",)),
    Endpoint("2020053", "stkExtrDecsn", "주식교환·이전 결정", ("주식교환ㆍ이전결정", "주식교환결정", "주식이전결정")),
)  # fmt: skip
ENDPOINT_NAMES = frozenset(e.name for e in ENDPOINTS)

_DOTS = str.maketrans({"·": "ㆍ", "•": "ㆍ", "∙": "ㆍ"})
_SUBSIDIARY = re.compile(r"(자회사|종속회사)의?주요경영사항")
_MARKER = "주요사항보고서("


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_DOTS)


_BY_STEM = {_squash(stem): e.name for e in ENDPOINTS for stem in e.stems}


def title_stem(report_nm: str) -> str | None:
    """The event inside `주요사항보고서(...)` (spaces removed, dots unified), or None."""
    title = _squash(report_nm)
    start = title.find(_MARKER)
    if start < 0:
        return None
    depth, i = 1, start + len(_MARKER)
    for j in range(i, len(title)):
        if title[j] == "(":
            depth += 1
        elif title[j] == ")":
            depth -= 1
            if depth == 0:
                return title[i:j]
    return None


def endpoint_for_title(report_nm: str | None) -> str | None:
    """The DS005 endpoint (without .json) that holds the details of a filing with this title."""
    if not report_nm:
        return None
    stem = title_stem(report_nm)
    if stem is None or _SUBSIDIARY.search(_squash(report_nm)):
        return None
    return _BY_STEM.get(stem)


@dataclass(frozen=True)
class Fields:
    """The checked fields of one endpoint's items; everything else is free text."""

    amounts: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    ratios: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


#: Every item's identity: the filing, and the company as DART lists it.
IDENTITY_FIELDS = ("rcept_no", "corp_cls", "corp_code", "corp_name")

_BOARD = ("od_a_at_t", "od_a_at_b")  # outside directors present / absent at the board meeting
_FUNDS = ("fdpp_fclt", "fdpp_bsninh", "fdpp_op", "fdpp_dtrp", "fdpp_ocsa", "fdpp_etc")
_TREASURY_COUNTS = ("aq_wtn_div_ostk", "aq_wtn_div_estk", "eaq_ostk", "eaq_estk")
_TREASURY_RATIOS = ("aq_wtn_div_ostk_rt", "aq_wtn_div_estk_rt", "eaq_ostk_rt", "eaq_estk_rt")
_SPLIT_AMOUNTS = (
    "atdvfdtl_tast", "atdvfdtl_tdbt", "atdvfdtl_teqt", "atdvfdtl_cpt", "atdv_excmp_exbsn_rsl",
    "ffdtl_tast", "ffdtl_tdbt", "ffdtl_teqt", "ffdtl_cpt", "dvfcmp_nbsn_rsl",
)  # fmt: skip
_SPLIT_DATES = (
    "atdvfdtl_std", "ffdtl_std", "abcr_osprpd_bgd", "abcr_osprpd_edd", "abcr_trspprpd_bgd",
    "abcr_trspprpd_edd", "abcr_nstkasstd", "abcr_nstkdlprd", "abcr_nstklstprd",
)  # fmt: skip
_PARTNER = ("rbsnfdtl_tast", "rbsnfdtl_tdbt", "rbsnfdtl_teqt", "rbsnfdtl_cpt")

FIELDS: dict[str, Fields] = {
    "astInhtrfEtcPtbkOpt": Fields(amounts=("ast_inhtrf_prc",)),
    "dfOcr": Fields(amounts=("df_amt",), dates=("dfd",)),
    "bsnSp": Fields(amounts=("bsnsp_amt", "rsl"), counts=_BOARD, ratios=("sl_vs",), dates=("bsnspd", "bddd")),
    "ctrcvsBgrq": Fields(dates=("rqd",)),
    "dsRsOcr": Fields(counts=_BOARD, dates=("ds_rsd",)),
    "piicDecsn": Fields(
        amounts=("fv_ps", *_FUNDS),
        counts=("nstk_ostk_cnt", "nstk_estk_cnt", "bfic_tisstk_ostk", "bfic_tisstk_estk"),
        dates=("ssl_bgd", "ssl_edd"),
    ),
    "fricDecsn": Fields(
        amounts=("fv_ps",),
        counts=("nstk_ostk_cnt", "nstk_estk_cnt", "bfic_tisstk_ostk", "bfic_tisstk_estk", *_BOARD),
        ratios=("nstk_ascnt_ps_ostk", "nstk_ascnt_ps_estk"),
        dates=("nstk_asstd", "nstk_dividrk", "nstk_dlprd", "nstk_lstprd", "bddd"),
    ),
    "pifricDecsn": Fields(
        amounts=("piic_fv_ps", *(f"piic_{f}" for f in _FUNDS), "fric_fv_ps"),
        counts=(
            "piic_nstk_ostk_cnt",
            "piic_nstk_estk_cnt",
            "piic_bfic_tisstk_ostk",
            "piic_bfic_tisstk_estk",
            "fric_nstk_ostk_cnt",
            "fric_nstk_estk_cnt",
            "fric_bfic_tisstk_ostk",
            "fric_bfic_tisstk_estk",
            "fric_od_a_at_t",
            "fric_od_a_at_b",
        ),
        ratios=("fric_nstk_ascnt_ps_ostk", "fric_nstk_ascnt_ps_estk"),
        dates=(
            "fric_nstk_asstd",
            "fric_nstk_dividrk",
            "fric_nstk_dlprd",
            "fric_nstk_lstprd",
            "fric_bddd",
            "ssl_bgd",
            "ssl_edd",
        ),
    ),  # fmt: skip
    "crDecsn": Fields(
        amounts=("fv_ps", "bfcr_cpt", "atcr_cpt"),
        counts=(
            "crstk_ostk_cnt",
            "crstk_estk_cnt",
            "bfcr_tisstk_ostk",
            "atcr_tisstk_ostk",
            "bfcr_tisstk_estk",
            "atcr_tisstk_estk",
            *_BOARD,
        ),
        ratios=("cr_rt_ostk", "cr_rt_estk"),
        dates=(
            "cr_std",
            "crsc_gmtsck_prd",
            "crsc_osprpd_bgd",
            "crsc_osprpd_edd",
            "crsc_trspprpd_bgd",
            "crsc_trspprpd_edd",
            "crsc_nstkdlprd",
            "crsc_nstklstprd",
            "cdobprpd_bgd",
            "cdobprpd_edd",
            "bddd",
        ),
    ),  # fmt: skip
    "bnkMngtPcbg": Fields(dates=("mngt_pcbg_dd", "cfd")),
    "lwstLg": Fields(dates=("lgd", "cfd")),
    "ovLstDecsn": Fields(
        amounts=("fdpp",),
        counts=(
            *_BOARD,
            "lstprstk_ostk_cnt",
            "lstprstk_estk_cnt",
            "tisstk_ostk",
            "tisstk_estk",
            "lststk_orlst",
            "lststk_drlst",
        ),
        dates=("bddd", "lstprd"),
    ),
    "ovDlstDecsn": Fields(
        counts=(*_BOARD, "dlststk_ostk_cnt", "dlststk_estk_cnt"), dates=("bddd", "dlstrq_prd", "dlst_prd")
    ),
    "ovLst": Fields(counts=("lststk_ostk_cnt", "lststk_estk_cnt"), dates=("lstd", "cfd")),
    "ovDlst": Fields(counts=("dlststk_ostk_cnt", "dlststk_estk_cnt"), dates=("tredd", "cfd")),
    "cvbdIsDecsn": Fields(
        amounts=("bd_fta", "atcsc_rmislmt", "ovis_fta", *_FUNDS, "cv_prc", "act_mktprcfl_cvprc_lwtrsprc"),
        counts=("bd_tm", "cvisstk_cnt", *_BOARD),
        ratios=("bd_intr_ex", "bd_intr_sf", "cv_rt", "cvisstk_tisstk_vs"),
        dates=("bd_mtd", "cvrqpd_bgd", "cvrqpd_edd", "sbd", "pymd", "bddd"),
    ),
    "bdwtIsDecsn": Fields(
        amounts=("bd_fta", "atcsc_rmislmt", "ovis_fta", *_FUNDS, "ex_prc", "act_mktprcfl_cvprc_lwtrsprc"),
        counts=("bd_tm", "nstk_isstk_cnt", *_BOARD),
        ratios=("bd_intr_ex", "bd_intr_sf", "ex_rt", "nstk_isstk_tisstk_vs"),
        dates=("bd_mtd", "expd_bgd", "expd_edd", "sbd", "pymd", "bddd"),
    ),
    "exbdIsDecsn": Fields(
        amounts=("bd_fta", "ovis_fta", *_FUNDS, "ex_prc"),
        counts=("bd_tm", "extg_stkcnt", *_BOARD),
        ratios=("bd_intr_ex", "bd_intr_sf", "ex_rt", "extg_tisstk_vs"),
        dates=("bd_mtd", "exrqpd_bgd", "exrqpd_edd", "sbd", "pymd", "bddd"),
    ),
    "bnkMngtPcsp": Fields(dates=("mngt_pcsp_dd", "cfd")),
    "wdCocobdIsDecsn": Fields(
        amounts=("bd_fta", "ovis_fta", *_FUNDS),
        counts=("bd_tm", *_BOARD),
        ratios=("bd_intr_sf", "bd_intr_ex"),
        dates=("bd_mtd", "sbd", "pymd", "bddd"),
    ),
    "tsstkAqDecsn": Fields(
        amounts=("aqpln_prc_ostk", "aqpln_prc_estk"),
        counts=(*_BOARD, "aqpln_stk_ostk", "aqpln_stk_estk", *_TREASURY_COUNTS, "d1_prodlm_ostk", "d1_prodlm_estk"),
        ratios=_TREASURY_RATIOS,
        dates=("aqexpd_bgd", "aqexpd_edd", "hdexpd_bgd", "hdexpd_edd", "aq_dd"),
    ),
    "tsstkDpDecsn": Fields(
        amounts=("dpstk_prc_ostk", "dpstk_prc_estk", "dppln_prc_ostk", "dppln_prc_estk"),
        counts=(
            "dppln_stk_ostk",
            "dppln_stk_estk",
            "dp_m_mkt",
            "dp_m_ovtm",
            "dp_m_otc",
            "dp_m_etc",
            *_TREASURY_COUNTS,
            *_BOARD,
            "d1_slodlm_ostk",
            "d1_slodlm_estk",
        ),
        ratios=_TREASURY_RATIOS,
        dates=("dpprpd_bgd", "dpprpd_edd", "dp_dd"),
    ),  # fmt: skip
    "tsstkAqTrctrCnsDecsn": Fields(
        amounts=("ctr_prc",),
        counts=(*_TREASURY_COUNTS, *_BOARD),
        ratios=_TREASURY_RATIOS,
        dates=("ctr_pd_bgd", "ctr_pd_edd", "ctr_cns_prd", "bddd"),
    ),  # fmt: skip
    "tsstkAqTrctrCcDecsn": Fields(
        amounts=("ctr_prc_bfcc", "ctr_prc_atcc"),
        counts=(*_TREASURY_COUNTS, *_BOARD),
        ratios=_TREASURY_RATIOS,
        dates=("ctr_pd_bfcc_bgd", "ctr_pd_bfcc_edd", "cc_prd", "bddd"),
    ),  # fmt: skip
    "bsnInhDecsn": Fields(
        amounts=(
            "inh_prc",
            "ast_inh_bsn",
            "ast_cmp_all",
            "sl_inh_bsn",
            "sl_cmp_all",
            "dbt_inh_bsn",
            "dbt_cmp_all",
            "dlptn_cpt",
            "aprskh_plnprc",
        ),
        counts=_BOARD,
        ratios=("ast_rt", "sl_rt", "dbt_rt"),
        dates=("inh_prd_ctr_cnsd", "inh_prd_inh_std", "gmtsck_prd", "bddd"),
    ),  # fmt: skip
    "bsnTrfDecsn": Fields(
        amounts=("trf_prc", "ast_trf_bsn", "ast_cmp_all", "sl_trf_bsn", "sl_cmp_all", "dlptn_cpt", "aprskh_plnprc"),
        counts=_BOARD,
        ratios=("ast_rt", "sl_rt"),
        dates=("trf_prd_ctr_cnsd", "trf_prd_trf_std", "gmtsck_prd", "bddd"),
    ),
    "tgastInhDecsn": Fields(
        amounts=("inhdtl_inhprc", "inhdtl_tast", "dlptn_cpt", "aprskh_plnprc"),
        counts=_BOARD,
        ratios=("inhdtl_tast_vs",),
        dates=("inh_prd_ctr_cnsd", "inh_prd_inh_std", "inh_prd_rgs_prd", "gmtsck_prd", "bddd"),
    ),
    "tgastTrfDecsn": Fields(
        amounts=("trfdtl_trfprc", "trfdtl_tast", "dlptn_cpt", "aprskh_plnprc"),
        counts=_BOARD,
        ratios=("trfdtl_tast_vs",),
        dates=("trf_prd_ctr_cnsd", "trf_prd_trf_std", "trf_prd_rgs_prd", "gmtsck_prd", "bddd"),
    ),
    "otcprStkInvscrInhDecsn": Fields(
        amounts=("iscmp_cpt", "inhdtl_inhprc", "inhdtl_tast", "inhdtl_ecpt", "dlptn_cpt"),
        counts=("iscmp_tisstk", "inhdtl_stkcnt", "atinh_owstkcnt", *_BOARD),
        ratios=("inhdtl_tast_vs", "inhdtl_ecpt_vs", "atinh_eqrt"),
        dates=("inh_prd", "bddd"),
    ),
    "otcprStkInvscrTrfDecsn": Fields(
        amounts=("iscmp_cpt", "trfdtl_trfprc", "trfdtl_tast", "trfdtl_ecpt", "dlptn_cpt"),
        counts=("iscmp_tisstk", "trfdtl_stkcnt", "attrf_owstkcnt", *_BOARD),
        ratios=("trfdtl_tast_vs", "trfdtl_ecpt_vs", "attrf_eqrt"),
        dates=("trf_prd", "bddd"),
    ),
    "stkrtbdInhDecsn": Fields(
        amounts=("bdiscmp_cpt", "inhdtl_bd_fta", "inhdtl_inhprc", "inhdtl_tast", "inhdtl_ecpt", "dlptn_cpt"),
        counts=("tm", "bdiscmp_tisstk", *_BOARD),
        ratios=("inhdtl_tast_vs", "inhdtl_ecpt_vs"),
        dates=("inh_prd", "bddd"),
    ),
    "stkrtbdTrfDecsn": Fields(
        amounts=("bdiscmp_cpt", "trfdtl_bd_fta", "trfdtl_trfprc", "trfdtl_tast", "trfdtl_ecpt", "dlptn_cpt"),
        counts=("tm", "bdiscmp_tisstk", *_BOARD),
        ratios=("trfdtl_tast_vs", "trfdtl_ecpt_vs"),
        dates=("aqd", "trf_prd", "bddd"),
    ),
    "cmpMgDecsn": Fields(
        amounts=(
            *_PARTNER,
            "rbsnfdtl_sl",
            "rbsnfdtl_nic",
            "ffdtl_tast",
            "ffdtl_tdbt",
            "ffdtl_teqt",
            "ffdtl_cpt",
            "nmgcmp_nbsn_rsl",
            "aprskh_plnprc",
        ),
        counts=("mgnstk_ostk_cnt", "mgnstk_cstk_cnt", *_BOARD),
        dates=(
            "ffdtl_std",
            "mgsc_mgctrd",
            "mgsc_shddstd",
            "mgsc_shclspd_bgd",
            "mgsc_shclspd_edd",
            "mgsc_mgop_rcpd_bgd",
            "mgsc_mgop_rcpd_edd",
            "mgsc_gmtsck_prd",
            "mgsc_aprskh_expd_bgd",
            "mgsc_aprskh_expd_edd",
            "mgsc_osprpd_bgd",
            "mgsc_osprpd_edd",
            "mgsc_trspprpd_bgd",
            "mgsc_trspprpd_edd",
            "mgsc_cdobprpd_bgd",
            "mgsc_cdobprpd_edd",
            "mgsc_mgdt",
            "mgsc_ergmd",
            "mgsc_mgrgsprd",
            "mgsc_nstkdlprd",
            "mgsc_nstklstprd",
            "bddd",
        ),
    ),  # fmt: skip
    "cmpDvDecsn": Fields(
        amounts=_SPLIT_AMOUNTS,
        counts=_BOARD,
        ratios=("abcr_crrt",),
        dates=(*_SPLIT_DATES, "gmtsck_prd", "cdobprpd_bgd", "cdobprpd_edd", "dvdt", "dvrgsprd", "bddd"),
    ),
    "cmpDvmgDecsn": Fields(
        amounts=(*_SPLIT_AMOUNTS, *_PARTNER, "rbsnfdtl_sl", "rbsnfdtl_nic", "nmgcmp_cpt", "aprskh_plnprc"),
        counts=("dvmgnstk_ostk_cnt", "dvmgnstk_cstk_cnt", *_BOARD),
        ratios=("abcr_crrt",),
        dates=(
            *_SPLIT_DATES,
            "dvmgsc_dvmgctrd",
            "dvmgsc_shddstd",
            "dvmgsc_shclspd_bgd",
            "dvmgsc_shclspd_edd",
            "dvmgsc_dvmgop_rcpd_bgd",
            "dvmgsc_dvmgop_rcpd_edd",
            "dvmgsc_gmtsck_prd",
            "dvmgsc_aprskh_expd_bgd",
            "dvmgsc_aprskh_expd_edd",
            "dvmgsc_cdobprpd_bgd",
            "dvmgsc_cdobprpd_edd",
            "dvmgsc_dvmgdt",
            "dvmgsc_ergmd",
            "dvmgsc_dvmgrgsprd",
            "bddd",
        ),
    ),  # fmt: skip
    "stkExtrDecsn": Fields(
        amounts=(*_PARTNER, "aprskh_plnprc"),
        counts=("extr_tgcmp_tisstk_ostk", "extr_tgcmp_tisstk_cstk", *_BOARD),
        dates=(
            "extrsc_extrctrd",
            "extrsc_shddstd",
            "extrsc_shclspd_bgd",
            "extrsc_shclspd_edd",
            "extrsc_extrop_rcpd_bgd",
            "extrsc_extrop_rcpd_edd",
            "extrsc_gmtsck_prd",
            "extrsc_aprskh_expd_bgd",
            "extrsc_aprskh_expd_edd",
            "extrsc_osprpd_bgd",
            "extrsc_osprpd_edd",
            "extrsc_trspprpd_bgd",
            "extrsc_trspprpd_edd",
            "extrsc_extrdt",
            "extrsc_nstkdlprd",
            "extrsc_nstklstprd",
            "bddd",
        ),
    ),  # fmt: skip
}

assert set(FIELDS) == ENDPOINT_NAMES, sorted(ENDPOINT_NAMES ^ set(FIELDS))
