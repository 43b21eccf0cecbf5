{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_id',
    indexes=[{'columns': ['date', 'event_id']}],
    on_schema_change='append_new_columns',
    tags=['daily'],
    pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ in_partition_window('date') }}{% endif %}",
) }}
{#-
    Trend detection per filing date, each against a rolling baseline of the previous
    var mme_baseline_days filing dates:
    - event_cluster: an event type filed unusually often (count >= mme_min_cluster_size and
      z >= mme_z_threshold);
    - company_burst: one company filing unusually many scored disclosures;
    - sentiment_shift: the day's sentiment far from its recent mean (|z| >= mme_z_threshold);
    - severe_event: a single filing whose expected abnormal return is at least
      mme_outlier_abs_ar_pct in size.
    An incremental run rebuilds its window as a whole (pre-hook delete), so events that no
    longer qualify vanish; a first build or full refresh covers every date, like the models it reads.
-#}
{%- set n = var('mme_baseline_days') -%}
{%- set z = var('mme_z_threshold') -%}
{%- set lookback = 2 * n -%}
with scores as (

    select * from {{ ref('disclosure_impact_scores') }}
    {{ partition_window_filter('rcept_dt', lookback_days=lookback) }}

),

filing_dates as (

    select distinct rcept_dt as date from scores

),

scored as (

    select * from scores where sentiment_weight > 0

),

{% for kind, key in [('event_cluster', 'event_type'), ('company_burst', 'corp_code')] %}
{{ kind }}_counts as (

    select
        d.date,
        k.{{ key }},
        count(s.rcept_no) as n,
        avg(s.impact_score) as mean_score,
        sum(s.expected_ar_pct) as sum_ar
    from filing_dates as d
    cross join (select distinct {{ key }} from scored) as k
    left join scored as s on s.rcept_dt = d.date and s.{{ key }} = k.{{ key }}
    group by d.date, k.{{ key }}

),

{{ kind }}_baselines as (

    select
        *,
        avg(n) over w as baseline_mean,
        coalesce(stddev_samp(n) over w, 0) as baseline_sd
    from {{ kind }}_counts
    window w as (partition by {{ key }} order by date rows between {{ n }} preceding and 1 preceding)

),

{{ kind }}s as (

    select
        '{{ kind }}' as kind,
        date,
        {{ 'event_type' if key == 'event_type' else 'null::text as event_type' }},
        {{ 'corp_code' if key == 'corp_code' else 'null::text as corp_code' }},
        null::text as rcept_no,
        n as n_disclosures,
        baseline_mean,
        baseline_sd,
        (n - coalesce(baseline_mean, 0)) / greatest(baseline_sd, 0.5) as z_score,
        mean_score as impact_score,
        sum_ar as expected_ar_pct,
        n || ' scored filings of ' || {{ key }} || ' vs a baseline of '
            || round(coalesce(baseline_mean, 0), 2) || ' per filing date' as description
    from {{ kind }}_baselines
    where n >= {{ var('mme_min_cluster_size') }}
      and (n - coalesce(baseline_mean, 0)) / greatest(baseline_sd, 0.5) >= {{ z }}

),
{% endfor %}

sentiment as (

    select
        date,
        n_scored,
        sentiment_score,
        net_expected_ar_pct,
        avg(sentiment_score) over w as baseline_mean,
        coalesce(stddev_samp(sentiment_score) over w, 0) as baseline_sd,
        count(*) over w as baseline_days
    from {{ ref('daily_disclosure_sentiment') }}
    {{ partition_window_filter('date', lookback_days=lookback) }}
    window w as (order by date rows between {{ n }} preceding and 1 preceding)

),

sentiment_shifts as (

    select
        'sentiment_shift' as kind,
        date,
        null::text as event_type,
        null::text as corp_code,
        null::text as rcept_no,
        n_scored as n_disclosures,
        baseline_mean,
        baseline_sd,
        (sentiment_score - baseline_mean) / greatest(baseline_sd, 0.5) as z_score,
        sentiment_score as impact_score,
        net_expected_ar_pct as expected_ar_pct,
        'sentiment ' || sentiment_score || ' vs a baseline of ' || round(baseline_mean, 2) as description
    from sentiment
    where baseline_days >= 5
      and abs(sentiment_score - baseline_mean) / greatest(baseline_sd, 0.5) >= {{ z }}

),

severe_events as (

    select
        'severe_event' as kind,
        rcept_dt as date,
        event_type,
        corp_code,
        rcept_no,
        1 as n_disclosures,
        null::numeric as baseline_mean,
        null::numeric as baseline_sd,
        null::numeric as z_score,
        impact_score,
        expected_ar_pct,
        corp_name || ': ' || event_title || coalesce(' (' || remark || ')', '') as description
    from scored
    where abs(expected_ar_pct) >= {{ var('mme_outlier_abs_ar_pct') }}

),

unioned as (

    select * from event_clusters
    union all select * from company_bursts
    union all select * from sentiment_shifts
    union all select * from severe_events

)

select
    md5(kind || '|' || date || '|' || coalesce(event_type, '') || '|' || coalesce(corp_code, '') || '|' || coalesce(rcept_no, ''))::text as event_id,
    date::date as date,
    kind::text as kind,
    event_type::text as event_type,
    corp_code::text as corp_code,
    rcept_no::text as rcept_no,
    n_disclosures::integer as n_disclosures,
    round(baseline_mean::numeric, 4)::numeric as baseline_mean,
    round(baseline_sd::numeric, 4)::numeric as baseline_sd,
    round(z_score::numeric, 4)::numeric as z_score,
    round(impact_score::numeric, 2)::numeric as impact_score,
    round(expected_ar_pct::numeric, 4)::numeric as expected_ar_pct,
    description::text as description
from unioned
{{ partition_window_filter('date') }}
