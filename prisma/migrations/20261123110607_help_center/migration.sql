-- CreateTable
CREATE TABLE "HelpArticleRevision" (
    "id" TEXT NOT NULL,
    "articleId" TEXT NOT NULL,
    "authorId" TEXT,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "bodyMarkdown" TEXT NOT NULL,
    "published" BOOLEAN NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HelpArticleRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HelpVote" (
    "id" TEXT NOT NULL,
    "articleId" TEXT NOT NULL,
    "customerId" TEXT,
    "guestId" TEXT,
    "helpful" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HelpVote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HelpSearchLog" (
    "id" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "locale" "Locale" NOT NULL,
    "resultCount" INTEGER NOT NULL,
    "customerId" TEXT,
    "guestId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HelpSearchLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HelpArticleRevision_articleId_createdAt_idx" ON "HelpArticleRevision"("articleId", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "HelpVote_articleId_customerId_key" ON "HelpVote"("articleId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "HelpVote_articleId_guestId_key" ON "HelpVote"("articleId", "guestId");

-- CreateIndex
CREATE INDEX "HelpSearchLog_createdAt_idx" ON "HelpSearchLog"("createdAt");

-- CreateIndex
CREATE INDEX "HelpSearchLog_resultCount_createdAt_idx" ON "HelpSearchLog"("resultCount", "createdAt");

-- CreateIndex
CREATE INDEX "HelpArticle_categoryId_locale_idx" ON "HelpArticle"("categoryId", "locale");

-- AddForeignKey
ALTER TABLE "HelpArticleRevision" ADD CONSTRAINT "HelpArticleRevision_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "HelpArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HelpVote" ADD CONSTRAINT "HelpVote_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "HelpArticle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HelpVote" ADD CONSTRAINT "HelpVote_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Help center search, hand-written (see README "Decisions"). Prisma does not see these objects:
-- they live in their own schema help_search, so the drift test (it compares the public schema
-- built by the migrations with the one built from the snapshot) is unaffected. A trigger keeps
-- one search document per article, and view-count updates do not fire it.
-- NOTE: Prisma's pg adapter splits migration scripts at every semicolon character, so statements
-- below end with one and nothing else may contain one: PL/pgSQL bodies are E'' strings that
-- write each semicolon as the octal escape \073.
-- ---------------------------------------------------------------------------------------------
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA IF NOT EXISTS help_search;

-- Markdown to plain text for indexing and snippets: links and images keep their text, markup goes.
CREATE FUNCTION help_search.plain(md text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT btrim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(coalesce(md, ''),
    '!?\[([^\]]*)\]\([^)]*\)', '\1', 'g'),
    '<[^>]*>', ' ', 'g'),
    '[#*_`>|~]+', ' ', 'g'),
    '\s+', ' ', 'g'))
$fn$;

-- Chinese has no spaces between words: every run of CJK characters becomes overlapping bigrams
-- (a single character stays a unigram), with positions, so ts_rank_cd can measure proximity.
-- The lexemes are written as tsvector literals, so the result does not depend on the server's
-- locale (the default text parser may drop CJK characters under a C locale).
CREATE FUNCTION help_search.cjk_vector(input text) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS E'
DECLARE
  run text\073
  n int\073
  pos int := 0\073
  parts text[] := ''{}''\073
BEGIN
  FOR run IN SELECT m[1] FROM regexp_matches(coalesce(input, ''''), ''([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)'', ''g'') AS m LOOP
    n := char_length(run)\073
    IF n = 1 THEN
      pos := pos + 1\073
      parts := parts || (quote_literal(run) || '':'' || least(pos, 16383))\073
    ELSE
      FOR i IN 1..n - 1 LOOP
        pos := pos + 1\073
        parts := parts || (quote_literal(substr(run, i, 2)) || '':'' || least(pos, 16383))\073
      END LOOP\073
    END IF\073
    pos := pos + 1\073
  END LOOP\073
  RETURN array_to_string(parts, '' '')::tsvector\073
END';

-- Non-CJK words (order numbers, brand names) of Chinese text, with the simple configuration.
CREATE FUNCTION help_search.latin_vector(input text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT to_tsvector('simple', regexp_replace(coalesce(input, ''), '[^\u0001-\u024f]+', ' ', 'g'))
$fn$;

-- The weighted document vector: title (A) > summary (B) > body (C). English is stemmed.
CREATE FUNCTION help_search.article_vector(loc text, title text, summary text, body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN loc = 'en' THEN
      setweight(to_tsvector('english', coalesce(title, '')), 'A')
      || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
      || setweight(to_tsvector('english', help_search.plain(body)), 'C')
    ELSE
      setweight(help_search.cjk_vector(title) || help_search.latin_vector(title), 'A')
      || setweight(help_search.cjk_vector(summary) || help_search.latin_vector(summary), 'B')
      || setweight(help_search.cjk_vector(help_search.plain(body)) || help_search.latin_vector(help_search.plain(body)), 'C')
    END
$fn$;

CREATE TABLE help_search.doc (
  "articleId" text PRIMARY KEY REFERENCES public."HelpArticle"(id) ON DELETE CASCADE ON UPDATE CASCADE,
  tsv tsvector NOT NULL,
  plain text NOT NULL
);
CREATE INDEX doc_tsv_idx ON help_search.doc USING gin (tsv);

-- The English vocabulary of the help center, for typo tolerance: a query word that is not a
-- known word is replaced by its most similar known word (pg_trgm similarity, GIN-indexed).
CREATE TABLE help_search.word (word text PRIMARY KEY);
CREATE INDEX word_trgm_idx ON help_search.word USING gin (word gin_trgm_ops);

CREATE FUNCTION help_search.sync() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO help_search.doc ("articleId", tsv, plain)
  VALUES (NEW.id, help_search.article_vector(NEW.locale::text, NEW.title, NEW.summary, NEW."bodyMarkdown"), help_search.plain(NEW."bodyMarkdown"))
  ON CONFLICT ("articleId") DO UPDATE SET tsv = EXCLUDED.tsv, plain = EXCLUDED.plain\073
  IF NEW.locale::text = ''en'' THEN
    INSERT INTO help_search.word (word)
    SELECT DISTINCT w FROM regexp_split_to_table(lower(NEW.title || '' '' || NEW.summary || '' '' || help_search.plain(NEW."bodyMarkdown")), ''[^a-z]+'') AS w
    WHERE char_length(w) BETWEEN 3 AND 40
    ON CONFLICT DO NOTHING\073
  END IF\073
  RETURN NEW\073
END';

CREATE TRIGGER help_article_search AFTER INSERT OR UPDATE OF title, summary, "bodyMarkdown", locale ON "HelpArticle"
  FOR EACH ROW EXECUTE FUNCTION help_search.sync();

-- Articles that existed before this migration.
UPDATE "HelpArticle" SET title = title;
