-- VKOSPI daily closes (the seed is called vix).
select
    left(date, 10)::date as date,
    vix_close::numeric as vkospi
from {{ ref('vix') }}
where vix_close is not null
