-- One row per customer with their order history (returned orders do not count as revenue).
with orders as (
    select
        customer_id,
        count(*) as order_count,
        min(ordered_on) as first_ordered_on,
        max(ordered_on) as last_ordered_on,
        sum(case when status <> 'returned' then amount_paid else 0 end) as lifetime_value
    from {{ ref('fct_orders') }}
    group by customer_id
)

select
    c.customer_id,
    c.customer_name,
    c.country_code,
    c.signed_up_on,
    coalesce(o.order_count, 0) as order_count,
    o.first_ordered_on,
    o.last_ordered_on,
    coalesce(o.lifetime_value, 0) as lifetime_value
from {{ ref('stg_customers') }} as c
left join orders as o on o.customer_id = c.customer_id
