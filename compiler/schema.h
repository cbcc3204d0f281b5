/* SPDX-License-Identifier: MIT */
/*
 * The index format: table names, DDL and the schema version, shared by the
 * writer (kbc) and the reader (kbsearch).  docs/index-format.md describes
 * every table; bump KB_SCHEMA_VERSION whenever this file changes the format.
 */
#ifndef KB_SCHEMA_H
#define KB_SCHEMA_H

/* PRAGMA user_version of an index this code reads and writes. */
#define KB_SCHEMA_VERSION	4
/* PRAGMA application_id: "KBSX" marks a file as a kbsearch index. */
#define KB_APPLICATION_ID	0x4b425358

#define KB_TABLE_META		"meta"
#define KB_TABLE_DOC		"doc"
#define KB_TABLE_DOC_INCLUDE	"doc_include"
#define KB_TABLE_CARD		"card"
#define KB_TABLE_SECTION	"section"
#define KB_TABLE_ERRSTR		"errstr"
#define KB_TABLE_CODE		"code"
#define KB_TABLE_STEP		"step"
#define KB_TABLE_LINK		"link"
#define KB_TABLE_SYNONYM	"synonym"
#define KB_TABLE_CARD_SIG	"card_sig"
#define KB_TABLE_CARD_FTS	"card_fts"
#define KB_TABLE_CARD_VOCAB	"card_vocab"
#define KB_TABLE_ERR_TRI	"errstr_tri"
#define KB_TABLE_TERM_DF	"term_df"

/* card_fts's tokenizer and its arguments; stem.c runs the same one. */
#define KB_FTS_TOKENIZE		"porter unicode61 remove_diacritics 2"

/*
 * card_fts columns, in this order; bm25() weights are given by the reader.
 * rowid = card.id.  errstr_tri: rowid = errstr.id, one column, the
 * normalized error string, trigram-tokenized for partial and misspelled
 * pastes.
 */
#define KB_SCHEMA_DDL \
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)" \
	" WITHOUT ROWID;\n" \
	"CREATE TABLE doc(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE," \
	" title TEXT NOT NULL, description TEXT NOT NULL," \
	" hash TEXT NOT NULL, size INTEGER NOT NULL," \
	" digest TEXT NOT NULL);\n" \
	"CREATE TABLE doc_include(doc_id INTEGER NOT NULL REFERENCES doc(id)," \
	" path TEXT NOT NULL, hash TEXT NOT NULL);\n" \
	"CREATE TABLE card(id INTEGER PRIMARY KEY," \
	" doc_id INTEGER NOT NULL REFERENCES doc(id), ord INTEGER NOT NULL," \
	" anchor TEXT NOT NULL, title TEXT NOT NULL, symptom TEXT NOT NULL," \
	" cause TEXT NOT NULL, diagnosis TEXT NOT NULL, notes TEXT NOT NULL," \
	" line INTEGER NOT NULL, dup_of INTEGER REFERENCES card(id));\n" \
	"CREATE TABLE section(card_id INTEGER NOT NULL REFERENCES card(id)," \
	" ord INTEGER NOT NULL, role TEXT NOT NULL, heading TEXT NOT NULL," \
	" line INTEGER NOT NULL);\n" \
	"CREATE TABLE errstr(id INTEGER PRIMARY KEY," \
	" card_id INTEGER NOT NULL REFERENCES card(id), text TEXT NOT NULL," \
	" norm TEXT NOT NULL, line INTEGER NOT NULL);\n" \
	"CREATE TABLE code(card_id INTEGER NOT NULL REFERENCES card(id)," \
	" code TEXT NOT NULL, kind TEXT NOT NULL, line INTEGER NOT NULL);\n" \
	"CREATE TABLE step(card_id INTEGER NOT NULL REFERENCES card(id)," \
	" ord INTEGER NOT NULL, depth INTEGER NOT NULL, text TEXT NOT NULL," \
	" note TEXT NOT NULL, line INTEGER NOT NULL);\n" \
	"CREATE TABLE link(card_id INTEGER NOT NULL REFERENCES card(id)," \
	" target TEXT NOT NULL, text TEXT NOT NULL, line INTEGER NOT NULL);\n" \
	"CREATE TABLE synonym(term TEXT NOT NULL, expansion TEXT NOT NULL);\n" \
	"CREATE TABLE card_sig(card_id INTEGER PRIMARY KEY" \
	" REFERENCES card(id), sig BLOB NOT NULL);\n" \
	"CREATE VIRTUAL TABLE card_fts USING fts5(title, symptom, errors," \
	" cause, steps, tokenize='" KB_FTS_TOKENIZE "');\n" \
	"CREATE VIRTUAL TABLE card_vocab USING fts5vocab(card_fts, 'row');\n" \
	"CREATE VIRTUAL TABLE errstr_tri USING fts5(norm," \
	" tokenize='trigram');\n" \
	"CREATE TABLE term_df(term TEXT PRIMARY KEY, df INTEGER NOT NULL)" \
	" WITHOUT ROWID;\n"

/*
 * The indexes of those tables.  A full build creates them after the last
 * row (one sort each, instead of keeping them ordered at every insert);
 * a delta build finds them in the index it copies.
 */
#define KB_SCHEMA_INDEXES \
	"CREATE INDEX doc_include_doc ON doc_include(doc_id);\n" \
	"CREATE INDEX card_doc ON card(doc_id, ord);\n" \
	"CREATE INDEX card_dup ON card(dup_of) WHERE dup_of IS NOT NULL;\n" \
	"CREATE INDEX section_card ON section(card_id);\n" \
	"CREATE INDEX errstr_norm ON errstr(norm);\n" \
	"CREATE INDEX errstr_card ON errstr(card_id);\n" \
	"CREATE INDEX code_code ON code(code);\n" \
	"CREATE INDEX code_card ON code(card_id);\n" \
	"CREATE INDEX step_card ON step(card_id, ord);\n" \
	"CREATE INDEX link_card ON link(card_id);\n" \
	"CREATE INDEX synonym_term ON synonym(term);\n"

/* card_fts column numbers, for bm25() weights and highlight(). */
enum kb_fts_col {
	FTS_TITLE,
	FTS_SYMPTOM,
	FTS_ERRORS,
	FTS_CAUSE,
	FTS_STEPS,
	FTS__MAX
};

#endif
