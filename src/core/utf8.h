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

/* Is the code point a word character? ASCII letters, digits and '_', and
 * non-ASCII letters: U+00C0 and up apart from the punctuation blocks
 * U+2000-206F, U+3000-303F, U+FE30-FE4F and U+00D7, U+00F7. */
static inline int skidx_cp_is_word(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
               (cp >= 'A' && cp <= 'Z') || cp == '_';
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return 0;
    if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || cp == 0xFFFD)
        return 0;
    return 1;
}

/* Is the character that ends just before text[pos] a word character?
 * (pos == 0: no.) Invalid UTF-8 counts as a non-word character. */
int skidx_word_before(const char *text, size_t pos);

/* Is the character starting at text[pos] a word character? (pos == len: no.) */
int skidx_word_at(const char *text, size_t len, size_t pos);

/* First / last character of s[0..n) is a word character. */
int skidx_starts_word(const char *s, size_t n);
int skidx_ends_word(const char *s, size_t n);

#endif
