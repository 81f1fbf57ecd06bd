-- Help search speed (issue #14, README "Decisions" 11): the any-word (OR) fallback ranks with
-- ts_rank instead of ts_rank_cd. ts_rank_cd computes cover density (the extents in which the
-- terms of the query occur together), which is what makes "all words" results with the words close
-- together rank first. For an OR query every single occurrence is its own cover, so it mostly counts
-- occurrences, at ~4 us per match on the 2.3 kB Chinese bigram vectors. ts_rank weighs the same
-- occurrences by title (A) > summary (B) > body (C) and query term, at ~1 us per match: a
-- six-bigram Chinese sentence matching 2,789 of 5,000 articles ranks in 7 ms instead of 17 ms.
-- Same contract as help_search.hits: the published matches of one locale through the GIN index,
-- as narrow (id, rank) rows.
CREATE FUNCTION help_search.hits_any(q tsquery, loc "Locale") RETURNS TABLE (id text, rank real)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 100 SET enable_seqscan = off AS $fn$
  SELECT d."articleId", ts_rank(d.tsv, q, 1)
  FROM help_search.doc d
  WHERE d.tsv @@ q AND d.locale = loc AND d.published_at <= now()
$fn$;
