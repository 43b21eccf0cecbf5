{{ config(materialized='view', tags=['daily']) }}
{#-
    Per company and periodic report: size (total assets) and the direction of operating income
    against the previous term, consolidated (CFS) preferred over separate (OFS). A report is
    what is known from its filing date until the next report's (next_filed_dt), so a disclosure
    joins the latest report filed on or before its own date and no future data leaks in.
-#}
with accounts as (

    select * from {{ ref('stg_dart__financial_accounts') }}
    where account_key in ('total_assets', 'operating_income', 'revenue')

),

ranked as (

    select
        *,
        row_number() over (
            partition by rcept_no, account_key
            order by case fs_div when 'CFS' then 0 else 1 end
        ) as pick
    from accounts

),

profiles as (

    select
        corp_code,
        rcept_no,
        filed_dt,
        bsns_year,
        reprt_code,
        max(thstrm_amount) filter (where account_key = 'total_assets') as total_assets_krw,
        max(thstrm_amount) filter (where account_key = 'revenue') as revenue_krw,
        max(thstrm_amount) filter (where account_key = 'operating_income') as operating_income_krw,
        max(frmtrm_amount) filter (where account_key = 'operating_income') as prior_operating_income_krw,
        sign(
            max(thstrm_amount) filter (where account_key = 'operating_income')
            - max(frmtrm_amount) filter (where account_key = 'operating_income')
        ) as operating_income_direction
    from ranked
    where pick = 1
    group by corp_code, rcept_no, filed_dt, bsns_year, reprt_code

)

select
    *,
    lead(filed_dt) over (partition by corp_code order by filed_dt, rcept_no) as next_filed_dt
from profiles
