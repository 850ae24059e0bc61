/*
 * jsonl.c - pull the wanted fields out of one JSON Lines record.
 *
 * One forward pass over the line, no DOM, no recursion: nested values are
 * skipped by an iterative loop whose open containers live in a 64-bit stack
 * (one bit per level: object or array), which is exactly as deep as
 * SKIDX_JSONL_MAX_DEPTH allows.
 *
 * The hot loop is string scanning: a posting is mostly one long description.
 * A scanner finds the next byte that needs attention, 32 bytes at a time with
 * AVX2 (chosen at run time) or 8 at a time with portable SWAR tricks, whose
 * results are identical by construction (both return the first byte of the
 * same class):
 *   - plain strings (keys, unwanted values): '"', '\\' or a byte < 0x20;
 *   - wanted strings: the same, or a byte >= 0x80 (UTF-8 to validate).
 * A wanted string without escapes and with valid UTF-8 is returned as a
 * pointer into the line; otherwise it is rebuilt at the end of the scratch
 * buffer by a scanner that stores each block as it checks it (so plain runs
 * cost no extra pass) and the decoded pieces in between. Scratch
 * values are kept as offsets while parsing (the buffer may move when it
 * grows) and turned into pointers at the end.
 *
 * Invariants: every read is checked against `end` (the line's end); every
 * write into the scratch is preceded by a capacity check.
 */
#include "io/jsonl.h"
#include "core/error.h"
#include "core/simd.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define JSONL_X86 1
#else
#define JSONL_X86 0
#endif

typedef unsigned char u8;

#define NO_OFF SIZE_MAX /* a value that points into the line */
#define PARSE_NOMEM (SKIDX_CAUSE_COUNT + 1)

/* ------------------------------------------------------------------------ */
/* Keys                                                                       */

static const char *const field_names[SKIDX_F_COUNT] = {
    [SKIDX_F_ID] = "id",
    [SKIDX_F_TITLE] = "title",
    [SKIDX_F_DESCRIPTION] = "description",
    [SKIDX_F_COMPANY] = "company",
    [SKIDX_F_LOCATION] = "location",
    [SKIDX_F_POSTED] = "posted",
    [SKIDX_F_SALARY_MIN] = "salary_min",
    [SKIDX_F_SALARY_MAX] = "salary_max",
    [SKIDX_F_SALARY_PERIOD] = "salary_period",
    [SKIDX_F_CURRENCY] = "currency",
    [SKIDX_F_SENIORITY] = "seniority",
};

const char *skidx_field_name(unsigned field)
{
    return field < SKIDX_F_COUNT ? field_names[field] : NULL;
}

void skidx_jsonl_keys_default(struct skidx_jsonl_keys *keys)
{
    memset(keys, 0, sizeof(*keys));
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
        const size_t n = strlen(field_names[i]);
        memcpy(keys->name[i], field_names[i], n + 1);
        keys->len[i] = n;
    }
}

static skidx_status keys_remap(struct skidx_jsonl_keys *keys,
                               const char *spec, int once,
                               struct skidx_error *err)
{
    if (!spec)
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "missing field mapping");
    const char *eq = strchr(spec, '=');
    if (!eq)
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF,
                          "invalid field mapping '%s': expected FIELD=KEY",
                          spec);
    const size_t flen = (size_t)(eq - spec);
    unsigned field = SKIDX_F_COUNT;
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
        if (strlen(field_names[i]) == flen &&
            memcmp(field_names[i], spec, flen) == 0) {
            field = i;
            break;
        }
    }
    if (field == SKIDX_F_COUNT)
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "unknown field '%.*s' in '%s'",
                          (int)(flen > 64 ? 64 : flen), spec, spec);
    const char *key = eq + 1;
    const size_t klen = strlen(key);
    if (klen == 0)
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF, "empty key for field '%s'",
                          field_names[field]);
    if (klen >= sizeof(keys->name[0]))
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF,
                          "key for field '%s' is too long (%zu bytes, at "
                          "most %zu)",
                          field_names[field], klen,
                          sizeof(keys->name[0]) - 1);
    /* (once) a field mapped twice to two keys is a mistake (which one
     * was meant?), not "the last wins"; the same mapping again is
     * harmless */
    if (once && (keys->given >> field & 1) &&
        (keys->len[field] != klen || memcmp(keys->name[field], key, klen)))
        return skidx_fail(err, SKIDX_ERR_USAGE, NULL, SKIDX_NOLINE,
                          SKIDX_NOOFF,
                          "field '%s' is mapped twice, to '%s' and to '%s'",
                          field_names[field], keys->name[field], key);
    memcpy(keys->name[field], key, klen + 1);
    keys->len[field] = klen;
    keys->given |= 1u << field;
    return SKIDX_OK;
}

skidx_status skidx_jsonl_keys_remap(struct skidx_jsonl_keys *keys,
                                    const char *spec,
                                    struct skidx_error *err)
{
    return keys_remap(keys, spec, 0, err);
}

skidx_status skidx_jsonl_keys_remap_once(struct skidx_jsonl_keys *keys,
                                         const char *spec,
                                         struct skidx_error *err)
{
    return keys_remap(keys, spec, 1, err);
}

