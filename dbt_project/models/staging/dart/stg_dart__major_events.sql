{#-
    The key facts of each DS005 item, typed: DART's strings parsed exactly (dart_number:
    "1,234" -> 1234, "-" -> NULL). One row per filing and endpoint; the raw item stays in
    dart_raw.major_events.details. The scores read the method, the shares, the amount and the
    refixing floor (int_disclosures__terms); dilution, treasury shares and the reduction are
    parsed for analysis beside them.
    - method: how a rights issue is allotted (ic_mthn), normalised to the conditions of
      int_disclosures__classified;
    - split_method: 인적분할 (spin_off) or 물적분할 (split_off), cmpDvDecsn's dv_mth: the
      title of a 회사분할결정 rarely says which, and the evidence signs them oppositely;
    - new_shares / shares_before: a rights or bonus issue against the shares outstanding before it;
    - dilution_pct: the shares a CB/BW/EB converts into, as DART states them against the total;
    - has_refixing_floor: a CB/BW whose conversion price can be refixed down to a floor
      (act_mktprcfl_cvprc_lwtrsprc given);
    - buyback / disposal: shares and KRW of a treasury stock decision or trust contract;
    - reduction: the ratio and reason of a capital reduction.
-#}
{%- set rights = "coalesce(details->>'ic_mthn', details->>'piic_ic_mthn')" -%}
with items as (

    select * from {{ source('dart_raw', 'major_events') }}

)

select
    rcept_no,
    endpoint,
    corp_code,
    rcept_dt,
    {{ rights }} as method_raw,
    case
        when {{ rights }} ~ '제3자배정' then 'third_party_allotment'
        when {{ rights }} ~ '주주배정' then 'shareholder_allotment'
        when {{ rights }} ~ '(일반공모|주주우선공모)' then 'public_offering'
    end as method,
    case
        when endpoint = 'cmpDvDecsn' and details->>'dv_mth' ~ '인적분할' then 'spin_off'
        when endpoint = 'cmpDvDecsn' and details->>'dv_mth' ~ '물적분할' then 'split_off'
    end as split_method,
    case endpoint
        when 'piicDecsn' then {{ dart_sum(["details->>'nstk_ostk_cnt'", "details->>'nstk_estk_cnt'"]) }}
        when 'fricDecsn' then {{ dart_sum(["details->>'nstk_ostk_cnt'", "details->>'nstk_estk_cnt'"]) }}
        when 'pifricDecsn' then {{ dart_sum(["details->>'piic_nstk_ostk_cnt'", "details->>'piic_nstk_estk_cnt'"]) }}
    end as new_shares,
    case endpoint
        when 'piicDecsn' then {{ dart_sum(["details->>'bfic_tisstk_ostk'", "details->>'bfic_tisstk_estk'"]) }}
        when 'fricDecsn' then {{ dart_sum(["details->>'bfic_tisstk_ostk'", "details->>'bfic_tisstk_estk'"]) }}
        when 'pifricDecsn' then {{ dart_sum(["details->>'piic_bfic_tisstk_ostk'", "details->>'piic_bfic_tisstk_estk'"]) }}
    end as shares_before,
    case
        when endpoint = 'piicDecsn' then {{ dart_sum(["details->>'fdpp_fclt'", "details->>'fdpp_bsninh'", "details->>'fdpp_op'", "details->>'fdpp_dtrp'", "details->>'fdpp_ocsa'", "details->>'fdpp_etc'"]) }}
        when endpoint = 'pifricDecsn' then {{ dart_sum(["details->>'piic_fdpp_fclt'", "details->>'piic_fdpp_bsninh'", "details->>'piic_fdpp_op'", "details->>'piic_fdpp_dtrp'", "details->>'piic_fdpp_ocsa'", "details->>'piic_fdpp_etc'"]) }}
        when endpoint in ('cvbdIsDecsn', 'bdwtIsDecsn', 'exbdIsDecsn') then {{ dart_number("details->>'bd_fta'") }}
        when endpoint = 'tsstkAqDecsn' then {{ dart_sum(["details->>'aqpln_prc_ostk'", "details->>'aqpln_prc_estk'"]) }}
        when endpoint = 'tsstkDpDecsn' then {{ dart_sum(["details->>'dppln_prc_ostk'", "details->>'dppln_prc_estk'"]) }}
        when endpoint = 'tsstkAqTrctrCnsDecsn' then {{ dart_number("details->>'ctr_prc'") }}
    end as amount_krw,
    case endpoint
        when 'cvbdIsDecsn' then {{ dart_number("details->>'cvisstk_tisstk_vs'") }}
        when 'bdwtIsDecsn' then {{ dart_number("details->>'nstk_isstk_tisstk_vs'") }}
        when 'exbdIsDecsn' then {{ dart_number("details->>'extg_tisstk_vs'") }}
    end as dilution_pct,
    case
        when endpoint in ('cvbdIsDecsn', 'bdwtIsDecsn')
            then {{ dart_number("details->>'act_mktprcfl_cvprc_lwtrsprc'") }} is not null
    end as has_refixing_floor,
    case endpoint
        when 'tsstkAqDecsn' then {{ dart_sum(["details->>'aqpln_stk_ostk'", "details->>'aqpln_stk_estk'"]) }}
        when 'tsstkDpDecsn' then {{ dart_sum(["details->>'dppln_stk_ostk'", "details->>'dppln_stk_estk'"]) }}
    end as treasury_shares,
    case when endpoint = 'crDecsn' then {{ dart_number("details->>'cr_rt_ostk'") }} end as reduction_ratio,
    case when endpoint = 'crDecsn' then details->>'cr_rs' end as reduction_reason,
    loaded_at
from items
