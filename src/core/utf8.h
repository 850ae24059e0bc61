/*
 * utf8.h - UTF-8 validation and the word-character rule shared by every
 * matching engine (taxonomy/FORMAT.md, "Word boundaries").
 */
#ifndef SKIDX_CORE_UTF8_H
#define SKIDX_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Offset of the first byte of the first invalid sequence, or SIZE_MAX
 * when s[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
size_t skidx_utf8_check(const char *s, size_t n);

/* Is the code point a word character? (taxonomy/FORMAT.md, "How text is
 * read".) ASCII letters, digits and '_'; full-width ASCII letters and
 * digits; letters, combining marks and decimal digits of the scripts
 * written with spaces between words (Latin, Greek, Cyrillic, Armenian,
 * Hebrew, Arabic, Devanagari, ...). Not: Han, Kana, Hangul, Thai, Lao,
 * Khmer, Myanmar and other scripts that run words together, and no
 * punctuation mark, symbol or space, full-width and CJK ones included.
 * Non-ASCII code points are looked up in the generated table of
 * core/wordchars.h (scripts/gen_wordchars.py). */
int skidx_cp_is_word_table(uint32_t cp);

static inline int skidx_cp_is_word(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
               (cp >= 'A' && cp <= 'Z') || cp == '_';
    return skidx_cp_is_word_table(cp);
}

/* The ASCII byte that the character at t[i..len) folds to, with its
 * length in *n, or 0 (*n is then the bytes to pass over when the lead
 * byte is one of them): U+FF01-FF5E (EF BC 81-BF, EF BD 80-9E) to
 * 0x21-0x7E, U+3000 (E3 80 80) and the no-break space U+00A0 (C2 A0) to
 * ' ', the hyphen U+2010 and the non-breaking hyphen U+2011
 * (E2 80 90-91) to '-'. The matcher reads text so (taxonomy/FORMAT.md,
 * "Full-width forms"), and the taxonomy its literal aliases, so that an
 * alias written with such a form matches. */
static inline unsigned char skidx_fold_wide(const unsigned char *t,
                                            size_t len, size_t i, size_t *n)
{
    if (t[i] == 0xC2) {
        *n = 2;
        return len - i >= 2 && t[i + 1] == 0xA0 ? ' ' : 0;
    }
    *n = 3;
    if (len - i < 3)
        return 0;
    if (t[i] == 0xE2)
        return t[i + 1] == 0x80 && (t[i + 2] == 0x90 || t[i + 2] == 0x91)
                   ? '-'
                   : 0;
    if (t[i] == 0xEF) {
        if (t[i + 1] == 0xBC && t[i + 2] >= 0x81 && t[i + 2] <= 0xBF)
            return (unsigned char)(t[i + 2] - 0x60);
        if (t[i + 1] == 0xBD && t[i + 2] >= 0x80 && t[i + 2] <= 0x9E)
            return (unsigned char)(t[i + 2] - 0x20);
    } else if (t[i] == 0xE3 && t[i + 1] == 0x80 && t[i + 2] == 0x80) {
        return ' ';
    }
    return 0;
}

/* Is the character that ends just before text[pos] a word character?
 * (pos == 0: no.) Invalid UTF-8 counts as a non-word character. */
int skidx_word_before(const char *text, size_t pos);

/* Is the character starting at text[pos] a word character? (pos == len: no.) */
int skidx_word_at(const char *text, size_t len, size_t pos);

/* Is the code point a letter of a script written without spaces between
 * words (Han, Kana, Hangul, Thai, Lao, Khmer, Myanmar)? */
int skidx_cp_is_unspaced_letter(uint32_t cp);

/* Is the character that ends just before text[pos] a letter or digit of
 * any script: a word character or a letter of a script written without
 * spaces? (pos == 0 or invalid UTF-8: no.) */
int skidx_letter_before(const char *text, size_t pos);

/* First / last character of s[0..n) is a word character. */
int skidx_starts_word(const char *s, size_t n);
int skidx_ends_word(const char *s, size_t n);

#endif