void skidx_jbuf_release(struct skidx_jbuf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Scanners                                                                   */

/* Implementation choice: 0 = pick at run time, 1 = force the portable
 * path, 2 = AVX2 only (no AVX-512 string copy). Written only by tests and
 * benchmarks, before any parsing starts. */
static int jsonl_mode;

/* The scanners a parse uses: 0 portable, 1 AVX2, 2 AVX2 + the AVX-512
 * string copy; jsonl_mode is an enum skidx_simd_mode (core/simd.h). */
static int jsonl_pick(void)
{
#if JSONL_X86
    const int mode = skidx_simd_mode(jsonl_mode);
    if (mode == SKIDX_SIMD_SCALAR || !__builtin_cpu_supports("avx2"))
        return 0;
    if (mode == SKIDX_SIMD_BEST && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vbmi") &&
        __builtin_cpu_supports("avx512vbmi2"))
        return 2;
    return 1;
#else
    return 0;
#endif
}

static int jsonl_path = -1; /* jsonl_pick(), worked out once */

static inline int jsonl_simd(void)
{
    int p = __atomic_load_n(&jsonl_path, __ATOMIC_RELAXED);
    if (p < 0) {
        p = jsonl_pick();
        __atomic_store_n(&jsonl_path, p, __ATOMIC_RELAXED);
    }
    return p;
}

/* Internal test hooks (not in jsonl.h), not thread-safe: call them before
 * parsing starts. skidx_jsonl_simd_mode_ sets jsonl_mode and returns the
 * scanners now in use (as jsonl_simd); skidx_jsonl_force_scalar_(1) is
 * mode 1, (0) mode 0, and returns 1 when vector scanners are in use. */
int skidx_jsonl_simd_mode_(int mode);
int skidx_jsonl_simd_mode_(int mode)
{
    jsonl_mode = mode;
    jsonl_path = jsonl_pick();
    return jsonl_path;
}
int skidx_jsonl_force_scalar_(int on);
int skidx_jsonl_force_scalar_(int on)
{
    return skidx_jsonl_simd_mode_(on ? 1 : 0) != 0;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* SWAR: the lowest flagged byte of each test below is exact (a false flag
 * can only appear above a true one, through a borrow), so the lowest flagged
 * byte of their union is the first byte of the class. Little-endian only;
 * other machines take the byte loop. */
static inline const u8 *scan_swar(const u8 *p, const u8 *end, int hi)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (end - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        const uint64_t q = x ^ (ONES * '"');
        const uint64_t b = x ^ (ONES * '\\');
        uint64_t t = ((q - ONES) & ~q) | ((b - ONES) & ~b) |
                     ((x - ONES * 0x20) & ~x);
        if (hi)
            t |= x;
        t &= HIGHS;
        if (t)
            return p + (__builtin_ctzll(t) >> 3);
        p += 8;
    }
#endif
    for (; p < end; p++) {
        const u8 c = *p;
        if (c == '"' || c == '\\' || c < 0x20 || (hi && c >= 0x80))
            return p;
    }
    return p;
}

/* Like scan_swar(p, end, 1), and also copy the bytes before the stop to
 * *dp (advanced past them). It may store up to the whole rest of the line
 * at *dp, so the caller must have room for end - p bytes there. */
static inline const u8 *scan_copy_swar(const u8 *p, const u8 *end, u8 **dp)
{
    u8 *d = *dp;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (end - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        memcpy(d, &x, 8);
        const uint64_t q = x ^ (ONES * '"');
        const uint64_t b = x ^ (ONES * '\\');
        const uint64_t t = (((q - ONES) & ~q) | ((b - ONES) & ~b) |
                            ((x - ONES * 0x20) & ~x) | x) &
                           HIGHS;
        if (t) {
            const unsigned k = (unsigned)__builtin_ctzll(t) >> 3;
            *dp = d + k;
            return p + k;
        }
        p += 8;
        d += 8;
    }
#endif
    for (; p < end; p++) {
        const u8 c = *p;
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            break;
        *d++ = c;
    }
    *dp = d;
    return p;
}

#if JSONL_X86
/* AVX2: 64 bytes per round, then the SWAR loop for the last < 64 bytes.
 * For `hi`, one signed compare catches both c < 0x20 and c >= 0x80. */
__attribute__((target("avx2"))) static const u8 *
scan_avx2(const u8 *p, const u8 *end, int hi)
{
    const __m256i vq = _mm256_set1_epi8('"');
    const __m256i vb = _mm256_set1_epi8('\\');
    const __m256i v1f = _mm256_set1_epi8(0x1f);
    const __m256i v20 = _mm256_set1_epi8(0x20);
    while (end - p >= 64) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
        const __m256i c =
            _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
        __m256i ma, mc;
        if (hi) {
            ma = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(a, vq),
                                _mm256_cmpeq_epi8(a, vb)),
                _mm256_cmpgt_epi8(v20, a));
            mc = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(c, vq),
                                _mm256_cmpeq_epi8(c, vb)),
                _mm256_cmpgt_epi8(v20, c));
        } else {
            ma = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(a, vq),
                                _mm256_cmpeq_epi8(a, vb)),
                _mm256_cmpeq_epi8(_mm256_max_epu8(a, v1f), v1f));
            mc = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(c, vq),
                                _mm256_cmpeq_epi8(c, vb)),
                _mm256_cmpeq_epi8(_mm256_max_epu8(c, v1f), v1f));
        }
        if (!_mm256_testz_si256(_mm256_or_si256(ma, mc),
                                _mm256_or_si256(ma, mc))) {
            const uint64_t m =
                (uint64_t)(uint32_t)_mm256_movemask_epi8(ma) |
                ((uint64_t)(uint32_t)_mm256_movemask_epi8(mc) << 32);
            return p + __builtin_ctzll(m);
        }
        p += 64;
    }
    if (end - p >= 32) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
        __m256i ma = _mm256_or_si256(_mm256_cmpeq_epi8(a, vq),
                                     _mm256_cmpeq_epi8(a, vb));
        ma = _mm256_or_si256(
            ma, hi ? _mm256_cmpgt_epi8(v20, a)
                   : _mm256_cmpeq_epi8(_mm256_max_epu8(a, v1f), v1f));
        const uint32_t m = (uint32_t)_mm256_movemask_epi8(ma);
        if (m)
            return p + __builtin_ctz(m);
        p += 32;
    }
    return scan_swar(p, end, hi);
}

__attribute__((target("avx2"))) static const u8 *
scan_plain_avx2(const u8 *p, const u8 *end)
{
    return scan_avx2(p, end, 0);
}

/* scan_avx2(p, end, 0) with 64-byte compares (AVX-512 BW) and the last
 * bytes by a masked load: keys and skipped strings are short, so most
 * calls end in one block. */
__attribute__((target("avx512f,avx512bw,bmi"))) static const u8 *
scan_plain_avx512(const u8 *p, const u8 *end)
{
    const __m512i vq = _mm512_set1_epi8('"'), vb = _mm512_set1_epi8('\\');
    const __m512i v20 = _mm512_set1_epi8(0x20);
    for (;;) {
        const size_t n = (size_t)(end - p);
        const __mmask64 in = n >= 64 ? ~0ull : (1ull << n) - 1;
        const __m512i c = _mm512_maskz_loadu_epi8(in, (const void *)p);
        const uint64_t stop = (_mm512_cmpeq_epi8_mask(c, vq) |
                               _mm512_cmpeq_epi8_mask(c, vb) |
                               _mm512_cmplt_epu8_mask(c, v20)) &
                              in;
        if (stop)
            return p + __builtin_ctzll(stop);
        if (n <= 64)
            return end;
        p += 64;
    }
}

/* The classes of a block's bytes for utf8_whole_bits() (bit i: byte i):
 * continuation bytes (80-BF), the leads of two, three and four bytes
 * (C2-DF, E0-EF, F0-F4), the bytes after one below A0 and below 90 (bit
 * i: byte i + 1), and the leads E0, ED, F0 and F4. */
struct utf8_classes {
    uint64_t cont, l2, l3, l4, lo_a0, lo_90, e0, ed, f0, f4;
};

/* The bytes of a block of w bytes (32 or 64) that belong to a whole,
 * valid UTF-8 sequence inside it (utf8_whole_avx512() says which), and in
 * *tail the leads whose sequence would end past it (its last three
 * bytes). */
