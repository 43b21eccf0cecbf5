{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='rcept_no',
    on_schema_change='append_new_columns',
    tags=['daily'],
) }}
{#-
    Event type of each filing: the first taxonomy pattern (lowest priority) matching
    "<event title>|<remark>", then the conditions the DS005 details, title and remark can
    decide (evidence doc §2): rights offerings by allotment method (piicDecsn's ic_mthn first,
    then the remark), 인적/물적 split (cmpDvDecsn's dv_mth first, then the title), dividend
    raised or cut, half-year review bundles graded by the remark; each condition's return is
    in seeds/event_conditions.csv. Earnings and company size need the financials and are
    applied in disclosure_impact_scores. A title no pattern matches takes the type of its DART
    category (seeds/dart_categories.csv, neutral); "other" only when DART gave no category.
    Incremental on the daily partition window like the marts it feeds.
-#}
with disclosures as materialized (

    -- materialized: normalised once, then tried against each pattern
    select * from {{ ref('stg_dart__disclosures') }}
    {{ partition_window_filter('rcept_dt') }}

),

taxonomy as (

    select * from {{ ref('event_taxonomy') }}

),

categories as (

    select * from {{ ref('dart_categories') }}

),

matches as (

    -- Taxonomy rows drive the join, so each pattern is compiled once and tried on every title:
    -- PostgreSQL caches only 32 compiled regular expressions, and title-by-title matching
    -- recompiles all ~90 patterns for every filing.
    select distinct on (m.rcept_no)
        m.rcept_no,
        t.priority,
        t.event_type,
        t.polarity,
        t.tier,
        t.expected_ar_pct,
        t.half_life_days,
        t.is_routine
    from taxonomy as t
    cross join lateral (
        select d.rcept_no from disclosures as d where d.classify_text ~ t.pattern
        offset 0
    ) as m
    order by m.rcept_no, t.priority

),

matched as (

    select
        d.*,
        m.priority as taxonomy_priority,
        case
            when m.event_type is not null then 'taxonomy'
            when c.event_type is not null then 'dart_category'
            else 'none'
        end as type_source,
        coalesce(m.event_type, c.event_type, 'other') as event_type,
        coalesce(m.polarity, c.polarity, 'neutral') as base_polarity,
        coalesce(m.tier, c.tier, 0) as base_tier,
        coalesce(m.expected_ar_pct, c.expected_ar_pct, 0) as base_expected_ar_pct,
        coalesce(m.half_life_days, c.half_life_days, 1) as half_life_days,
        coalesce(m.is_routine, c.is_routine, false) as is_routine
    from disclosures as d
    left join matches as m on m.rcept_no = d.rcept_no
    left join categories as c on c.pblntf_ty = d.pblntf_ty

),

terms as (

    select * from {{ ref('int_disclosures__terms') }}

),

conditions as (

    select * from {{ ref('event_conditions') }}

),

conditioned as (

    select
        m.*,
        t.endpoint as terms_endpoint,
        t.method as terms_method,
        t.share_ratio,
        t.amount_krw as terms_amount_krw,
        t.has_refixing_floor,
        case
            when m.event_type in ('rights_offering', 'rights_and_bonus_issue') then
                -- DART's own statement of the allotment method first, then the remark
                coalesce(
                    t.method,
                    case
                        when m.classify_text ~ '제3자배정' then 'third_party_allotment'
                        when m.classify_text ~ '일반공모' then 'public_offering'
                        when m.classify_text ~ '주주배정' then 'shareholder_allotment'
                    end
                )
            when m.event_type = 'company_split' then
                -- DART's statement of the split method (cmpDvDecsn) first, then the title and remark
                coalesce(
                    t.split_method,
                    case
                        when m.classify_text ~ '인적분할' then 'spin_off'
                        when m.classify_text ~ '물적분할' then 'split_off'
                    end
                )
            when m.event_type = 'dividend' then
                case
                    when m.remark ~ '(감액|감소|삭감|축소|무배당|미지급)' then 'dividend_cut'
                    when m.remark ~ '(증액|증가|상향|확대)' then 'dividend_raise'
                end
            when m.event_type = 'half_year_review_adverse' then
                case
                    when m.remark ~ '(의견거절|부적정)' then 'review_disclaimer'
                    else 'capital_impairment'
                end
        end as condition
    from matched as m
    left join terms as t on t.rcept_no = m.rcept_no

)

select
    c.*,
    -- each condition's percent abnormal return, with its evidence, in seeds/event_conditions.csv
    coalesce(e.expected_ar_pct, c.base_expected_ar_pct) as conditioned_ar_pct
from conditioned as c
left join conditions as e on e.condition = c.condition
