/*
 * fuzz_sections.c - libFuzzer target for sections.tsv parsing and the
 * section splitter.
 *
 * An input is sections.tsv, a 0xFF byte, then a description (no 0xFF: the
 * description is empty). The rules are parsed with
 * skidx_section_rules_parse; on success the description is split on the
 * portable and the AVX2 path, with every heading and in the counting mode.
 * Checked invariants: an error names a line inside the file; sections are
 * in ascending order, start <= body <= the text's length, kinds valid;
 * both paths give the same sections; the counting mode gives the same
 * count for every byte, mode 2 (counting and preferred, for the posting
 * index) the same count and the same preferred-or-not for every byte,
 * and the split up to a byte (an offset taken from the text's length) the
 * same count for every byte up to it.
 *
 * Build and run: scripts/fuzz.sh (see tests/fuzz/README.md).
 */
#include "core/section.h"
#include "core/simd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(const struct skidx_sections *s, size_t len)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct skidx_section *x = &s->s[i];
        if (x->start > x->body || x->body > len ||
            x->kind == SKIDX_SEC_NONE || x->kind >= SKIDX_SEC_COUNT ||
            (i && s->s[i - 1].start >= x->start))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, 0xFF, size);
    const size_t rules_len = sep ? (size_t)(sep - data) : size;
    const char *text = sep ? (const char *)sep + 1 : "";
    const size_t text_len = sep ? size - rules_len - 1 : 0;

    struct skidx_section_rules r;
    struct skidx_error err;
    memset(&r, 0, sizeof(r));
    skidx_error_clear(&err);
    skidx_status st = skidx_section_rules_parse(&r, "fuzz/sections.tsv",
                                                (const char *)data,
                                                rules_len, &err);
    if (st) {
        size_t lines = 1;
        for (size_t i = 0; i < rules_len; i++)
            lines += data[i] == '\n';
        if ((st != SKIDX_ERR_TAXONOMY && st != SKIDX_ERR_NOMEM) ||
            err.status != st || !err.msg[0] ||
            (st == SKIDX_ERR_TAXONOMY &&
             (err.line == 0 || err.line > lines)))
            abort();
        skidx_section_rules_release(&r);
        return 0;
    }
    struct skidx_sections a, b, c;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&c, 0, sizeof(c));
    if (skidx_sections_split(&r, text, text_len, &a, SKIDX_SIMD_SCALAR) ||
        skidx_sections_split(&r, text, text_len, &b, SKIDX_SIMD_BEST) ||
        skidx_sections_split_mode(&r, text, text_len, &c, SKIDX_SIMD_BEST,
                                  0))
        abort();
    check(&a, text_len);
    check(&c, text_len);
    if (a.n != b.n || a.excluded != b.excluded || c.excluded != a.excluded)
        abort();
    for (size_t i = 0; i < a.n; i++)
        if (a.s[i].start != b.s[i].start || a.s[i].body != b.s[i].body ||
            a.s[i].kind != b.s[i].kind || a.s[i].rule != b.s[i].rule)
            abort();
    for (size_t off = 0; off < text_len; off++)
        if (skidx_section_counts(skidx_sections_kind_at(&a, (uint32_t)off)) !=
            skidx_section_counts(skidx_sections_kind_at(&c, (uint32_t)off)))
            abort();
    if (skidx_sections_split_mode(&r, text, text_len, &c, SKIDX_SIMD_BEST,
                                  2))
        abort();
    check(&c, text_len);
    for (size_t off = 0; off < text_len; off++) {
        const int ka = skidx_sections_kind_at(&a, (uint32_t)off);
        const int kc = skidx_sections_kind_at(&c, (uint32_t)off);
        if (skidx_section_counts(ka) != skidx_section_counts(kc) ||
            (ka == SKIDX_SEC_PREFERRED) != (kc == SKIDX_SEC_PREFERRED))
            abort();
    }
    size_t upto = text_len ? (text_len * 7919u) % text_len : 0;
    if (skidx_sections_split_upto(&r, text, text_len, &c, SKIDX_SIMD_SCALAR,
                                  0, upto))
        abort();
    check(&c, text_len);
    for (size_t off = 0; off <= upto && off < text_len; off++)
        if (skidx_section_counts(skidx_sections_kind_at(&a, (uint32_t)off)) !=
            skidx_section_counts(skidx_sections_kind_at(&c, (uint32_t)off)))
            abort();
    skidx_sections_release(&a);
    skidx_sections_release(&b);
    skidx_sections_release(&c);
    skidx_section_rules_release(&r);
    return 0;
}