static inline uint64_t utf8_whole_bits(const struct utf8_classes *k,
                                       unsigned w, uint64_t *tail)
{
    const uint64_t c1 = k->cont >> 1, c2 = k->cont >> 2, c3 = k->cont >> 3;
    const uint64_t ok2 = k->l2 & c1;
    const uint64_t ok3 = k->l3 & c1 & c2 & ~(k->e0 & k->lo_a0) &
                         ~(k->ed & ~k->lo_a0);
    const uint64_t ok4 = k->l4 & c1 & c2 & c3 & ~(k->f0 & k->lo_90) &
                         ~(k->f4 & ~k->lo_90);
    const uint64_t top = 1ull << (w - 1);
    *tail = ((k->l2 | k->l3 | k->l4) & top) | ((k->l3 | k->l4) & top >> 1) |
            (k->l4 & top >> 2);
    return ok2 | ok2 << 1 | ok3 | ok3 << 1 | ok3 << 2 | ok4 | ok4 << 1 |
           ok4 << 2 | ok4 << 3;
}

/* utf8_whole_avx512() for a 32-byte block (bit i: byte i), with signed
 * compares of the bytes XOR 0x80 for the unsigned ranges. */
__attribute__((target("avx2"))) static inline uint32_t
utf8_whole_avx2(__m256i c, uint32_t hi, uint32_t *tail)
{
    const __m256i x = _mm256_xor_si256(c, _mm256_set1_epi8((char)0x80));
#define IN(lo, hi_) /* c in [lo, hi_], both >= 0x80 */                     \
    (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(                       \
        _mm256_cmpgt_epi8(x, _mm256_set1_epi8((char)((lo) - 0x81))),      \
        _mm256_cmpgt_epi8(_mm256_set1_epi8((char)((hi_) - 0x7F)), x)))
#define EQ(v)                                                              \
    (uint32_t)_mm256_movemask_epi8(                                        \
        _mm256_cmpeq_epi8(c, _mm256_set1_epi8((char)(v))))
    const uint32_t cont = hi & IN(0x80, 0xBF);
    const uint32_t l2 = IN(0xC2, 0xDF), l3 = IN(0xE0, 0xEF),
                   l4 = IN(0xF0, 0xF4);
    /* below A0 / below 90 (bytes >= 0x80; others are no continuation) */
    const uint32_t lo_a0 = IN(0x80, 0x9F) >> 1, lo_90 = IN(0x80, 0x8F) >> 1;
    const uint32_t e0 = EQ(0xE0), ed = EQ(0xED), f0 = EQ(0xF0), f4 = EQ(0xF4);
#undef IN
#undef EQ
    const struct utf8_classes k = {cont, l2, l3, l4, lo_a0, lo_90,
                                   e0, ed, f0, f4};
    uint64_t t;
    const uint32_t whole = (uint32_t)utf8_whole_bits(&k, 32, &t);
    *tail = (uint32_t)t;
    return whole;
}

/* scan_avx2(p, end, 1) with whole valid UTF-8 sequences taken as plain
 * bytes (utf8_whole_avx2), 32 bytes a step, going on from a lead the
 * block's end cuts; the portable scan for the last < 32 bytes. */
__attribute__((target("avx2"))) static const u8 *
scan_wanted_avx2(const u8 *p, const u8 *end)
{
    const __m256i vq = _mm256_set1_epi8('"'), vb = _mm256_set1_epi8('\\');
    const __m256i v20 = _mm256_set1_epi8(0x20);
    while (end - p >= 32) {
        const __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)p);
        const uint32_t hi = (uint32_t)_mm256_movemask_epi8(c);
        /* '"', '\\', and below 0x20 (signed: the bytes >= 0x80 too) */
        uint32_t stop = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(c, vq),
                            _mm256_cmpeq_epi8(c, vb)),
            _mm256_cmpgt_epi8(v20, c)));
        uint32_t tail = 0;
        if (hi)
            stop &= ~utf8_whole_avx2(c, hi, &tail);
        if (stop) {
            const unsigned k = (unsigned)__builtin_ctz(stop);
            if (!(tail >> k & 1))
                return p + k;
            p += k; /* a sequence the block's end cuts: the next block */
            continue;
        }
        p += 32;
    }
    return scan_swar(p, end, 1);
}

static inline long hex4(const u8 *p);
static inline size_t utf8_put(u8 *o, unsigned long cp);
static inline size_t utf8_seq(const u8 *p, const u8 *end, size_t *bad);

/* The byte a one-letter escape \c stands for (c one of " \\ / b f n r t),
 * else 0 (no such escape decodes to 0). */
static const u8 one_letter[256] = {
    ['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
    ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
};

/* A stop of the vector string copies at e that needs no help from
 * copy_string: a one-letter escape or a \uXXXX outside the surrogates
 * (decoded as decode_escape would), or a valid UTF-8 sequence (kept). Its
 * bytes go to o (*on of them, never more than it takes from the input);
 * returns the input bytes taken, or 0 (copy_string handles it). */
static inline size_t copy_special(const u8 *e, const u8 *end, u8 *o,
                                  size_t *on)
{
    if (*e >= 0x80) {
        size_t bad;
        const size_t n = utf8_seq(e, end, &bad);
        for (size_t i = 0; i < n; i++)
            o[i] = e[i];
        *on = n;
        return n;
    }
    if (*e != '\\' || end - e < 2)
        return 0;
    if (one_letter[e[1]]) {
        o[0] = one_letter[e[1]];
        *on = 1;
        return 2;
    }
    const long cp = e[1] == 'u' && end - e >= 6 ? hex4(e + 2) : -1;
    if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *on = utf8_put(o, (unsigned long)cp);
    return 6;
}

/* scan_copy_swar with 32-byte blocks: each block is stored whole, then the
 * output pointer moves by the bytes before the stop. A stop that
 * copy_special takes is passed here and the copy goes on after it, so a
 * description's line breaks cost one more block each instead of a return
 * to copy_string; surrogates, invalid UTF-8, quotes and control bytes go
 * back. The output never outgrows the input, so the room rule of
 * scan_copy holds. */
__attribute__((target("avx2"))) static const u8 *
scan_copy_avx2(const u8 *p, const u8 *end, u8 **dp)
{
    const __m256i vq = _mm256_set1_epi8('"');
    const __m256i vb = _mm256_set1_epi8('\\');
    const __m256i v20 = _mm256_set1_epi8(0x20);
    u8 *d = *dp;
    while (end - p >= 32) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
        _mm256_storeu_si256((__m256i *)(void *)d, a);
        const __m256i m = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(a, vq),
                            _mm256_cmpeq_epi8(a, vb)),
            _mm256_cmpgt_epi8(v20, a));
        uint32_t bits = (uint32_t)_mm256_movemask_epi8(m);
        const uint32_t hi = (uint32_t)_mm256_movemask_epi8(a);
        uint32_t tail = 0;
        if (bits & hi) /* whole valid UTF-8 sequences are copied as is */
            bits &= ~utf8_whole_avx2(a, hi, &tail);
        if (bits) {
            const unsigned k = (unsigned)__builtin_ctz(bits);
            if (tail >> k & 1) { /* cut by the block's end: the next one */
                p += k;
                d += k;
                continue;
            }
            size_t on;
            const size_t in = copy_special(p + k, end, d + k, &on);
            if (in) {
                p += k + in;
                d += k + on;
                continue;
            }
            *dp = d + k;
            return p + k;
        }
        p += 32;
        d += 32;
    }
    *dp = d;
    return scan_copy_swar(p, end, dp);
}

