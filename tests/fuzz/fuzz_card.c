/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: bytes as a document through the compiler's stages
 * (read checks, guards, front matter, plain-text recovery, cmark, outline,
 * classify, extract) to the --dump JSON.  Beyond "no crash, no leak", the
 * JSON must be valid UTF-8 with no raw control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "classify.h"
#include "extract.h"
#include "guard.h"
#include "msg.h"
#include "outline.h"
#include "parse.h"
#include "read.h"
#include "util.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The fuzzer's documents stay small so each input runs in milliseconds. */
#define FUZZ_DOC_MAX	65536

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct read_text rt;
	struct parse_meta meta;
	struct outline	 o;
	struct kb_doc	*doc;
	struct cmark_node *root;
	struct strbuf	 json = { 0 };
	char		*buf, *md = NULL;
	size_t		 len, i;
	int		 plain;

	if (size == 0 || size > FUZZ_DOC_MAX)
		return 0;
	msg_init("fuzz_card", 1);
	/* the first byte picks markdown or plain-text handling */
	plain = data[0] & 1;
	buf = xmalloc(size);
	memcpy(buf, data + 1, size - 1);
	if (read_buffer(buf, size - 1, "fuzz.txt", &rt) == -1)
		return 0;
	if (guard_check(rt.text, rt.len, "fuzz.txt") == -1) {
		free(rt.text);
		return 0;
	}
	parse_front_matter(rt.text, "fuzz.txt", &meta);
	len = rt.len;
	if (plain && !outline_is_markdown(rt.text))
		md = outline_recover_plain(rt.text, &len);
	root = parse_markdown(md ? md : rt.text, len);
	outline_build(root, "fuzz.txt", &o);
	classify_outline(&o);
	doc = kb_doc_new("fuzz", meta.title ? meta.title : "fuzz");
	extract_cards(&o, "fuzz.txt", doc);
	kb_doc_json(doc, &json);
	for (i = 0; i < json.len; i++)
		if ((unsigned char)json.buf[i] < 0x20 && json.buf[i] != '\n')
			abort();	/* a control character escaped JSON */
	sb_release(&json);
	kb_doc_free(doc);
	outline_release(&o);
	parse_free(root);
	parse_meta_release(&meta);
	free(md);
	free(rt.text);
	return 0;
}
