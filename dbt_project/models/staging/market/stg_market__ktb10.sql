-- 10-year KTB yield (percent); the source is unsorted, has weekend rows and duplicates.
select distinct on (left(date, 10)::date)
    left(date, 10)::date as date,
    ten_ratio::numeric as yield_pct
from {{ ref('ten_bond') }}
where ten_ratio is not null
order by left(date, 10)::date