/* The bytes >= 0x80 of a 64-byte block (hi: their mask) that belong to a
 * whole, valid UTF-8 sequence inside the block, as utf8_seq() reads them:
 * a lead C2-DF, E0-EF or F0-F4 with its continuation bytes (80-BF) all in
 * the block, the second byte of E0, ED, F0 and F4 in its narrower range.
 * A lead whose sequence is cut by the block's end, a stray continuation
 * byte and any other byte >= 0x80 are left out, so a copy that stops at
 * them stops where the portable path would have more to look at, and each
 * sequence taken lies wholly before the first byte left out. *tail: the
 * leads whose sequence would end past the block (the block's last three
 * bytes): a scan goes on from there with the next block, which holds it. */
__attribute__((target("avx512f,avx512bw,bmi"))) static inline uint64_t
utf8_whole_avx512(__m512i c, uint64_t hi, uint64_t *tail)
{
    const uint64_t cont = hi & _mm512_cmplt_epu8_mask(
                                   c, _mm512_set1_epi8((char)0xC0));
    const uint64_t l2 = _mm512_cmplt_epu8_mask(
        _mm512_sub_epi8(c, _mm512_set1_epi8((char)0xC2)),
        _mm512_set1_epi8(0x1E));
    const uint64_t l3 = _mm512_cmpeq_epi8_mask(
        _mm512_and_si512(c, _mm512_set1_epi8((char)0xF0)),
        _mm512_set1_epi8((char)0xE0));
    const uint64_t l4 = _mm512_cmplt_epu8_mask(
        _mm512_sub_epi8(c, _mm512_set1_epi8((char)0xF0)),
        _mm512_set1_epi8(5));
    /* the second byte's range: below A0 / from A0 on, below 90 / from 90 */
    const uint64_t lo_a0 = _mm512_cmplt_epu8_mask(
                               c, _mm512_set1_epi8((char)0xA0)) >> 1;
    const uint64_t lo_90 = _mm512_cmplt_epu8_mask(
                               c, _mm512_set1_epi8((char)0x90)) >> 1;
    const uint64_t e0 = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8((char)0xE0));
    const uint64_t ed = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8((char)0xED));
    const uint64_t f0 = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8((char)0xF0));
    const uint64_t f4 = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8((char)0xF4));
    const struct utf8_classes k = {cont, l2, l3, l4, lo_a0, lo_90,
                                   e0, ed, f0, f4};
    return utf8_whole_bits(&k, 64, tail);
}

/* scan_wanted_avx2 with 64-byte blocks, whole valid UTF-8 sequences taken
 * as plain bytes (utf8_whole_avx512): it stops at '"', '\\', a byte
 * below 0x20 or a byte >= 0x80 outside such a sequence, so get_string()
 * checks by itself only the sequences a block's end cuts. */
__attribute__((target("avx512f,avx512bw,bmi"))) static const u8 *
scan_wanted_avx512(const u8 *p, const u8 *end)
{
    const __m512i vq = _mm512_set1_epi8('"'), vb = _mm512_set1_epi8('\\');
    const __m512i v20 = _mm512_set1_epi8(0x20);
    while (end - p >= 64) {
        const __m512i c = _mm512_loadu_si512((const void *)p);
        const uint64_t hi = _mm512_movepi8_mask(c);
        uint64_t stop = _mm512_cmpeq_epi8_mask(c, vq) |
                        _mm512_cmpeq_epi8_mask(c, vb) |
                        _mm512_cmplt_epu8_mask(c, v20);
        uint64_t tail = 0;
        if (hi)
            stop |= hi & ~utf8_whole_avx512(c, hi, &tail);
        if (stop) {
            const unsigned k = (unsigned)__builtin_ctzll(stop);
            if (!(tail >> k & 1))
                return p + k;
            p += k; /* a sequence the block's end cuts: the next block */
            continue;
        }
        p += 64;
    }
    return scan_wanted_avx2(p, end);
}

/* scan_copy with 64-byte blocks that also decode the one-letter escapes
 * (\n \t \r \b \f \/ \") in place: the backslashes are dropped by a byte
 * compress and the letters replaced, so a description's line breaks do
 * not stop the copy, and copies the whole valid UTF-8 sequences of a
 * block as they are (utf8_whole_avx512: Chinese or accented text does
 * not stop it at every character). It stops where the portable path
 * would, or earlier, at anything else: a quote, a control byte, a byte
 * >= 0x80 outside such a sequence (one the block's end cuts, or invalid
 * UTF-8), an escaped backslash, \u, a bad escape, or a backslash ending
 * the block; those
 * copy_special takes are passed and the copy goes on. Like the AVX2 copy
 * it stores whole blocks (at most the input's length: the output never
 * outruns it). */
__attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,bmi,bmi2,"
                      "popcnt"))) static const u8 *
