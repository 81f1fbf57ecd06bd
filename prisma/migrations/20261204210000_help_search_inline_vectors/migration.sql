-- Help search speed (issue #14, README "Decisions" 11). Two changes to help_search.doc, the
-- trigger-maintained search document of each article:
-- 1. The vector stays in the row instead of TOAST. Chinese vectors (overlapping bigrams, ~2.3 kB)
--    exceeded the default 2 kB threshold and were moved out of line, so every match and every
--    ts_rank_cd paid a TOAST index lookup and fetch. toast_tuple_target = 8160 (the maximum)
--    keeps rows up to a page inline.
-- 2. The document carries copies of the article's locale and publishedAt (kept by the same
--    trigger, which now also fires when publishedAt changes), so ranking every match reads only
--    help_search.doc and the articles themselves are read for the shown page only.
-- 3. help_search.hits(query, locale): the published matches of a locale with their ts_rank_cd,
--    always through the GIN index. The planner costs @@ as one cheap operator, so at 20-30 %
--    selectivity (a common word) it picks a sequential scan that evaluates @@ on every vector of
--    both locales (measured ~3 us a row, 30 ms for 10 000 articles) where the index path reads only
--    the matches. enable_seqscan = off is scoped to this one function, where the only alternative
--    plan is that scan. ROWS 100: callers join the few best-ranked rows, not all of them.
ALTER TABLE help_search.doc SET (toast_tuple_target = 8160);
ALTER TABLE help_search.doc ADD COLUMN locale "Locale", ADD COLUMN published_at timestamp(3);

CREATE OR REPLACE FUNCTION help_search.sync() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO help_search.doc ("articleId", tsv, plain, locale, published_at)
  VALUES (NEW.id, help_search.article_vector(NEW.locale::text, NEW.title, NEW.summary, NEW."bodyMarkdown"), help_search.plain(NEW."bodyMarkdown"), NEW.locale, NEW."publishedAt")
  ON CONFLICT ("articleId") DO UPDATE SET tsv = EXCLUDED.tsv, plain = EXCLUDED.plain, locale = EXCLUDED.locale, published_at = EXCLUDED.published_at\073
  IF NEW.locale::text = ''en'' THEN
    INSERT INTO help_search.word (word)
    SELECT DISTINCT w FROM regexp_split_to_table(lower(NEW.title || '' '' || NEW.summary || '' '' || help_search.plain(NEW."bodyMarkdown")), ''[^a-z]+'') AS w
    WHERE char_length(w) BETWEEN 3 AND 40
    ON CONFLICT DO NOTHING\073
  END IF\073
  RETURN NEW\073
END';

CREATE FUNCTION help_search.hits(q tsquery, loc "Locale") RETURNS TABLE (id text, rank real)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 100 SET enable_seqscan = off AS $fn$
  SELECT d."articleId", ts_rank_cd(d.tsv, q, 1)
  FROM help_search.doc d
  WHERE d.tsv @@ q AND d.locale = loc AND d.published_at <= now()
$fn$;

DROP TRIGGER help_article_search ON "HelpArticle";
CREATE TRIGGER help_article_search AFTER INSERT OR UPDATE OF title, summary, "bodyMarkdown", locale, "publishedAt" ON "HelpArticle"
  FOR EACH ROW EXECUTE FUNCTION help_search.sync();

-- Rewrite every document (inline vector, the new columns).
UPDATE "HelpArticle" SET title = title;
ALTER TABLE help_search.doc ALTER COLUMN locale SET NOT NULL;
