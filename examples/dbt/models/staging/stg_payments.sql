-- depends_on: {{ ref('raw_payments') }}  (the seed that loads this source; orders the build)
select
    payment_id,
    order_id,
    method as payment_method,
    amount_cents / 100.0 as amount
from {{ source('shop', 'raw_payments') }}
