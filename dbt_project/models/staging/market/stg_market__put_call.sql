-- Monthly KOSPI200 options only (prod_nm exactly '코스피200 옵션': not the mini, weekly or
-- KOSDAQ150 products): contracts traded per right, and their ratio, one row per session.
with volumes as (

    select
        date,
        sum(acc_trdvol) filter (where rght_tp_nm = 'PUT') as put_volume,
        sum(acc_trdvol) filter (where rght_tp_nm = 'CALL') as call_volume
    from {{ source('market_raw', 'option_trades') }}
    where prod_nm = '코스피200 옵션'
    group by date

)

select
    date,
    put_volume,
    call_volume,
    put_volume / nullif(call_volume, 0) as put_call_ratio
from volumes
