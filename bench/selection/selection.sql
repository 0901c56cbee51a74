-- The key-account selection of the benchmark as one hand-written DuckDB script: per-customer
-- metrics (as openkam/analytics/metrics.py defines them), the three scoring models, ABC on
-- revenue, the portfolio quadrants and the whitespace of the top 200. The configuration of
-- bench/selection/config.py is written out by hand; $ledger, $customers_out and
-- $whitespace_out are replaced with quoted paths before it runs.

-- The standard normal distribution function, which DuckDB lacks: Hart's (1968) rational
-- approximation as given by West (2005), accurate to double precision.
CREATE TEMP MACRO normal_tail(z) AS (
    CASE
        WHEN z > 37 THEN 0.0
        WHEN z < 7.07106781186547 THEN exp(-z * z / 2)
            * ((((((0.0352624965998911 * z + 0.700383064443688) * z + 6.37396220353165) * z
                + 33.912866078383) * z + 112.079291497871) * z + 221.213596169931) * z + 220.206867912376)
            / (((((((0.0883883476483184 * z + 1.75566716318264) * z + 16.064177579207) * z
                + 86.7807322029461) * z + 296.564248779674) * z + 637.333633378831) * z
                + 793.826512519948) * z + 440.413735824752)
        ELSE exp(-z * z / 2) / (z + 1 / (z + 2 / (z + 3 / (z + 4 / (z + 0.65))))) / 2.506628274631
    END
);
CREATE TEMP MACRO ndtr(x) AS (CASE WHEN x > 0 THEN 1 - normal_tail(x) ELSE normal_tail(-x) END);

-- Normalisations over the customers with a value (NULL stays NULL); all values equal gives 0.5.
CREATE TEMP MACRO minmax(v) AS (
    CASE
        WHEN v IS NULL THEN NULL
        WHEN max(v) OVER () = min(v) OVER () THEN 0.5
        ELSE (v - min(v) OVER ()) / (max(v) OVER () - min(v) OVER ())
    END
);
CREATE TEMP MACRO pct_rank(v) AS (
    CASE
        WHEN v IS NULL THEN NULL
        WHEN max(v) OVER () = min(v) OVER () THEN 0.5
        -- the average rank of a tie: its first rank plus half the other members
        ELSE (rank() OVER (PARTITION BY v IS NULL ORDER BY v) + (count(*) OVER (PARTITION BY v) - 1) / 2 - 1)
            / (count(v) OVER () - 1)
    END
);
CREATE TEMP MACRO zscore(v) AS (
    CASE
        WHEN v IS NULL THEN NULL
        WHEN max(v) OVER () = min(v) OVER () OR stddev_pop(v) OVER () = 0 THEN 0.5
        ELSE ndtr((v - avg(v) OVER ()) / stddev_pop(v) OVER ())
    END
);

