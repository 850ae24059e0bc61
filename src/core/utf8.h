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
