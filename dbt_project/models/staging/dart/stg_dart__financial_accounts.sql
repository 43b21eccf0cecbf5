-- Key accounts with an English account key; the filing date is read from rcept_no (its first
-- 8 digits), so that a disclosure can use only the reports filed before it.
select
    rcept_no,
    corp_code,
    bsns_year,
    reprt_code,
    fs_div,
    sj_div,
    account_nm,
    case
        when account_nm ~ '^(매출액|수익\(매출액\)|영업수익)' then 'revenue'
        when account_nm ~ '^영업이익' then 'operating_income'
        when account_nm ~ '^(당기순이익|분기순이익|반기순이익)' then 'net_income'
        when account_nm = '자산총계' then 'total_assets'
        when account_nm = '부채총계' then 'total_liabilities'
        when account_nm = '자본총계' then 'total_equity'
        else 'other'
    end as account_key,
    thstrm_amount,
    frmtrm_amount,
    to_date(left(rcept_no, 8), 'YYYYMMDD') as filed_dt,
    week_start,
    loaded_at
from {{ source('dart_raw', 'financial_accounts') }}