CREATE TEMP TABLE metrics AS
WITH lines AS (
    SELECT customer_number, invoice_id, invoice_date, product_group, business_unit, net_revenue AS net, cost
    FROM read_parquet($ledger)
    WHERE invoice_date <= DATE '2025-12-31'
),
-- Sums per customer and year first, then per customer: cheaper than a FILTER per fiscal year
-- over every line.
per_year AS (
    SELECT customer_number, year(invoice_date) AS year, sum(net) AS revenue, sum(cost) AS cost
    FROM lines
    GROUP BY customer_number, year
),
per_customer AS (
    SELECT
        customer_number,
        coalesce(sum(revenue) FILTER (year = 2023), 0) AS revenue_2023,
        coalesce(sum(cost) FILTER (year = 2023), 0) AS cost_2023,
        coalesce(sum(revenue) FILTER (year = 2024), 0) AS revenue_2024,
        coalesce(sum(cost) FILTER (year = 2024), 0) AS cost_2024,
        coalesce(sum(revenue) FILTER (year = 2025), 0) AS revenue_2025,
        coalesce(sum(cost) FILTER (year = 2025), 0) AS cost_2025,
        coalesce(sum(revenue), 0) AS revenue,
        coalesce(sum(cost), 0) AS cost
    FROM per_year
    GROUP BY customer_number
),
-- Cross-selling breadth from the distinct pairs bought: one pass instead of two COUNT(DISTINCT)
-- over every line.
bought AS (
    SELECT DISTINCT customer_number, product_group, business_unit FROM lines WHERE net > 0
),
breadth AS (
    SELECT customer_number, count(DISTINCT product_group) AS product_groups,
        count(DISTINCT business_unit) AS business_units
    FROM bought GROUP BY customer_number
),
invoices AS (
    SELECT customer_number, invoice_id, sum(net) AS value, min(invoice_date) AS invoice_date
    FROM lines
    GROUP BY customer_number, invoice_id
),
per_invoice AS (
    SELECT
        customer_number,
        count(invoice_id) FILTER (value > 0) AS orders,
        coalesce(sum(value) FILTER (value > 0), 0) AS order_value,
        min(invoice_date) FILTER (value > 0) AS first_purchase,
        max(invoice_date) FILTER (value > 0) AS last_purchase
    FROM invoices
    GROUP BY customer_number
)
SELECT
    customer_number,
    revenue_2023, revenue_2023 - cost_2023 AS margin_2023,
    revenue_2024, revenue_2024 - cost_2024 AS margin_2024,
    revenue_2025, revenue_2025 - cost_2025 AS margin_2025,
    CASE WHEN revenue_2024 > 0 THEN (revenue_2025::DOUBLE - revenue_2024::DOUBLE) / revenue_2024::DOUBLE END AS growth,
    revenue,
    revenue - cost AS margin,
    orders,
    order_value,
    -- order value / orders, rounded half up to cents in integers
    CASE WHEN orders > 0
        THEN ((((order_value * 100)::BIGINT * 2 + orders) // (orders * 2)) * 0.01)::DECIMAL(38, 2)
    END AS avg_order_value,
    coalesce(product_groups, 0) AS product_groups,
    coalesce(business_units, 0) AS business_units,
    first_purchase,
    last_purchase,
    date_diff('day', last_purchase, DATE '2025-12-31') AS recency_days
FROM per_customer JOIN per_invoice USING (customer_number) LEFT JOIN breadth USING (customer_number);

CREATE TEMP TABLE result AS
WITH scored AS (
    SELECT
        customer_number,
        100 * (
            3 * coalesce(minmax(revenue::DOUBLE), 0)
            + 2 * coalesce(pct_rank(margin::DOUBLE), 0)
            + 1 * coalesce(zscore(growth), 0.5)
            + 1 * coalesce(minmax(product_groups::DOUBLE), 0)
            + 1 * coalesce(1 - pct_rank(recency_days::DOUBLE), 0)
        ) / 8 AS score,
        100 * (
            2 * coalesce(pct_rank(growth), 0.5)
            + 1 * coalesce(zscore(avg_order_value::DOUBLE), 0)
            + 1 * coalesce(minmax(product_groups::DOUBLE), 0)
        ) / 4 AS attractiveness,
        100 * (
            2 * coalesce(pct_rank(margin::DOUBLE), 0)
            + 1 * coalesce(zscore(revenue::DOUBLE), 0)
            + 1 * coalesce(pct_rank(orders::DOUBLE), 0)
        ) / 4 AS position,
        -- ABC: the positive revenue of everyone ranked above the customer's tie group
        sum(greatest(revenue, 0)) OVER (ORDER BY revenue DESC)
            - greatest(revenue, 0) * count(*) OVER (PARTITION BY revenue) AS before,
        sum(greatest(revenue, 0)) OVER () AS total,
        revenue
    FROM metrics
)
SELECT
    metrics.*,
    CASE
        WHEN scored.revenue <= 0 THEN 'C'
        WHEN before * 100 < total * 80 THEN 'A'
        WHEN before * 100 < total * 95 THEN 'B'
        ELSE 'C'
    END AS abc_class,
    score,
    rank() OVER (ORDER BY round(score, 9) DESC) AS rank,
    CASE
        WHEN round(attractiveness, 9) >= 50 AND round(position, 9) >= 50 THEN 'invest'
        WHEN round(attractiveness, 9) >= 50 THEN 'develop'
        WHEN round(position, 9) >= 50 THEN 'maintain'
        ELSE 'efficient'
    END AS quadrant
FROM metrics JOIN scored USING (customer_number);

COPY (SELECT * FROM result ORDER BY customer_number) TO $customers_out (FORMAT parquet);

CREATE TEMP TABLE top AS
SELECT customer_number, row_number() OVER (ORDER BY rank, customer_number) AS position
FROM result
ORDER BY rank, customer_number
LIMIT 200;

-- The long form first (one scan of the ledger), so that PIVOT finds its columns in it.
CREATE TEMP TABLE whitespace_long AS
SELECT customer_number, product_group, sum(net_revenue) AS revenue
FROM read_parquet($ledger)
WHERE invoice_date <= DATE '2025-12-31'
    AND product_group IS NOT NULL
    AND customer_number IN (SELECT customer_number FROM top)
GROUP BY customer_number, product_group;

CREATE TEMP TABLE whitespace AS
PIVOT whitespace_long ON product_group USING sum(revenue) GROUP BY customer_number;

COPY (
    SELECT customer_number, coalesce(COLUMNS(* EXCLUDE (customer_number, position)), 0)
    FROM top LEFT JOIN whitespace USING (customer_number)
    ORDER BY position
) TO $whitespace_out (FORMAT parquet);
