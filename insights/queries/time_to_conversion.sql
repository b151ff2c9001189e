-- Time from a referrer's first invite to each counted conversion of their referees, per variant: count, mean and range in hours, and how many fell within 1 hour, 1 day, 7 days or later.
WITH first_invites AS (
  SELECT experiment_id, referrer_id, MIN(occurred_at) AS invited_at
  FROM events
  WHERE kind = 'INVITE' AND outcome = 'COUNTED'
  GROUP BY experiment_id, referrer_id
),
delays AS (
  SELECT
    c.experiment_id,
    c.variant,
    CAST(date_diff('millisecond', i.invited_at, c.occurred_at) AS DOUBLE) / 3600000.0 AS hours
  FROM events c
  JOIN first_invites i ON i.experiment_id = c.experiment_id AND i.referrer_id = c.referrer_id
  WHERE c.kind = 'CONVERSION' AND c.outcome = 'COUNTED'
)
SELECT
  experiment_id,
  variant,
  COUNT(*) AS conversions,
  ROUND(AVG(hours), 2) AS mean_hours,
  ROUND(MIN(hours), 2) AS min_hours,
  ROUND(MAX(hours), 2) AS max_hours,
  SUM(CASE WHEN hours <= 1 THEN 1 ELSE 0 END) AS within_1h,
  SUM(CASE WHEN hours > 1 AND hours <= 24 THEN 1 ELSE 0 END) AS within_1d,
  SUM(CASE WHEN hours > 24 AND hours <= 168 THEN 1 ELSE 0 END) AS within_7d,
  SUM(CASE WHEN hours > 168 THEN 1 ELSE 0 END) AS later
FROM delays
GROUP BY experiment_id, variant
ORDER BY experiment_id, variant
