-- KOSPI daily closes; one row per trading date.
select
    left(date, 10)::date as date,
    "시가"::numeric as open,
    "고가"::numeric as high,
    "저가"::numeric as low,
    "종가"::numeric as close
from {{ ref('kospi') }}
where "종가" is not null
