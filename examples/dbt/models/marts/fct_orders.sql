-- One row per order with what was paid for it.
with payments as (
    select
        order_id,
        sum(amount) as amount_paid,
        count(*) as payment_count
    from {{ ref('stg_payments') }}
    group by order_id
)

select
    o.order_id,
    o.customer_id,
    o.ordered_on,
    o.status,
    coalesce(p.amount_paid, 0) as amount_paid,
    coalesce(p.payment_count, 0) as payment_count
from {{ ref('stg_orders') }} as o
left join payments as p on p.order_id = o.order_id
