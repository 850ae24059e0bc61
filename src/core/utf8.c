/*
 * utf8.c - UTF-8 decoding for validation and for the word-boundary rule.
 */
#include "core/utf8.h"
#include "core/wordchars.h"

int skidx_cp_is_word_table(uint32_t cp)
{
    if (cp >= SKIDX_WORDCHARS_LIMIT)
        return 0;
    unsigned k = skidx_wordchar_page[cp >> 8];
    if (k < 2)
        return (int)k;
    return (int)(skidx_wordchar_bits[k - 2][(cp >> 6) & 3] >> (cp & 63)) & 1;
}

/* Decode one character at s[0..n). Returns its length (1..4) and the code
 * point, or 0 when the bytes are not a valid sequence. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t skidx_utf8_check(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* ASCII fast path, eight bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            __builtin_memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t l = decode(p + i, n - i, &cp);
        if (!l)
            return i;
        i += l;
    }
    return SIZE_MAX;
}

int skidx_cp_is_unspaced_letter(uint32_t cp)
{
    return (cp >= 0x0E00 && cp <= 0x0EFF) ||   /* Thai, Lao */
           (cp >= 0x1000 && cp <= 0x109F) ||   /* Myanmar */
           (cp >= 0x1780 && cp <= 0x17FF) ||   /* Khmer */
           (cp >= 0x3041 && cp <= 0x30FF && cp != 0x30FB) || /* Kana */
           (cp >= 0x3400 && cp <= 0x4DBF) ||   /* Han ext. A */
           (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* Han */
           (cp >= 0xAC00 && cp <= 0xD7AF) ||   /* Hangul syllables */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* Han compatibility */
           (cp >= 0x20000 && cp <= 0x3134F);   /* Han ext. B-G */
}

int skidx_letter_before(const char *text, size_t pos)
{
    const unsigned char *t = (const unsigned char *)text;
    if (pos == 0)
        return 0;
    if (t[pos - 1] < 0x80)
        return skidx_cp_is_word(t[pos - 1]);
    size_t start = pos - 1, back = 0;
    while (start > 0 && (t[start] & 0xC0) == 0x80 && back < 3)
        start--, back++;
    uint32_t cp;
    if (decode(t + start, pos - start, &cp) != pos - start)
        return 0;
    return skidx_cp_is_word(cp) || skidx_cp_is_unspaced_letter(cp);
}

int skidx_word_before(const char *text, size_t pos)
{
    const unsigned char *t = (const unsigned char *)text;
    if (pos == 0)
        return 0;
    unsigned char c = t[pos - 1];
    if (c < 0x80)
        return skidx_cp_is_word(c);
    /* walk back to the lead byte: at most 3 continuation bytes */
    size_t start = pos - 1, back = 0;
    while (start > 0 && (t[start] & 0xC0) == 0x80 && back < 3)
        start--, back++;
    uint32_t cp;
    size_t l = decode(t + start, pos - start, &cp);
    if (l != pos - start)
        return 0;
    return skidx_cp_is_word(cp);
}

int skidx_word_at(const char *text, size_t len, size_t pos)
{
    const unsigned char *t = (const unsigned char *)text;
    if (pos >= len)
        return 0;
    if (t[pos] < 0x80)
        return skidx_cp_is_word(t[pos]);
    uint32_t cp;
    if (!decode(t + pos, len - pos, &cp))
        return 0;
    return skidx_cp_is_word(cp);
}

int skidx_starts_word(const char *s, size_t n)
{
    return skidx_word_at(s, n, 0);
}

int skidx_ends_word(const char *s, size_t n)
{
    return skidx_word_before(s, n);
}
