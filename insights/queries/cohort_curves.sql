-- Cohort curves: per variant, the share of enrolled users who have brought at least one converting referee, by days since their assignment (cumulative).
WITH cohorts AS (
  SELECT experiment_id, variant, COUNT(*) AS cohort_users
  FROM assignments
  GROUP BY experiment_id, variant
),
first_conversions AS (
  SELECT
    a.experiment_id,
    a.variant,
    a.user_id,
    MIN(date_diff('day', CAST(a.assigned_at AS DATE), CAST(e.occurred_at AS DATE))) AS days
  FROM assignments a
  JOIN events e ON e.experiment_id = a.experiment_id AND e.referrer_id = a.user_id
  WHERE e.kind = 'CONVERSION' AND e.outcome = 'COUNTED'
  GROUP BY a.experiment_id, a.variant, a.user_id
),
per_day AS (
  SELECT experiment_id, variant, days, COUNT(*) AS new_converting_users
  FROM first_conversions
  GROUP BY experiment_id, variant, days
)
SELECT
  p.experiment_id,
  p.variant,
  p.days AS days_since_assignment,
  SUM(p.new_converting_users) OVER (PARTITION BY p.experiment_id, p.variant ORDER BY p.days) AS converting_users,
  c.cohort_users,
  ROUND(CAST(SUM(p.new_converting_users) OVER (PARTITION BY p.experiment_id, p.variant ORDER BY p.days) AS DOUBLE) / c.cohort_users, 4) AS share
FROM per_day p
JOIN cohorts c ON c.experiment_id = p.experiment_id AND c.variant = p.variant
ORDER BY p.experiment_id, p.variant, p.days
