-- 10-year KTB yield (percent), one row per day with a quote: ECOS 817Y002 item 010210000,
-- else (no ECOS row that day) the closing yield of KRX's 10-year benchmark (지표) issue that
-- is not inflation-linked (물가...), the 국채전문유통시장 quote first.
with ecos as (

    select date, value as yield_pct
    from {{ source('market_raw', 'bond_yields') }}
    where stat_code = '817Y002'
      and item_code = '010210000'
      and value is not null

),

krx as (

    select distinct on (date)
        date,
        clsprc_yd as yield_pct
    from {{ source('market_raw', 'government_bonds') }}
    where bnd_exp_tp_nm = '10'
      and govbnd_isu_tp_nm = '지표'
      and isu_nm not like '물가%'
      and clsprc_yd is not null
    order by date, (mkt_nm = '국채전문유통시장') desc, mkt_nm, isu_cd

)

select date, yield_pct, 'ecos'::text as source
from ecos
union all
select k.date, k.yield_pct, 'krx'::text as source
from krx as k
where not exists (select 1 from ecos as e where e.date = k.date)
