-- A published KOSPI Fear & Greed index (immanuelk1m), for sanity checks only.
select
    left(date, 10)::date as date,
    index_value::numeric as value,
    kospi_close::numeric as kospi_close
from {{ ref('kgf_index') }}
