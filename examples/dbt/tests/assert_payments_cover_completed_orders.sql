-- Singular test: every completed order was paid for (rows returned = failures).
select order_id, amount_paid
from {{ ref('fct_orders') }}
where status = 'completed' and amount_paid <= 0
