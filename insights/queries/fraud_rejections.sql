-- Events rejected by a fraud or validity rule, by experiment, variant, kind and reason, with the day of the first and last rejection.
SELECT
  experiment_id,
  variant,
  kind,
  COALESCE(reason, 'UNSPECIFIED') AS reason,
  COUNT(*) AS rejections,
  MIN(CAST(recorded_at AS DATE)) AS first_day,
  MAX(CAST(recorded_at AS DATE)) AS last_day
FROM events
WHERE outcome = 'REJECTED'
GROUP BY experiment_id, variant, kind, COALESCE(reason, 'UNSPECIFIED')
ORDER BY experiment_id, rejections DESC, reason
