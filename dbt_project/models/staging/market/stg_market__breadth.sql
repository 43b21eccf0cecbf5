-- Advancing and declining trading value and the McClellan summation index of the source.
select
    left(date, 10)::date as date,
    adv_value::numeric as advancing_value,
    dec_value::numeric as declining_value,
    summation_index::numeric as mcclellan_summation
from {{ ref('breadth') }}
