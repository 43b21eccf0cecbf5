-- KOSPI200 option put and call volumes; the source keeps them as text.
select
    left(date, 10)::date as date,
    nullif(replace(put, ',', ''), '')::numeric as put_volume,
    nullif(replace(cal, ',', ''), '')::numeric as call_volume,
    nullif(replace(put, ',', ''), '')::numeric
        / nullif(nullif(replace(cal, ',', ''), '')::numeric, 0) as put_call_ratio
from {{ ref('pcr') }}
