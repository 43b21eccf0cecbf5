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
    Modifiers, in order: earnings direction from the latest report filed before (conditional
    earnings types); a correction of a supply contract is the negative case of the evidence,
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

with_financials as (

    select
        c.*,
        f.total_assets_krw,
        f.operating_income_direction
    from classified as c
    left join profiles as f
        on f.corp_code = c.corp_code
        and c.rcept_dt >= f.filed_dt
        and (f.next_filed_dt is null or c.rcept_dt < f.next_filed_dt)

),

conditioned as (

    select
        *,
        case
            when event_type in ('earnings_prelim', 'earnings_change') and operating_income_direction > 0
                then 'earnings_up'
            when event_type in ('earnings_prelim', 'earnings_change') and operating_income_direction < 0
                then 'earnings_down'
            when event_type = 'supply_contract' and is_amendment then 'contract_correction'
            else condition
        end as event_condition,
        case
            -- tier +-1 prior for the sign of the earnings change (evidence doc §1, SUE studies)
            when event_type in ('earnings_prelim', 'earnings_change') and operating_income_direction > 0 then 1.5
            when event_type in ('earnings_prelim', 'earnings_change') and operating_income_direction < 0 then -1.5
            -- a correction that cuts the contract amount: tier -1 (evidence doc §2)
            when event_type = 'supply_contract' and is_amendment then -1.5
            else conditioned_ar_pct
        end as event_ar_pct,
        {{ size_factor('total_assets_krw') }} as company_size_factor
    from with_financials

),

modified as (

    select
        *,
        case
            when is_withdrawn or is_routine then 0
            else event_ar_pct
                * case when is_amendment and event_condition is distinct from 'contract_correction'
                    then {{ var('amendment_weight') }} else 1 end
                * case when is_subsidiary then {{ var('subsidiary_weight') }} else 1 end
                -- exchange actions (관리종목, 불성실공시, halts) hit large caps as hard: no size discount
                * case when is_exchange_action then 1 else company_size_factor end
        end as final_ar_pct,
        concat_ws(',',
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
    (case when is_routine or is_withdrawn or event_type = 'other' then 0 else 1 end)::numeric as sentiment_weight
from modified