scan_copy_avx512(const u8 *p, const u8 *end, u8 **dp)
{
    const __m512i vq = _mm512_set1_epi8('"'), vb = _mm512_set1_epi8('\\');
    const __m512i v20 = _mm512_set1_epi8(0x20);
    u8 *d = *dp;
    while (end - p >= 64) {
        const __m512i c = _mm512_loadu_si512((const void *)p);
        const uint64_t q = _mm512_cmpeq_epi8_mask(c, vq);
        const uint64_t b = _mm512_cmpeq_epi8_mask(c, vb);
        /* < 0x20, and >= 0x80 outside a whole valid UTF-8 sequence */
        const uint64_t hi = _mm512_movepi8_mask(c);
        uint64_t tail = 0;
        const uint64_t other =
            _mm512_cmplt_epu8_mask(c, v20) |
            (hi ? hi & ~utf8_whole_avx512(c, hi, &tail) : 0);
        if (!(q | b | other)) {
            _mm512_storeu_si512((void *)d, c);
            p += 64;
            d += 64;
            continue;
        }
        /* the letters after backslashes (a backslash pair stops: its
         * second half is no escape start) */
        const uint64_t letters = b << 1;
        const __mmask64 n = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('n'));
        const __mmask64 t = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('t'));
        const __mmask64 r = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('r'));
        const __mmask64 bb = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('b'));
        const __mmask64 f = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('f'));
        const __mmask64 sl = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('/'));
        const uint64_t simple = n | t | r | bb | f | sl | q;
        const uint64_t bad = letters & ~simple; /* \\, \u, anything else */
        uint64_t stop = ((q | other) & ~letters) | (bad >> 1) |
                        (b & (1ull << 63));
        const size_t k = stop ? (size_t)__builtin_ctzll(stop) : 64;
        const uint64_t live = k == 64 ? ~0ull : (1ull << k) - 1;
        const uint64_t esc = b & live;
        __m512i v = c;
        v = _mm512_mask_mov_epi8(v, letters & n, _mm512_set1_epi8('\n'));
        v = _mm512_mask_mov_epi8(v, letters & t, _mm512_set1_epi8('\t'));
        v = _mm512_mask_mov_epi8(v, letters & r, _mm512_set1_epi8('\r'));
        v = _mm512_mask_mov_epi8(v, letters & bb, _mm512_set1_epi8('\b'));
        v = _mm512_mask_mov_epi8(v, letters & f, _mm512_set1_epi8('\f'));
        const uint64_t keep = live & ~esc;
        _mm512_storeu_si512((void *)d, _mm512_maskz_compress_epi8(keep, v));
        d += __builtin_popcountll(keep);
        p += k;
        if (k < 64) {
            if (tail >> k & 1)
                continue; /* a sequence the block's end cuts: next block */
            size_t on;
            const size_t in = copy_special(p, end, d, &on);
            if (in) {
                p += in;
                d += on;
                continue;
            }
            *dp = d;
            return p;
        }
    }
    *dp = d;
    return scan_copy_avx2(p, end, dp); /* the last < 64 bytes */
}
#endif

/* ------------------------------------------------------------------------ */
/* Parser state                                                               */

struct jp {
    const u8 *line; /* error columns count from here */
    const u8 *end;
    struct skidx_jbuf *scratch;
    uint32_t fixes;
    int simd;
    u8 nl; /* '\n' when it is white space (ws()), else ' ' */
    unsigned cause;
    size_t err_at;
    const u8 *stop; /* where a usable line ended: end, or its '\n' */
};

/* The scanners stop at every byte < 0x20; a raw TAB is allowed in strings,
 * so step over it here (rare in real data, so not worth a vector class). */
static inline const u8 *scan_plain(const struct jp *j, const u8 *p)
{
    for (;;) {
#if JSONL_X86
        if (j->simd == 2)
            p = scan_plain_avx512(p, j->end);
        else if (j->simd)
            p = scan_plain_avx2(p, j->end);
        else
#endif
            p = scan_swar(p, j->end, 0);
        if (p == j->end || *p != '\t')
            return p;
        p++;
    }
}

static inline const u8 *scan_wanted(const struct jp *j, const u8 *p)
{
    for (;;) {
#if JSONL_X86
        if (j->simd == 2)
            p = scan_wanted_avx512(p, j->end);
        else if (j->simd)
            p = scan_wanted_avx2(p, j->end);
        else
#endif
            p = scan_swar(p, j->end, 1);
        if (p == j->end || *p != '\t')
            return p;
        p++;
    }
}

static inline const u8 *scan_copy(const struct jp *j, const u8 *p, u8 **dp)
{
#if JSONL_X86
    if (j->simd == 2)
        return scan_copy_avx512(p, j->end, dp);
    if (j->simd)
        return scan_copy_avx2(p, j->end, dp);
#endif
    return scan_copy_swar(p, j->end, dp);
}

/* Record the first fault and return NULL, so callers can `return fail()`. */
static const u8 *fail(struct jp *j, unsigned cause, const u8 *at)
{
    j->cause = cause;
    j->err_at = (size_t)(at - j->line);
    return NULL;
}

/* White space: ' ', TAB, '\r', and '\n' where j->nl is '\n' (a line
 * given whole); an open line (skidx_jsonl_parse_first()) sets ' ', so
 * that its '\n' ends it. */
