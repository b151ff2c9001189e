-- Referrer leaderboard: the 20 referrers per experiment with the most counted conversions (then revenue), with their funnel.
WITH referrers AS (
  SELECT
    experiment_id,
    referrer_id,
    MIN(variant) AS variant,
    SUM(CASE WHEN kind = 'INVITE' THEN 1 ELSE 0 END) AS invites,
    SUM(CASE WHEN kind = 'CLICK' THEN 1 ELSE 0 END) AS clicks,
    SUM(CASE WHEN kind = 'SIGNUP' THEN 1 ELSE 0 END) AS signups,
    SUM(CASE WHEN kind = 'CONVERSION' THEN 1 ELSE 0 END) AS conversions,
    SUM(CASE WHEN kind = 'CONVERSION' THEN value ELSE 0 END) AS revenue
  FROM events
  WHERE outcome = 'COUNTED' AND referrer_id IS NOT NULL
  GROUP BY experiment_id, referrer_id
),
ranked AS (
  SELECT
    r.*,
    ROW_NUMBER() OVER (PARTITION BY experiment_id ORDER BY conversions DESC, revenue DESC, referrer_id) AS place
  FROM referrers r
)
SELECT experiment_id, place, referrer_id, variant, invites, clicks, signups, conversions, revenue
FROM ranked
WHERE place <= 20
ORDER BY experiment_id, place
