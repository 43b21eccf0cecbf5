{#-
    The DS005 facts of each filing that has them, one row per filing: the rights-issue endpoint
    first when a filing has several (유무상증자 answers pifricDecsn), then by endpoint name.
    share_ratio is a rights or bonus issue's new shares against the shares outstanding before
    it; a buyback's or disposal's size is its amount against total assets, applied in
    disclosure_impact_scores where the financials are joined.
-#}
with items as (

    select * from {{ ref('stg_dart__major_events') }}
    {{ partition_window_filter('rcept_dt') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by rcept_no
            order by (endpoint in ('piicDecsn', 'pifricDecsn')) desc, endpoint
        ) as rank_in_filing
    from items

)

select
    r.rcept_no,
    r.endpoint,
    r.method,
    r.split_method,
    r.amount_krw,
    r.has_refixing_floor,
    case when r.shares_before > 0 then r.new_shares / r.shares_before end as share_ratio
from ranked as r
where r.rank_in_filing = 1