static inline const u8 *ws(const struct jp *j, const u8 *p, const u8 *end)
{
    while (p < end && *p <= ' ' &&
           (*p == ' ' || *p == j->nl || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

/* Make room for `extra` more bytes in the scratch. 0 on allocation failure
 * (j->cause is then PARSE_NOMEM). */
static int reserve(struct jp *j, size_t extra)
{
    struct skidx_jbuf *b = j->scratch;
    if (b->cap - b->len >= extra)
        return 1;
    const size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *d = need < b->len ? NULL : realloc(b->data, cap);
    if (!d) {
        j->cause = PARSE_NOMEM;
        j->err_at = 0;
        return 0;
    }
    b->data = d;
    b->cap = cap;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Strings                                                                    */

static inline int hexval(u8 c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The four hex digits at p (caller checked they are in the line), or -1. */
static inline long hex4(const u8 *p)
{
    const int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]),
              d = hexval(p[3]);
    if ((a | b | c | d) < 0)
        return -1;
    return (long)((a << 12) | (b << 8) | (c << 4) | d);
}

static inline size_t utf8_put(u8 *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (u8)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (u8)(0xC0 | (cp >> 6));
        o[1] = (u8)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (u8)(0xE0 | (cp >> 12));
        o[1] = (u8)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (u8)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (u8)(0xF0 | (cp >> 18));
    o[1] = (u8)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (u8)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (u8)(0x80 | (cp & 0x3F));
    return 4;
}

static const u8 replacement[3] = {0xEF, 0xBF, 0xBD}; /* U+FFFD */

/* Check the escape at p (p[0] == '\\') without decoding it; returns the
 * byte after it, or NULL (BAD_STRING at p). */
static inline const u8 *check_escape(struct jp *j, const u8 *p)
{
    const u8 *const end = j->end;
    if (end - p < 2)
        return fail(j, SKIDX_SKIP_BAD_STRING, p);
    switch (p[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r':
    case 't':
        return p + 2;
    case 'u':
        if (end - p >= 6 && hex4(p + 2) >= 0)
            return p + 6;
        break;
    default:
        break;
    }
    return fail(j, SKIDX_SKIP_BAD_STRING, p);
}

/* Decode the escape at p (p[0] == '\\') into o[0..4); sets *n and *lone (a
 * lone surrogate became U+FFFD). Returns the byte after the escape (after
 * both halves of a surrogate pair), or NULL (BAD_STRING at p). */
static const u8 *decode_escape(struct jp *j, const u8 *p, u8 *o, size_t *n,
                               int *lone)
{
    const u8 *const end = j->end;
    *lone = 0;
    if (end - p < 2)
        return fail(j, SKIDX_SKIP_BAD_STRING, p);
    u8 c;
    switch (p[1]) {
    case '"': c = '"'; break;
    case '\\': c = '\\'; break;
    case '/': c = '/'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': {
        const long cp = end - p >= 6 ? hex4(p + 2) : -1;
        if (cp < 0)
            return fail(j, SKIDX_SKIP_BAD_STRING, p);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            /* A high half pairs only with an immediately following valid
             * low half; anything else leaves it alone, and what follows is
             * parsed on its own (so "\uD800\uZZZZ" is still BAD_STRING). */
            if (end - p >= 12 && p[6] == '\\' && p[7] == 'u') {
                const long lo = hex4(p + 8);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    const unsigned long cp2 = 0x10000ul +
                        ((unsigned long)(cp - 0xD800) << 10) +
                        (unsigned long)(lo - 0xDC00);
                    *n = utf8_put(o, cp2);
                    return p + 12;
                }
            }
            *lone = 1;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            *lone = 1;
        }
        if (*lone) {
            memcpy(o, replacement, 3);
            *n = 3;
        } else {
            *n = utf8_put(o, (unsigned long)cp);
        }
        return p + 6;
    }
    default:
        return fail(j, SKIDX_SKIP_BAD_STRING, p);
    }
    o[0] = c;
    *n = 1;
    return p + 2;
}

/* Length (2..4) of the valid UTF-8 sequence at p, whose lead byte is
 * >= 0x80; or 0, and then *bad is the length of the maximal invalid subpart
 * (>= 1), which is replaced by one U+FFFD (Unicode "substitution of maximal
 * subparts"). Overlongs, UTF-16 surrogates and > U+10FFFF are invalid
 * through the tight second-byte ranges of E0, ED, F0 and F4. */
static inline size_t utf8_seq(const u8 *p, const u8 *end, size_t *bad)
{
    const unsigned c = p[0];
    const size_t avail = (size_t)(end - p);
    unsigned lo = 0x80, hi = 0xBF;
    size_t need;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *bad = 1;
        return 0;
    }
    if (avail < 2 || p[1] < lo || p[1] > hi) {
        *bad = 1;
        return 0;
    }
    for (size_t i = 2; i <= need; i++) {
        if (i >= avail || (p[i] & 0xC0) != 0x80) {
            *bad = i;
            return 0;
        }
    }
    return need + 1;
}

/* Skip a string nobody wants: check escapes and control bytes only (any
 * UTF-8 is tolerated). p is just after the opening quote; returns just after
 * the closing one, or NULL. */
static const u8 *skip_string(struct jp *j, const u8 *p)
{
    const u8 *const open = p - 1;
    for (;;) {
        p = scan_plain(j, p);
        if (p == j->end)
            return fail(j, SKIDX_SKIP_BAD_STRING, open);
        if (*p == '"')
            return p + 1;
        if (*p != '\\')
            return fail(j, SKIDX_SKIP_CONTROL_CHAR, p);
        p = check_escape(j, p);
        if (!p)
            return NULL;
    }
}

/* Read a key (p just after its opening quote). A key without escapes is
 * returned in place; one with escapes is decoded into buf (keys longer than
 * buf can never match: *klen is then SIZE_MAX). Invalid UTF-8 is kept as is;
 * a lone surrogate becomes U+FFFD without a fix bit (keys are not output). */
static const u8 *get_key(struct jp *j, const u8 *p, const u8 **key,
                         size_t *klen, u8 *buf, size_t bufsz)
{
    const u8 *const open = p - 1, *const start = p;
    p = scan_plain(j, p);
    if (p < j->end && *p == '"') {
        *key = start;
        *klen = (size_t)(p - start);
        return p + 1;
    }
    size_t n = 0;
    int over = 0;
    const u8 *run = start;
    for (;;) {
        if (p == j->end)
            return fail(j, SKIDX_SKIP_BAD_STRING, open);
        const size_t rl = (size_t)(p - run);
        if (!over && rl <= bufsz - n) {
            memcpy(buf + n, run, rl);
            n += rl;
        } else {
            over = 1;
        }
        if (*p == '"')
            break;
        if (*p != '\\')
            return fail(j, SKIDX_SKIP_CONTROL_CHAR, p);
        u8 o[4];
        size_t on;
        int lone;
        p = decode_escape(j, p, o, &on, &lone);
        if (!p)
            return NULL;
        if (!over && on <= bufsz - n) {
            memcpy(buf + n, o, on);
            n += on;
        } else {
            over = 1;
        }
        run = p;
        p = scan_plain(j, p);
    }
    *key = buf;
    *klen = over ? SIZE_MAX : n;
    return p + 1;
}

/* The copying half of get_string: the bytes start..p need no change, p is
 * at the first escape or invalid UTF-8 byte. Rebuilds the string at the end
 * of the scratch. Room rule: before each scan_copy there is space for
 * (end - p) + 4 bytes, enough for the rest of the line plus one decoded
 * piece; only invalid UTF-8 (1-3 bytes -> 3) can eat into it, so the room is
 * re-checked after every special byte. */
static const u8 *copy_string(struct jp *j, const u8 *open, const u8 *start,
                             const u8 *p, size_t *soff)
{
    struct skidx_jbuf *const b = j->scratch;
    const u8 *const end = j->end;
    const size_t off0 = b->len;
    if (!reserve(j, (size_t)(end - start) + 4))
        return NULL;
    u8 *d = (u8 *)b->data + b->len;
    memcpy(d, start, (size_t)(p - start));
    d += p - start;
    for (;;) {
        const u8 c = *p;
        if (c == '"')
            break;
        if (c == '\\') {
            size_t n;
            int lone;
            p = decode_escape(j, p, d, &n, &lone);
            if (!p)
                return NULL;
            d += n;
            if (lone)
                j->fixes |= 1u << SKIDX_FIX_LONE_SURROGATE;
        } else if (c >= 0x80) {
            size_t bad;
            const size_t n = utf8_seq(p, end, &bad);
            if (n) {
                memcpy(d, p, n);
                d += n;
                p += n;
            } else {
                memcpy(d, replacement, 3);
                d += 3;
                p += bad;
                j->fixes |= 1u << SKIDX_FIX_INVALID_UTF8;
            }
        } else if (c == '\t') {
            *d++ = c;
            p++;
        } else {
            return fail(j, SKIDX_SKIP_CONTROL_CHAR, p);
        }
        const size_t used = (size_t)(d - (u8 *)b->data);
        if (b->cap - used < (size_t)(end - p) + 4) {
            b->len = used;
            if (!reserve(j, (size_t)(end - p) + 4))
                return NULL;
            d = (u8 *)b->data + used;
        }
        p = scan_copy(j, p, &d);
        if (p == end)
            return fail(j, SKIDX_SKIP_BAD_STRING, open);
    }
    b->len = (size_t)(d - (u8 *)b->data);
    *soff = off0;
    return p + 1;
}

