-- AA- and BBB+ spreads and the source's junk spread.
select
    left(date, 10)::date as date,
    aam::numeric as aa_minus_spread,
    bbbp::numeric as bbb_plus_spread,
    junk_spread::numeric as junk_spread
from {{ ref('junk_bond') }}
where junk_spread is not null
