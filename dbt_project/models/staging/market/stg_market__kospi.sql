-- The KOSPI (idx_nm '코스피' of KRX idx/kospi_dd_trd), one row per session with a close.
select
    date,
    opnprc_idx as open,
    hgprc_idx as high,
    lwprc_idx as low,
    clsprc_idx as close,
    acc_trdvol as volume,
    acc_trdval as trading_value,
    mktcap as market_cap
from {{ source('market_raw', 'kospi_index') }}
where idx_nm = '코스피'
  and clsprc_idx is not null