/* Read a wanted string (p just after the opening quote) into *v, in place
 * when it needs no change (*soff = NO_OFF), else into the scratch (*soff =
 * its offset there; v->ptr is set by the caller at the end). Returns just
 * after the closing quote, or NULL. */
static const u8 *get_string(struct jp *j, const u8 *p,
                            struct skidx_jvalue *v, size_t *soff)
{
    const u8 *const open = p - 1, *const start = p;
    v->type = SKIDX_J_STRING;
    v->ptr = NULL;
    for (;;) {
        p = scan_wanted(j, p);
        if (p == j->end)
            return fail(j, SKIDX_SKIP_BAD_STRING, open);
        const u8 c = *p;
        if (c == '"') {
            v->ptr = (const char *)start;
            v->len = (size_t)(p - start);
            *soff = NO_OFF;
            return p + 1;
        }
        if (c < 0x80)
            break; /* an escape, or a control byte */
        size_t bad;
        size_t n = utf8_seq(p, j->end, &bad);
        if (!n)
            break;
        /* stay here across runs of multi-byte characters */
        do
            p += n;
        while (p < j->end && *p >= 0x80 && (n = utf8_seq(p, j->end, &bad)));
    }
    if (*p < 0x80 && *p != '\\')
        return fail(j, SKIDX_SKIP_CONTROL_CHAR, p);
    const size_t before = j->scratch->len;
    p = copy_string(j, open, start, p, soff);
    if (p)
        v->len = j->scratch->len - before;
    return p;
}

/* ------------------------------------------------------------------------ */
/* Other values                                                               */

static inline int is_digit(u8 c) { return c >= '0' && c <= '9'; }

/* A number by the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * Whatever follows it is the caller's business ("01" fails there). */
static const u8 *skip_number(struct jp *j, const u8 *p)
{
    const u8 *const end = j->end;
    if (*p == '-')
        p++;
    if (p == end)
        return fail(j, SKIDX_SKIP_NOT_JSON, p);
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        do
            p++;
        while (p < end && is_digit(*p));
    } else {
        return fail(j, SKIDX_SKIP_NOT_JSON, p);
    }
    if (p < end && *p == '.') {
        p++;
        if (p == end || !is_digit(*p))
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        do
            p++;
        while (p < end && is_digit(*p));
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !is_digit(*p))
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        do
            p++;
        while (p < end && is_digit(*p));
    }
    return p;
}

static inline const u8 *skip_literal(struct jp *j, const u8 *p,
                                     const char *lit, size_t n)
{
    if ((size_t)(j->end - p) < n || memcmp(p, lit, n) != 0)
        return fail(j, SKIDX_SKIP_NOT_JSON, p);
    return p + n;
}

/* Validate and skip one value starting at p (not whitespace), inside
 * `base` open containers. Iterative: bit i of `stack` says whether the
 * (i+1)-th container opened here is an object. */
static const u8 *skip_value(struct jp *j, const u8 *p, unsigned base)
{
    const u8 *const end = j->end;
    uint64_t stack = 0;
    unsigned lvl = 0;
    int obj;
value:
    if (p == end)
        return fail(j, SKIDX_SKIP_NOT_JSON, p);
    switch (*p) {
    case '"':
        p = skip_string(j, p + 1);
        break;
    case '{':
    case '[':
        if (base + lvl >= SKIDX_JSONL_MAX_DEPTH)
            return fail(j, SKIDX_SKIP_TOO_DEEP, p);
        obj = *p == '{';
        stack = (stack & ~(UINT64_C(1) << lvl)) | ((uint64_t)obj << lvl);
        lvl++;
        p = ws(j, p + 1, end);
        if (p < end && *p == (obj ? '}' : ']')) {
            p++;
            lvl--;
            break;
        }
        if (obj)
            goto key;
        goto value;
    case '-': case '0': case '1': case '2': case '3': case '4': case '5':
    case '6': case '7': case '8': case '9':
        p = skip_number(j, p);
        break;
    case 't':
        p = skip_literal(j, p, "true", 4);
        break;
    case 'f':
        p = skip_literal(j, p, "false", 5);
        break;
    case 'n':
        p = skip_literal(j, p, "null", 4);
        break;
    default:
        return fail(j, SKIDX_SKIP_NOT_JSON, p);
    }
    if (!p)
        return NULL;
    while (lvl) {
        p = ws(j, p, end);
        if (p == end)
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        obj = (int)((stack >> (lvl - 1)) & 1);
        if (*p == ',') {
            p = ws(j, p + 1, end);
            if (obj)
                goto key;
            goto value;
        }
        if (*p != (obj ? '}' : ']'))
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        p++;
        lvl--;
    }
    return p;
key:
    if (p == end || *p != '"')
        return fail(j, SKIDX_SKIP_NOT_JSON, p);
    p = skip_string(j, p + 1);
    if (!p)
        return NULL;
    p = ws(j, p, end);
    if (p == end || *p != ':')
        return fail(j, SKIDX_SKIP_NOT_JSON, p);
    p = ws(j, p + 1, end);
    goto value;
}

/* A wanted value of any type (p at its first byte, inside the top object). */
static const u8 *get_value(struct jp *j, const u8 *p, struct skidx_jvalue *v,
                           size_t *soff)
{
    *soff = NO_OFF;
    if (*p == '"')
        return get_string(j, p + 1, v, soff);
    const u8 *const s = p;
    p = skip_value(j, p, 1);
    if (!p)
        return NULL;
    switch (*s) {
    case '{': v->type = SKIDX_J_OBJECT; break;
    case '[': v->type = SKIDX_J_ARRAY; break;
    case 't': v->type = SKIDX_J_TRUE; break;
    case 'f': v->type = SKIDX_J_FALSE; break;
    case 'n': v->type = SKIDX_J_NULL; break;
    default: v->type = SKIDX_J_NUMBER; break;
    }
    v->ptr = (const char *)s;
    v->len = (size_t)(p - s);
    return p;
}

/* Bit i set when the key feeds field i (several fields may share a key). */
static inline uint32_t match_key(const struct skidx_jsonl_keys *keys,
                                 const u8 *k, size_t n)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++)
        if (keys->len[i] == n && n < sizeof(keys->name[i]) &&
            memcmp(keys->name[i], k, n) == 0)
            m |= 1u << i;
    return m;
}

