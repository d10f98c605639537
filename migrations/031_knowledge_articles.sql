-- Up Migration

-- 知识库 (knowledge base, GB/T 44191-2024): policies, answers and reply templates that clerks find
-- by words while handling. The center keeps it (POST/PUT/DELETE /v1/knowledge, audited).
--
-- `search` is the article's words as the service segments them (@node-rs/jieba with the domain's
-- words, lib/text/words.ts) — title weighted A, body B, reply template C — written with the
-- article: PostgreSQL has no Chinese parser, so the words come segmented and are cast lexeme by
-- lexeme (lib/text/tsearch.ts). A search matches any of the query's words through the GIN index
-- and ranks by how many of them an article has.
CREATE TABLE knowledge_articles (
  id              text PRIMARY KEY,
  title           text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  body            text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 50000),
  categories      text[] NOT NULL DEFAULT '{}',
  reply_template  text CHECK (char_length(reply_template) <= 5000),
  search          tsvector NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  updated_by      text NOT NULL
);
CREATE INDEX knowledge_articles_search_idx ON knowledge_articles USING gin (search);
CREATE INDEX knowledge_articles_categories_idx ON knowledge_articles USING gin (categories);
CREATE INDEX knowledge_articles_updated_idx ON knowledge_articles (updated_at DESC, id DESC);

-- Down Migration
DROP TABLE knowledge_articles;
