-- depends_on: {{ ref('raw_orders') }}  (the seed that loads this source; orders the build)
select
    order_id,
    customer_id,
    cast(ordered_at as date) as ordered_on,
    lower(status) as status
from {{ source('shop', 'raw_orders') }}
