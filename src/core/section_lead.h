/*
 * section_lead.h - the company's own text in posts that open with a
 * "Company | Role | Place" line (the Hacker News "Who is hiring" form),
 * and the company's own name.
 *
 * Such posts rarely have headings, so the section rules (section.h) see
 * their company paragraphs as text before the first heading, which
 * counts. The rules here (taxonomy/FORMAT.md, "Company text without
 * headings"):
 *
 * - Header line: the text's first line (up to the first '\n') holds at
 *   least two '|' and does not start with one (a table row does). Its
 *   first '|'-separated field, trimmed of spaces and markdown marks and
 *   cut before a '(' ("MixRank (YC S11)"), is the company's name.
 * - Lead: the paragraphs after the header line (a paragraph is a run of
 *   lines without a blank one; a blank line holds only spaces, tabs or
 *   '\r'), from the first, as long as none addresses the candidate or
 *   names the role's work: the first paragraph holding one of the cue
 *   words you, your, yours, join, hiring, seeking, role(s),
 *   position(s), candidate(s), requirement(s), responsibility /
 *   responsibilities, stack, apply, ideal, or the phrases "looking for",
 *   "looking to", "we need", "we want", "we use", "we're using", "we are
 *   using", "we work with", "tech:" (caseless, whole words) ends the
 *   lead: its sentences before the cue's sentence (a sentence ends at
 *   '.', '!' or '?' before a space, TAB or line break) are still lead,
 *   and the cue's sentence and all after it count. The caller also ends
 *   the lead at the first heading.
 * - Background: in such a post, a sentence that names the company's
 *   investors or its people's past employers (it holds, caselessly and
 *   as whole words, "investor(s)", "founders of", "cofounders of",
 *   "formerly at", "formerly of" or "formerly with") is the company's
 *   text wherever it stands ("backed by investors including the founders
 *   of GitHub and Slack", "engineers formerly at Google and AWS"). A
 *   sentence ends at a line break, at '<' or '>' (HTML tags), or after
 *   '.', '!' or '?' before a space, TAB, line break or '<'; at most 600
 *   bytes either side of a hit are read.
 * - Name: a hit whose text is, caselessly, the company's name (the
 *   posting's company field, or the header line's first field) names
 *   the company, not a skill; so is the name without a trailing web
 *   suffix (".ai", ".io", ".com", ".dev", ".tech", ".co", ".app",
 *   ".xyz") or trailing generic words (Inc, Labs, Technologies, Ltd,
 *   LLC, GmbH, AI, Corp, Group, Software, Systems, ...): "Notion Labs"
 *   names "Notion".
 *
 * Pure functions of their arguments; no allocation; thread-safe.
 */
#ifndef SKIDX_CORE_SECTION_LEAD_H
#define SKIDX_CORE_SECTION_LEAD_H

#include <stddef.h>
#include <stdint.h>

struct skidx_lead {
    uint32_t start, end;     /* the lead paragraphs [start, end) of the
                                text; start == end: no lead */
    uint32_t name, name_len; /* the company's name in the header line;
                                name_len 0: none */
};

/* Find the header line, lead and name of text[0..len) (len < 4 GiB).
 * Returns 1 when the text opens with a header line (out filled), else 0
 * (out zeroed). */
int skidx_lead_find(const char *text, size_t len, struct skidx_lead *out);

/* 1 when the sentence of text[0..len) that holds byte `at` is
 * background text by the rule above, else 0. */
int skidx_lead_background(const char *text, size_t len, size_t at);

/* A company name prepared for skidx_lead_name_is(): its trimmed text and
 * the lengths of the forms that name it (whole, without the web suffix,
 * without each generic tail). Points into the name given. */
struct skidx_lead_name {
    const char *p;
    unsigned n;       /* forms; 0: no name */
    uint32_t len[8];  /* longest first */
};
void skidx_lead_name_init(struct skidx_lead_name *nm, const char *name,
                          size_t name_len);
/* 1 when s[0..n) is, caselessly, one of the forms of the name. */
int skidx_lead_name_is(const struct skidx_lead_name *nm, const char *s,
                       size_t n);

/* 1 when s[0..n) names the company name[0..name_len) by the rule above
 * (name as written in a company field or header line: spaces, marks and
 * a parenthesised tail are trimmed here), else 0. */
int skidx_lead_is_name(const char *s, size_t n, const char *name,
                       size_t name_len);

#endif
