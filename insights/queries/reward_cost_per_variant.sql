-- Reward cost per variant: rewards in their latest state (REVOKED over FULFILLED over PENDING; revoked ones cost nothing), charged to the referrer's variant, and the cost per enrolled user.
WITH latest AS (
  SELECT
    reward_id,
    MAX(CASE status WHEN 'REVOKED' THEN 3 WHEN 'FULFILLED' THEN 2 ELSE 1 END) AS state
  FROM rewards
  GROUP BY reward_id
),
current_rewards AS (
  SELECT DISTINCT r.reward_id, r.experiment_id, r.user_id, r.role, r.amount, r.currency, l.state
  FROM rewards r
  JOIN latest l
    ON l.reward_id = r.reward_id
   AND l.state = CASE r.status WHEN 'REVOKED' THEN 3 WHEN 'FULFILLED' THEN 2 ELSE 1 END
),
referee_variants AS (
  SELECT experiment_id, referee_id, MIN(variant) AS variant
  FROM events
  WHERE kind = 'SIGNUP' AND outcome = 'COUNTED'
  GROUP BY experiment_id, referee_id
),
charged AS (
  SELECT
    r.experiment_id,
    COALESCE(a.variant, v.variant, 'UNKNOWN') AS variant,
    r.currency,
    r.role,
    r.state,
    r.amount
  FROM current_rewards r
  LEFT JOIN assignments a ON a.experiment_id = r.experiment_id AND a.user_id = r.user_id AND r.role = 'REFERRER'
  LEFT JOIN referee_variants v ON v.experiment_id = r.experiment_id AND v.referee_id = r.user_id AND r.role = 'REFEREE'
),
users AS (
  SELECT experiment_id, variant, COUNT(*) AS users
  FROM assignments
  GROUP BY experiment_id, variant
)
SELECT
  c.experiment_id,
  c.variant,
  c.currency,
  SUM(CASE WHEN c.state < 3 THEN 1 ELSE 0 END) AS active_rewards,
  SUM(CASE WHEN c.state = 3 THEN 1 ELSE 0 END) AS revoked,
  SUM(CASE WHEN c.state < 3 AND c.role = 'REFERRER' THEN c.amount ELSE 0 END) AS referrer_cost,
  SUM(CASE WHEN c.state < 3 AND c.role = 'REFEREE' THEN c.amount ELSE 0 END) AS referee_cost,
  SUM(CASE WHEN c.state < 3 THEN c.amount ELSE 0 END) AS cost,
  ROUND(CAST(SUM(CASE WHEN c.state < 3 THEN c.amount ELSE 0 END) AS DOUBLE) / MAX(u.users), 4) AS cost_per_user
FROM charged c
LEFT JOIN users u ON u.experiment_id = c.experiment_id AND u.variant = c.variant
GROUP BY c.experiment_id, c.variant, c.currency
ORDER BY c.experiment_id, c.variant, c.currency