/* ------------------------------------------------------------------------ */
/* One line                                                                   */

static const u8 *parse_object(struct jp *j, const struct skidx_jsonl_keys *keys,
                              const u8 *p, struct skidx_jsonl_record *out,
                              size_t *soff)
{
    const u8 *const end = j->end;
    u8 kbuf[sizeof(keys->name[0])];
    p = ws(j, p + 1, end);
    if (p < end && *p == '}')
        return p + 1;
    for (;;) {
        if (p == end || *p != '"')
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        const u8 *key;
        size_t klen;
        p = get_key(j, p + 1, &key, &klen, kbuf, sizeof(kbuf));
        if (!p)
            return NULL;
        const uint32_t m = klen == SIZE_MAX ? 0 : match_key(keys, key, klen);
        p = ws(j, p, end);
        if (p == end || *p != ':')
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        p = ws(j, p + 1, end);
        if (p == end)
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        if (m) {
            struct skidx_jvalue v;
            size_t off;
            p = get_value(j, p, &v, &off);
            if (!p)
                return NULL;
            for (unsigned i = 0; i < SKIDX_F_COUNT; i++) {
                if (!(m & (1u << i)))
                    continue;
                if (out->f[i].type != SKIDX_J_ABSENT)
                    j->fixes |= 1u << SKIDX_FIX_DUPLICATE_KEY;
                out->f[i] = v;
                soff[i] = off;
            }
        } else {
            p = skip_value(j, p, 1);
            if (!p)
                return NULL;
        }
        p = ws(j, p, end);
        if (p == end)
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        if (*p == '}')
            return p + 1;
        if (*p != ',')
            return fail(j, SKIDX_SKIP_NOT_JSON, p);
        p = ws(j, p + 1, end);
    }
}

static unsigned parse_line(struct jp *j, const struct skidx_jsonl_keys *keys,
                           struct skidx_jsonl_record *out)
{
    const u8 *const end = j->end;
    const u8 *p = j->line;
    size_t soff[SKIDX_F_COUNT];
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++)
        soff[i] = NO_OFF;
    if (end - p >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3;
    p = ws(j, p, end);
    if (p == end) {
        fail(j, SKIDX_SKIP_NOT_JSON, p);
        return j->cause;
    }
    if (*p != '{') {
        const u8 *const s = p;
        p = skip_value(j, p, 0);
        if (!p)
            return j->cause;
        p = ws(j, p, end);
        fail(j, p == end ? SKIDX_SKIP_NOT_OBJECT : SKIDX_SKIP_NOT_JSON,
             p == end ? s : p);
        return j->cause;
    }
    p = parse_object(j, keys, p, out, soff);
    if (!p)
        return j->cause;
    p = ws(j, p, end);
    /* an open line ends at its '\n' */
    if (p != end && !(j->nl != '\n' && *p == '\n')) {
        fail(j, SKIDX_SKIP_NOT_JSON, p);
        return j->cause;
    }
    j->stop = p;
    for (unsigned i = 0; i < SKIDX_F_COUNT; i++)
        if (out->f[i].type == SKIDX_J_STRING && soff[i] != NO_OFF)
            out->f[i].ptr = j->scratch->data + soff[i];
    return SKIDX_CAUSE_COUNT;
}

/* A parse of text[0..len) about to start: '\n' white space when nl is
 * '\n' (a line given whole), not when it is ' ' (an open line). */
static void jp_start(struct jp *j, const char *text, size_t len, u8 nl,
                     struct skidx_jbuf *scratch,
                     struct skidx_jsonl_record *out)
{
    j->line = (const u8 *)text;
    j->end = j->line + len;
    j->nl = nl;
    j->scratch = scratch;
    j->fixes = 0;
    j->cause = SKIDX_CAUSE_COUNT;
    j->err_at = 0;
#if JSONL_X86
    j->simd = jsonl_simd();
#else
    j->simd = 0;
#endif
    scratch->len = 0;
    memset(out, 0, sizeof(*out));
}

unsigned skidx_jsonl_parse(const struct skidx_jsonl_keys *keys,
                           const char *line, size_t len,
                           struct skidx_jsonl_record *out,
                           struct skidx_jbuf *scratch, size_t *err_col)
{
    struct jp j;
    jp_start(&j, line, len, '\n', scratch, out);
    const unsigned r = parse_line(&j, keys, out);
    if (r == SKIDX_CAUSE_COUNT) {
        out->fixes = j.fixes;
        if (err_col)
            *err_col = 0;
        return r;
    }
    memset(out, 0, sizeof(*out));
    if (r == SKIDX_SKIP_NUL_BYTE || r == PARSE_NOMEM) {
        if (err_col)
            *err_col = j.err_at;
        return r;
    }
    /* A raw NUL can only show up as some other fault (in a string it is a
     * control byte, elsewhere a syntax error), so a clean line pays nothing
     * for this check; when present, the NUL wins over the other fault. */
    const void *const nul = len ? memchr(line, 0, len) : NULL;
    if (nul) {
        if (err_col)
            *err_col = (size_t)((const char *)nul - line);
        return SKIDX_SKIP_NUL_BYTE;
    }
    if (err_col)
        *err_col = j.err_at;
    return r;
}

/* The first line of text[0..len) without a search for its '\n' first: the
 * parse reads the bytes up to where its record ends, none of them a '\n'
 * (ws() takes no '\n' here, and the string scanners stop at every byte
 * below 0x20), so a usable record followed by nothing but white space and
 * a '\n' (or len) is the line's, with the same fields and fixes as
 * skidx_jsonl_parse() of that line gives. Anything else (a skip, a record
 * followed by more) is the line parsed again by skidx_jsonl_parse(), for
 * its cause and column. The parse reads at most `max` bytes, and the
 * scratch may grow by that much; a longer line is parsed again so. */
unsigned skidx_jsonl_parse_first(const struct skidx_jsonl_keys *keys,
                                 const char *text, size_t len, size_t max,
                                 struct skidx_jsonl_record *out,
                                 struct skidx_jbuf *scratch, size_t *err_col,
                                 size_t *line_len)
{
    struct jp j;
    jp_start(&j, text, len < max ? len : max, ' ', scratch, out);
    if (parse_line(&j, keys, out) == SKIDX_CAUSE_COUNT &&
        (j.stop < j.end || j.end == j.line + len)) {
        out->fixes = j.fixes;
        if (err_col)
            *err_col = 0;
        *line_len = (size_t)(j.stop - j.line);
        return SKIDX_CAUSE_COUNT;
    }
    const char *nl = len ? memchr(text, '\n', len) : NULL;
    *line_len = nl ? (size_t)(nl - text) : len;
    return skidx_jsonl_parse(keys, text, *line_len, out, scratch, err_col);
}
