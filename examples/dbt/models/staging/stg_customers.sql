-- depends_on: {{ ref('raw_customers') }}  (the seed that loads this source; orders the build)
select
    customer_id,
    first_name || ' ' || last_name as customer_name,
    upper(country) as country_code,
    cast(signed_up_at as date) as signed_up_on
from {{ source('shop', 'raw_customers') }}
