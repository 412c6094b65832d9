-- What Amparo said and what people wrote, each kept once, whatever the number of languages:
--   tasks.title        the title people wrote, a JSON object of language code → text;
--   escalations.reason why the escalation opened, as facts ({"said": "<kind>", …}) rendered in the
--                      reader's language, sealed from now on (it names days to critical harm);
--   cases.triage       the score's components as facts ({"as_of": …, "reasons": [{"code", "points", …}]}),
--                      sealed from now on, rendered on read.
-- Rows written before keep their sentences as written text ({"said": "written", "text": {…}} and
-- {"code", "points", "text": {…}}); the store seals them on its next start (forgetting that every
-- value was sealed makes it look again), and every case is derived again on its next refresh, which
-- writes its triage as facts.
ALTER TABLE tasks ADD COLUMN title TEXT NOT NULL DEFAULT '{}';
UPDATE tasks SET title = jsonb_build_object('en', title_en, 'es', title_es)::text;
ALTER TABLE tasks DROP COLUMN title_en;
ALTER TABLE tasks DROP COLUMN title_es;

ALTER TABLE escalations ADD COLUMN reason TEXT NOT NULL DEFAULT '{}';
UPDATE escalations SET reason = jsonb_build_object(
    'said', 'written', 'text', jsonb_build_object('en', reason_en, 'es', reason_es))::text;
ALTER TABLE escalations DROP COLUMN reason_en;
ALTER TABLE escalations DROP COLUMN reason_es;

UPDATE cases SET triage = jsonb_build_object('reasons', COALESCE((
    SELECT jsonb_agg(jsonb_build_object(
        'code', r.value->'code',
        'points', r.value->'points',
        'text', jsonb_build_object('en', r.value->'text_en', 'es', r.value->'text_es')) ORDER BY r.position)
    FROM jsonb_array_elements(cases.triage::jsonb) WITH ORDINALITY AS r(value, position)), '[]'::jsonb))::text
WHERE triage IS NOT NULL;
UPDATE cases SET derived_on = NULL;
DELETE FROM amparo_meta WHERE key = 'fields_sealed';
