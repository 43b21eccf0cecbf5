-- The company master, with blank listing codes (DART sends "" and " ") made NULL.
select
    corp_code,
    btrim(corp_name) as corp_name,
    nullif(btrim(corp_eng_name), '') as corp_eng_name,
    nullif(btrim(stock_code), '') as stock_code,
    nullif(btrim(stock_code), '') is not null as is_listed,
    modify_date,
    loaded_at
from {{ source('dart_raw', 'corp_codes') }}
