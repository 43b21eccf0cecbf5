-- Corporate bond spreads from ECOS 817Y002 (percent), one row per day with both corporate
-- yields: 010200000 KTB 3y, 010300000 corporate AA- 3y, 010320000 corporate BBB- 3y.
with yields as (

    select
        date,
        max(value) filter (where item_code = '010200000') as ktb3y_pct,
        max(value) filter (where item_code = '010300000') as aa_minus_pct,
        max(value) filter (where item_code = '010320000') as bbb_minus_pct
    from {{ source('market_raw', 'bond_yields') }}
    where stat_code = '817Y002'
      and item_code in ('010200000', '010300000', '010320000')
    group by date

)

select
    date,
    ktb3y_pct,
    aa_minus_pct,
    bbb_minus_pct,
    aa_minus_pct - ktb3y_pct as aa_minus_spread,
    bbb_minus_pct - aa_minus_pct as junk_spread
from yields
where aa_minus_pct is not null
  and bbb_minus_pct is not null
