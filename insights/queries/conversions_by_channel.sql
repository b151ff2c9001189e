-- Counted conversions and revenue by channel and day. A conversion's channel is that of the last click on its referrer's links before the referee signed up (last-touch); UNKNOWN when there was none.
WITH conversions AS (
  SELECT c.event_id, c.experiment_id, c.variant, c.referrer_id, c.value, c.occurred_at, s.occurred_at AS signed_up_at
  FROM events c
  JOIN events s
    ON s.experiment_id = c.experiment_id AND s.referee_id = c.referee_id
   AND s.kind = 'SIGNUP' AND s.outcome = 'COUNTED'
  WHERE c.kind = 'CONVERSION' AND c.outcome = 'COUNTED'
),
touches AS (
  SELECT
    v.event_id,
    k.channel,
    ROW_NUMBER() OVER (PARTITION BY v.event_id ORDER BY k.occurred_at DESC, k.event_id DESC) AS touch
  FROM conversions v
  JOIN events k
    ON k.experiment_id = v.experiment_id AND k.referrer_id = v.referrer_id
   AND k.kind = 'CLICK' AND k.outcome = 'COUNTED' AND k.occurred_at <= v.signed_up_at
)
SELECT
  v.experiment_id,
  v.variant,
  COALESCE(t.channel, 'UNKNOWN') AS channel,
  CAST(v.occurred_at AS DATE) AS conversion_day,
  COUNT(*) AS conversions,
  SUM(v.value) AS revenue
FROM conversions v
LEFT JOIN touches t ON t.event_id = v.event_id AND t.touch = 1
GROUP BY v.experiment_id, v.variant, COALESCE(t.channel, 'UNKNOWN'), CAST(v.occurred_at AS DATE)
ORDER BY v.experiment_id, conversion_day, v.variant, channel
