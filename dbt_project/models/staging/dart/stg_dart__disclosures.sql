{#-
    Normalises report_nm into an event title, a remark and flags (evidence doc §3), in order:
    whitespace and remark split, middle dots, bracket prefixes, suffixes, wrappers.
    The raw title is kept unchanged as report_nm_raw.
-#}
{%- set suffixes = [
    '자율공시', '공정공시', '안내공시', '종속회사의주요경영사항', '자회사의주요경영사항', '미확정',
    '일반', '약식', '지분증권', '채무증권', '거래소공시', '중요내용공시'] -%}
{%- set qualifiers = ['경영권분쟁소송', '일정금액이상의청구', '자율공시:일정금액미만의청구', '최대주주변경시'] -%}

{#- Each step is a LATERAL subquery fenced with OFFSET 0, so that PostgreSQL computes it once
    per row: inlined CTEs would repeat every nested regular expression wherever it is used,
    while filters on rcept_dt still reach the table scan. -#}
with normalised as (

    select
        s.rcept_no,
        s.corp_code,
        s.corp_name,
        nullif(btrim(s.stock_code), '') as stock_code,
        s.corp_cls,
        s.report_nm as report_nm_raw,
        btrim(s.flr_nm) as flr_nm,
        s.rcept_dt,
        coalesce(s.rm, '') as rm,
        s.pblntf_ty,
        s.loaded_at,
        t1 as report_title,
        case
            when t2 ~ '^주요사항보고서\(.*\)$' then substring(t2 from '^주요사항보고서\((.*)\)$')
            when t2 = '주요사항보고서' and remark is not null then remark
            else t2
        end as event_title,
        remark,
        prefix_block,
        suffix_block,
        t2
    from {{ source('dart_raw', 'disclosures') }} as s
    cross join lateral (
        -- U+00B7, U+30FB and U+2027 become DART's U+318D; never NFKC, which turns ㆍ into U+119E.
        -- The one suffix spelled with a space loses it, so that the website split below is safe.
        select replace(
            regexp_replace(translate(s.report_nm, '·・‧', 'ㆍㆍㆍ'), '^\s+|\s+$', '', 'g'),
            '(자회사의 주요경영사항)', '(자회사의주요경영사항)'
        ) as t0
        offset 0
    ) as dotted
    cross join lateral (
        -- Exchange (KIND) titles: title, then 2+ spaces, then an optional remark.
        select (regexp_split_to_array(t0, '\s{2,}'))[1] as title_part offset 0
    ) as kind_split
    cross join lateral (
        select
            case
                when length(title_part) < length(t0) then btrim(substr(t0, length(title_part) + 1))
                -- DART website titles put the remark after one space, as a final "(...)".
                when title_part ~ '^\S+ \(.*\)$' then substring(title_part from '^\S+ (\(.*\))$')
            end as remark_raw,
            case
                when length(title_part) = length(t0) and title_part ~ '^\S+ \(.*\)$'
                    then substring(title_part from '^(\S+) \(')
                else title_part
            end as title
        offset 0
    ) as web_split
    cross join lateral (
        select
            nullif(regexp_replace(regexp_replace(remark_raw, '^\((.*)\)$', '\1'), '\s+', ' ', 'g'), '') as remark,
            substring(title from '^((?:\[[^]]*\])+)') as prefix_block,
            regexp_replace(title, '^(\[[^]]*\])+', '') as t1
        offset 0
    ) as prefixed
    cross join lateral (
        select substring(t1 from '((?:\((?:{{ suffixes | join("|") }})\))+)$') as suffix_block offset 0
    ) as suffixed
    cross join lateral (
        select left(t1, length(t1) - coalesce(length(suffix_block), 0)) as t2 offset 0
    ) as unwrapped

)

select
    rcept_no,
    corp_code,
    corp_name,
    stock_code,
    corp_cls,
    report_nm_raw,
    flr_nm,
    rcept_dt,
    rm,
    pblntf_ty,
    loaded_at,
    report_title,
    event_title,
    remark,
    prefix_block,
    suffix_block,
    coalesce(prefix_block ~ '\[(기재정정|첨부정정|첨부추가)\]', false) as is_amendment,
    substring(prefix_block from '\[(기재정정|첨부정정|첨부추가)\]') as amendment_kind,
    coalesce(prefix_block like '%[발행조건확정]%', false) as is_terms_fixed,
    coalesce(prefix_block ~ '\[(정정명령부과|정정제출요구)\]', false) as is_fss_correction_order,
    coalesce(prefix_block like '%[변경등록]%', false) as is_registration_change,
    coalesce(prefix_block like '%[연장결정]%', false) as is_extension,
    coalesce(suffix_block like '%(자율공시)%', false) as is_voluntary,
    coalesce(suffix_block like '%(공정공시)%', false) as is_fair_disclosure,
    coalesce(suffix_block like '%(안내공시)%', false) as is_notice,
    coalesce(suffix_block ~ '\((종속회사|자회사)의주요경영사항\)', false) as is_subsidiary,
    coalesce(suffix_block like '%(미확정)%', false) as is_unconfirmed,
    substring(suffix_block from '\((일반|약식)\)') as holding_report_form,
    substring(suffix_block from '\((지분증권|채무증권)\)') as security_kind,
    t2 ~ '^주요사항보고서' as is_material_report,
    t2 ~ '^(증권신고서|투자설명서|일괄신고서|일괄신고추가서류)' as is_issuance_document,
    substring(event_title from '\(({{ qualifiers | join("|") }})\)$') as qualifier,
    -- The report type without qualifiers such as (경영권분쟁소송): what the filing is.
    regexp_replace(event_title, '\(({{ qualifiers | join("|") }})\)$', '') as base_report_type,
    -- What the taxonomy's patterns match: the event title, then "|", then the remark.
    event_title || '|' || coalesce(remark, '') as classify_text,
    flr_nm in ('유가증권시장본부', '코스닥시장본부', '코넥스시장본부') as is_exchange_action,
    rm like '%철%' as is_withdrawn,
    rm like '%정%' as has_later_correction
from normalised
