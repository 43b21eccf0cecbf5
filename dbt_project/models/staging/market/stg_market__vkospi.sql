-- VKOSPI (idx_nm '코스피 200 변동성지수' of KRX idx/drvprod_dd_trd), one row per session.
select
    date,
    clsprc_idx as vkospi
from {{ source('market_raw', 'derivative_indices') }}
where idx_nm = '코스피 200 변동성지수'
  and clsprc_idx is not null
