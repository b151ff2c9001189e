-- Funnel per variant: enrolled users, counted invites, clicks, signups, conversions and revenue, and the users who brought at least one converting referee (the results' conversion).
WITH users AS (
  SELECT experiment_id, variant, COUNT(*) AS users
  FROM assignments
  GROUP BY experiment_id, variant
),
counted AS (
  SELECT
    experiment_id,
    variant,
    SUM(CASE WHEN kind = 'INVITE' THEN 1 ELSE 0 END) AS invites,
    SUM(CASE WHEN kind = 'CLICK' THEN 1 ELSE 0 END) AS clicks,
    SUM(CASE WHEN kind = 'SIGNUP' THEN 1 ELSE 0 END) AS signups,
    SUM(CASE WHEN kind = 'CONVERSION' THEN 1 ELSE 0 END) AS conversions,
    SUM(CASE WHEN kind = 'CONVERSION' THEN value ELSE 0 END) AS revenue,
    COUNT(DISTINCT CASE WHEN kind = 'CONVERSION' THEN referrer_id END) AS converting_referrers
  FROM events
  WHERE outcome = 'COUNTED'
  GROUP BY experiment_id, variant
)
SELECT
  u.experiment_id,
  u.variant,
  u.users,
  COALESCE(c.invites, 0) AS invites,
  COALESCE(c.clicks, 0) AS clicks,
  COALESCE(c.signups, 0) AS signups,
  COALESCE(c.conversions, 0) AS conversions,
  COALESCE(c.revenue, 0) AS revenue,
  COALESCE(c.converting_referrers, 0) AS converting_referrers,
  ROUND(CAST(COALESCE(c.converting_referrers, 0) AS DOUBLE) / u.users, 4) AS conversion_rate
FROM users u
LEFT JOIN counted c ON c.experiment_id = u.experiment_id AND c.variant = u.variant
ORDER BY u.experiment_id, u.variant
