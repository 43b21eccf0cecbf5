-- Every KOSPI issue's session (KRX sto/stk_bydd_trd), typed for the breadth and strength
-- components. Prices are unadjusted, so the 52-week comparisons use the market value at the
-- high and at the low (price x listed shares), which a split leaves unchanged. A high or low of
-- 0 (the issue did not trade: halted) is no price and becomes NULL.
select
    date,
    isu_cd,
    isu_nm,
    tdd_clsprc as close,
    nullif(tdd_hgprc, 0) as high,
    nullif(tdd_lwprc, 0) as low,
    fluc_rt as change_pct,
    acc_trdval as trading_value,
    list_shrs as listed_shares,
    nullif(tdd_hgprc, 0) * list_shrs as high_cap,
    nullif(tdd_lwprc, 0) * list_shrs as low_cap
from {{ source('market_raw', 'stock_trades') }}
