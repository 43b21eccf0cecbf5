{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='rcept_no',
    indexes=[{'columns': ['rcept_dt', 'rcept_no']}],
    on_schema_change='append_new_columns',
    tags=['daily'],
) }}
{#-
    One row per filing: its event type and the expected short-window abnormal return after the
    modifiers, mapped onto 0-100 by the impact_score macro (50 = no expected move).
    Modifiers, in order: the DS005 terms (issue or buyback size, a CB's refixing clause; factors
    and evidence in seeds/term_rules.csv); the direction of a 30% earnings change from the latest
    report filed before; a provisional earnings announcement (영업(잠정)실적) stays neutral: DART
    gives no structured figure for it, and an older report says nothing about the new quarter; a correction of a supply contract is the negative case of the evidence,
    other corrections keep half the effect; subsidiary matters x0.3; company size; withdrawn
    filings (rm 철) and routine filings expect no move.
-#}
with classified as (

    select * from {{ ref('int_disclosures__classified') }}
    {{ partition_window_filter('rcept_dt') }}

),

profiles as (

    select * from {{ ref('int_companies__financial_profile') }}

),

term_rules as (

    select * from {{ ref('term_rules') }}

),

with_financials as (

    select
        c.*,
        f.total_assets_krw,
        f.operating_income_direction,
        -- the size a term rule scales by: new shares against shares outstanding (rights and
        -- bonus issues), else the decision's amount against total assets (buybacks, disposals)
        coalesce(
            c.share_ratio,
            case when c.event_type in ('buyback', 'treasury_stock_sale') and f.total_assets_krw > 0
                then c.terms_amount_krw / f.total_assets_krw end
        ) as size_ratio
    from classified as c
    left join profiles as f
        on f.corp_code = c.corp_code
        and c.rcept_dt >= f.filed_dt
        and (f.next_filed_dt is null or c.rcept_dt < f.next_filed_dt)

),

conditioned as (

    select
        w.*,
        case
            when w.event_type = 'earnings_change' and w.operating_income_direction > 0 then 'earnings_up'
            when w.event_type = 'earnings_change' and w.operating_income_direction < 0 then 'earnings_down'
            when w.event_type = 'supply_contract' and w.is_amendment then 'contract_correction'
            else w.condition
        end as event_condition,
        case
            -- tier +-1 prior for the sign of the earnings change (evidence doc §1, SUE studies)
            when w.event_type = 'earnings_change' and w.operating_income_direction > 0 then 1.5
            when w.event_type = 'earnings_change' and w.operating_income_direction < 0 then -1.5
            -- a correction that cuts the contract amount: tier -1 (evidence doc §2)
            when w.event_type = 'supply_contract' and w.is_amendment then -1.5
            else w.conditioned_ar_pct
        end as event_ar_pct,
        {{ size_factor('total_assets_krw') }} as company_size_factor,
        -- the DS005 terms (seeds/term_rules.csv): the size of the issue or buyback, a CB's refixing clause
        case
            when r.reference_ratio is not null and w.size_ratio is not null
                then least(r.max_factor, greatest(r.min_factor, w.size_ratio / r.reference_ratio))
            when r.rule = 'refixing_clause' and w.has_refixing_floor then r.min_factor
            else 1
        end as terms_factor,
        case
            when r.reference_ratio is not null and w.size_ratio is not null then r.rule
            when r.rule = 'refixing_clause' and w.has_refixing_floor then r.rule
        end as terms_rule
    from with_financials as w
    left join term_rules as r on r.event_type = w.event_type

),

modified as (

    select
        *,
        case
            when is_withdrawn or is_routine then 0
            else event_ar_pct * terms_factor
                * case when is_amendment and event_condition is distinct from 'contract_correction'
                    then {{ var('amendment_weight') }} else 1 end
                * case when is_subsidiary then {{ var('subsidiary_weight') }} else 1 end
                -- exchange actions (관리종목, 불성실공시, halts) hit large caps as hard: no size discount
                * case when is_exchange_action then 1 else company_size_factor end
        end as final_ar_pct,
        concat_ws(',',
            terms_rule,
            case when is_amendment then 'amendment' end,
            case when is_withdrawn then 'withdrawn' end,
            case when is_subsidiary then 'subsidiary' end,
            case when is_exchange_action then 'exchange_action' end,
            case when company_size_factor < 1 and not is_exchange_action then 'size' end,
            case when is_routine then 'routine' end
        ) as modifier_list
    from conditioned

)

select
    rcept_no::text as rcept_no,
    rcept_dt::date as rcept_dt,
    corp_code::text as corp_code,
    corp_name::text as corp_name,
    stock_code::text as stock_code,
    corp_cls::text as corp_cls,
    report_nm_raw::text as report_nm,
    event_title::text as event_title,
    remark::text as remark,
    event_type::text as event_type,
    event_condition::text as event_condition,
    (case when final_ar_pct > 0 then 'positive' when final_ar_pct < 0 then 'negative' else 'neutral' end)::text as polarity,
    taxonomy_priority::integer as taxonomy_priority,
    round(base_expected_ar_pct, 4)::numeric as base_expected_ar_pct,
    round(final_ar_pct, 4)::numeric as expected_ar_pct,
    {{ impact_score('final_ar_pct') }}::numeric as impact_score,
    half_life_days::numeric as half_life_days,
    is_routine::boolean as is_routine,
    is_amendment::boolean as is_amendment,
    is_withdrawn::boolean as is_withdrawn,
    is_subsidiary::boolean as is_subsidiary,
    is_exchange_action::boolean as is_exchange_action,
    (case when is_exchange_action then 1 else company_size_factor end)::numeric as size_factor,
    nullif(modifier_list, '')::text as modifiers,
    terms_endpoint::text as terms_endpoint,
    terms_method::text as allotment_method,
    round(size_ratio, 6)::numeric as relative_size,
    has_refixing_floor::boolean as has_refixing_clause,
    round(terms_factor, 4)::numeric as terms_factor,
    (case when is_routine or is_withdrawn or event_type = 'other' then 0 else 1 end)::numeric as sentiment_weight
from modified
