{#- Every company known from the master or from its filings (so that no score is an orphan),
    with its latest size from the financials. -#}
with masters as (

    select * from {{ ref('stg_dart__corp_codes') }}

),

filings as (

    select
        corp_code,
        min(rcept_dt) as first_disclosure_dt,
        max(rcept_dt) as last_disclosure_dt,
        count(*) as n_disclosures,
        (array_agg(corp_name order by rcept_dt desc, rcept_no desc))[1] as corp_name,
        (array_agg(stock_code order by rcept_dt desc, rcept_no desc))[1] as stock_code,
        (array_agg(corp_cls order by rcept_dt desc, rcept_no desc))[1] as corp_cls
    from {{ ref('stg_dart__disclosures') }}
    group by corp_code

),

latest_financials as (

    select distinct on (corp_code)
        corp_code, total_assets_krw, revenue_krw, bsns_year, reprt_code
    from {{ ref('int_companies__financial_profile') }}
    where total_assets_krw is not null
    order by corp_code, filed_dt desc, rcept_no desc

),

companies as (

    select corp_code from masters
    union
    select corp_code from filings

)

select
    c.corp_code::text as corp_code,
    coalesce(m.corp_name, f.corp_name)::text as corp_name,
    m.corp_eng_name::text as corp_eng_name,
    coalesce(m.stock_code, f.stock_code)::text as stock_code,
    f.corp_cls::text as corp_cls,
    (coalesce(m.stock_code, f.stock_code) is not null)::boolean as is_listed,
    (m.corp_code is not null)::boolean as in_company_master,
    fin.total_assets_krw::numeric as total_assets_krw,
    fin.revenue_krw::numeric as revenue_krw,
    fin.bsns_year::integer as financials_bsns_year,
    {{ size_bucket('fin.total_assets_krw') }}::text as size_bucket,
    {{ size_factor('fin.total_assets_krw') }} as size_factor,
    f.first_disclosure_dt::date as first_disclosure_dt,
    f.last_disclosure_dt::date as last_disclosure_dt,
    coalesce(f.n_disclosures, 0)::integer as n_disclosures
from companies as c
left join masters as m on m.corp_code = c.corp_code
left join filings as f on f.corp_code = c.corp_code
left join latest_financials as fin on fin.corp_code = c.corp_code
