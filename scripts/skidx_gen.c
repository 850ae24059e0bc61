/*
 * skidx-gen — deterministic generator of synthetic job-posting corpora.
 *
 * Writes K shards of JSON Lines (zstd-compressed by default) whose contents
 * depend only on (--postings, --seed, --dirty): every line i of the global
 * sequence is generated from its own PRNG, seeded from (seed, i), so the
 * output is byte-identical for any thread count; the shard count only decides
 * where the lines are cut.
 *
 * All text is assembled from fragments that are escaped once, at start-up,
 * in four JSON serialiser "styles" (raw UTF-8; Python ensure_ascii; PHP with
 * escaped slashes; Go's HTML-safe escaping), so the hot loop is memcpy.
 *
 * See scripts/README-gen.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define GEN_VERSION "1"

/* ------------------------------------------------------------------ PRNG */

static inline uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct { uint64_t s[4]; } rng_t;

static inline uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static void rng_seed(rng_t *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        r->s[i] = z ^ (z >> 31);
    }
}

/* xoshiro256** */
static inline uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl64(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* uniform in [0, n) */
static inline uint32_t rng_below(rng_t *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* true with probability pct/100 */
static inline int rng_pct(rng_t *r, unsigned pct) { return rng_below(r, 100) < pct; }

/* uniform double in [0,1) */
static inline double rng_unit(rng_t *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* ---------------------------------------------------------------- buffer */

typedef struct { char *p; size_t len, cap; } buf_t;

static void die(const char *msg)
{
    fprintf(stderr, "skidx-gen: %s\n", msg);
    exit(1);
}

static void buf_grow(buf_t *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + need)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        die("out of memory");
    b->p = p;
    b->cap = cap;
}

static inline void put(buf_t *b, const char *s, size_t n)
{
    if (b->len + n > b->cap)
        buf_grow(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

#define PUTS(b, lit) put((b), (lit), sizeof(lit) - 1)

static inline void putc1(buf_t *b, char c)
{
    if (b->len + 1 > b->cap)
        buf_grow(b, 1);
    b->p[b->len++] = c;
}

static void put_u64(buf_t *b, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (b->len + (size_t)n > b->cap)
        buf_grow(b, (size_t)n);
    for (int i = n - 1; i >= 0; i--)
        b->p[b->len++] = tmp[i];
}

static void put_2d(buf_t *b, unsigned v)
{
    char t[2] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10) };
    put(b, t, 2);
}

/* ------------------------------------------------------------- fragments */

enum { ST_RAW, ST_PY, ST_PHP, ST_GO, NSTYLE };

typedef struct {
    char *s[NSTYLE];
    uint32_t n[NSTYLE];
    uint32_t raw; /* decoded (UTF-8) length */
} frag_t;

static void esc_u(buf_t *b, unsigned cp)
{
    static const char hx[] = "0123456789abcdef";
    char t[6] = { '\\', 'u', hx[(cp >> 12) & 15], hx[(cp >> 8) & 15], hx[(cp >> 4) & 15], hx[cp & 15] };
    put(b, t, 6);
}

/* Escape one UTF-8 string as the body of a JSON string in style st. */
static void json_escape(buf_t *b, const char *s, size_t n, int st)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            switch (c) {
            case '"': PUTS(b, "\\\""); break;
            case '\\': PUTS(b, "\\\\"); break;
            case '\n': PUTS(b, "\\n"); break;
            case '\t': PUTS(b, "\\t"); break;
            case '\r': PUTS(b, "\\r"); break;
            case '/':
                if (st == ST_PHP) PUTS(b, "\\/");
                else putc1(b, '/');
                break;
            case '<': case '>': case '&':
                if (st == ST_GO) esc_u(b, c);
                else putc1(b, (char)c);
                break;
            default:
                if (c < 0x20) esc_u(b, c);
                else putc1(b, (char)c);
            }
            continue;
        }
        int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        unsigned cp = len == 4 ? (c & 7) : len == 3 ? (c & 15) : (c & 31);
        for (int k = 1; k < len; k++)
            cp = (cp << 6) | (p[k] & 63);
        if (st == ST_PY || st == ST_PHP) {
            if (cp >= 0x10000) {
                unsigned v = cp - 0x10000;
                esc_u(b, 0xD800 + (v >> 10));
                esc_u(b, 0xDC00 + (v & 0x3FF));
            } else {
                esc_u(b, cp);
            }
        } else if (st == ST_GO && (cp == 0x2028 || cp == 0x2029)) {
            esc_u(b, cp);
        } else {
            put(b, (const char *)p, (size_t)len);
        }
        p += len;
    }
}

static void frag_init(frag_t *f, const char *text, size_t n)
{
    for (int st = 0; st < NSTYLE; st++) {
        buf_t b = { 0, 0, 0 };
        json_escape(&b, text, n, st);
        putc1(&b, 0);
        f->s[st] = b.p;
        f->n[st] = (uint32_t)(b.len - 1);
    }
    f->raw = (uint32_t)n;
}

static inline void putf(buf_t *b, const frag_t *f, int st) { put(b, f->s[st], f->n[st]); }

/* A weighted list of texts, each possibly holding "{}" slots. */
typedef struct { const char *text; unsigned w; } src_t;

#define MAXSLOT 4
typedef struct {
    int nslot;
    frag_t piece[MAXSLOT + 1];
} tmpl_t;

typedef struct {
    int n;
    unsigned total;
    unsigned *cum;
    tmpl_t *t;
} tlist_t;

static void tlist_init(tlist_t *l, const src_t *src, int n)
{
    l->n = n;
    l->t = calloc((size_t)n, sizeof *l->t);
    l->cum = calloc((size_t)n, sizeof *l->cum);
    if (!l->t || !l->cum)
        die("out of memory");
    unsigned tot = 0;
    for (int i = 0; i < n; i++) {
        const char *s = src[i].text;
        tmpl_t *t = &l->t[i];
        for (;;) {
            const char *q = strstr(s, "{}");
            if (!q) {
                frag_init(&t->piece[t->nslot], s, strlen(s));
                break;
            }
            if (t->nslot >= MAXSLOT)
                die("template with too many slots");
            frag_init(&t->piece[t->nslot], s, (size_t)(q - s));
            t->nslot++;
            s = q + 2;
        }
        tot += src[i].w ? src[i].w : 1;
        l->cum[i] = tot;
    }
    l->total = tot;
}

static inline int tl_pick(const tlist_t *l, rng_t *r)
{
    unsigned x = rng_below(r, l->total);
    int i = 0;
    while (l->cum[i] <= x)
        i++;
    return i;
}

/* plain fragment of a list (slot-free item) */
static inline const frag_t *tl_frag(const tlist_t *l, int i) { return &l->t[i].piece[0]; }

#define TL_INIT(l, arr) tlist_init(&(l), (arr), (int)(sizeof(arr) / sizeof((arr)[0])))

/* ------------------------------------------------------------ the data */

enum { R_MLE, R_AIE, R_LLM, R_MLOPS, R_DL, R_RES, R_DS, R_DE, R_DA, R_SWE, R_OTH, NROLE };
enum { L_INTERN, L_ENTRY, L_MID, L_SENIOR, L_STAFF, L_MGR, NLEVEL };

#define NMONTH 58 /* 2022-01 .. 2026-10 */

typedef struct {
    int role;
    const char *text;
    unsigned w;
    const char *field; /* for "Director of …" titles */
    const char *noun;  /* for prose */
} base_src_t;

static const base_src_t BASES[] = {
    { R_MLE, "Machine Learning Engineer", 6, "Machine Learning", "a machine learning engineer" },
    { R_MLE, "ML Engineer", 4, "Machine Learning", "an ML engineer" },
    { R_MLE, "Applied ML Engineer", 1, "Applied ML", "an applied ML engineer" },
    { R_AIE, "AI Engineer", 5, "AI Engineering", "an AI engineer" },
    { R_AIE, "Applied AI Engineer", 2, "Applied AI", "an applied AI engineer" },
    { R_AIE, "Artificial Intelligence Engineer", 1, "Artificial Intelligence", "an AI engineer" },
    { R_LLM, "LLM Engineer", 3, "LLM Engineering", "an LLM engineer" },
    { R_LLM, "Generative AI Engineer", 3, "Generative AI", "a generative AI engineer" },
    { R_LLM, "GenAI Engineer", 2, "GenAI", "a GenAI engineer" },
    { R_LLM, "Prompt Engineer", 1, "Generative AI", "a prompt engineer" },
    { R_MLOPS, "MLOps Engineer", 4, "MLOps", "an MLOps engineer" },
    { R_MLOPS, "ML Platform Engineer", 2, "ML Platform", "an ML platform engineer" },
    { R_MLOPS, "Machine Learning Infrastructure Engineer", 1, "ML Infrastructure", "an ML infrastructure engineer" },
    { R_DL, "Deep Learning Engineer", 3, "Deep Learning", "a deep learning engineer" },
    { R_DL, "Computer Vision Engineer", 2, "Computer Vision", "a computer vision engineer" },
    { R_RES, "Research Scientist", 4, "AI Research", "a research scientist" },
    { R_RES, "AI Researcher", 2, "AI Research", "an AI researcher" },
    { R_RES, "Machine Learning Researcher", 1, "ML Research", "a machine learning researcher" },
    { R_RES, "Research Engineer", 2, "Research Engineering", "a research engineer" },
    { R_DS, "Data Scientist", 8, "Data Science", "a data scientist" },
    { R_DS, "Applied Scientist", 2, "Applied Science", "an applied scientist" },
    { R_DS, "Product Data Scientist", 1, "Data Science", "a data scientist" },
    { R_DE, "Data Engineer", 8, "Data Engineering", "a data engineer" },
    { R_DE, "Big Data Engineer", 1, "Data Engineering", "a data engineer" },
    { R_DE, "Analytics Engineer", 2, "Analytics Engineering", "an analytics engineer" },
    { R_DA, "Data Analyst", 7, "Analytics", "a data analyst" },
    { R_DA, "Business Intelligence Analyst", 2, "Business Intelligence", "a BI analyst" },
    { R_DA, "BI Analyst", 1, "BI", "a BI analyst" },
    { R_DA, "Business Analyst", 2, "Business Analytics", "a business analyst" },
    { R_SWE, "Software Engineer", 10, "Software Engineering", "a software engineer" },
    { R_SWE, "Backend Engineer", 3, "Backend Engineering", "a backend engineer" },
    { R_SWE, "Full Stack Developer", 2, "Engineering", "a full-stack developer" },
    { R_SWE, "Software Developer", 2, "Software Development", "a software developer" },
    { R_SWE, "Frontend Engineer", 2, "Frontend Engineering", "a frontend engineer" },
    { R_SWE, "Site Reliability Engineer", 1, "Site Reliability", "a site reliability engineer" },
    { R_OTH, "Product Manager", 4, "Product", "a product manager" },
    { R_OTH, "Technical Recruiter", 2, "Talent Acquisition", "a recruiter" },
    { R_OTH, "Recruiter", 1, "Recruiting", "a recruiter" },
    { R_OTH, "Account Executive", 2, "Sales", "an account executive" },
    { R_OTH, "Marketing Manager", 1, "Marketing", "a marketer" },
    { R_OTH, "UX Designer", 1, "Design", "a designer" },
    { R_OTH, "Customer Success Manager", 1, "Customer Success", "a customer success manager" },
    { R_OTH, "Project Manager", 1, "Project Management", "a project manager" },
    { R_OTH, "Financial Analyst", 1, "Finance", "a financial analyst" },
    { R_OTH, "Solutions Architect", 1, "Solutions Architecture", "a solutions architect" },
};
#define NBASE ((int)(sizeof BASES / sizeof BASES[0]))

/* role share in percent-ish weights: base + growth * ramp(month) */
static const double ROLE_W0[NROLE] = { 10, 3, 0.4, 3, 2.5, 4, 12, 11, 10, 22, 15 };
static const double ROLE_WG[NROLE] = { 2, 6, 7, 1, 0, 1, -1, 0, -1, -3, 0 };

/* title forms by level ({} = base title); manager forms use the field */
static const src_t T_INTERN[] = { { "{} Intern", 5 }, { "Intern, {}", 1 }, { "{} Internship", 1 }, { "Intern – {}", 1 } };
static const src_t T_ENTRY[] = { { "Junior {}", 4 }, { "Jr. {}", 1 }, { "Associate {}", 2 }, { "New Grad {}", 1 },
                                 { "{} I", 1 }, { "Entry Level {}", 1 }, { "{}, New Grad", 1 } };
static const src_t T_MID[] = { { "{}", 10 }, { "{} II", 3 }, { "Mid-Level {}", 1 } };
static const src_t T_SENIOR[] = { { "Senior {}", 12 }, { "Sr. {}", 4 }, { "Sr {}", 1 }, { "{} III", 2 },
                                  { "SENIOR {}", 1 }, { "{}, Senior", 1 } };
static const src_t T_STAFF[] = { { "Staff {}", 5 }, { "Principal {}", 4 }, { "Lead {}", 4 }, { "{} Lead", 1 },
                                 { "Senior Staff {}", 1 } };
static const src_t T_MGR_ENG[] = { { "Manager, {}", 3 }, { "{} Manager", 3 }, { "Director of {}", 3 }, { "Director, {}", 1 },
                                   { "Head of {}", 3 }, { "Senior Director of {}", 1 }, { "VP of {}", 1 } };
static const src_t T_MGR_OTH[] = { { "Director of {}", 3 }, { "Head of {}", 3 }, { "VP of {}", 1 }, { "Senior Director, {}", 1 } };
static const unsigned LEVEL_W[NLEVEL] = { 4, 14, 30, 32, 10, 10 };

static const src_t DECOS[] = {
    { " (Remote)", 4 }, { " - Remote", 3 }, { " – Hybrid", 2 }, { " (Hybrid)", 2 }, { " | Fintech", 1 },
    { " (Contract)", 1 }, { " — Platform Team", 1 }, { " - 12 Month Contract", 1 }, { " [Urgent]", 1 },
};

/* LinkedIn-style seniority field values */
enum { SF_INTERN, SF_ENTRY, SF_ASSOC, SF_MIDSEN, SF_DIR, SF_EXEC, SF_NA, SF_SENIOR, SF_ENTRY2, NSF };
static const char *const SF_TEXT[NSF] = { "Internship", "Entry level", "Associate", "Mid-Senior level", "Director",
                                          "Executive", "Not Applicable", "Senior", "entry-level" };

static const src_t COMPANIES[] = {
    { "Acme Analytics", 3 }, { "Northwind Data", 3 }, { "Blue Heron AI", 2 }, { "Quantumleaf Labs", 2 },
    { "Café Numérique SAS", 1 }, { "Müller Datentechnik GmbH", 1 }, { "Søndergaard Systems ApS", 1 },
    { "Łódź Software House", 1 }, { "Ñandú Tech", 1 }, { "O’Brien & Partners", 1 }, { "\"Smart\" Retail Co.", 1 },
    { "Path\\Finder Labs", 1 }, { "日本データ株式会社", 1 }, { "Infosphere Technologies Pvt. Ltd.", 2 },
    { "Maple Leaf Insights Inc.", 2 }, { "Thames Valley Fintech Ltd", 2 }, { "Bright Horizons Health", 2 },
    { "Helios Energy", 2 }, { "Vantage Logistics", 2 }, { "Redwood Bank", 3 }, { "Granite Insurance Group", 2 },
    { "Lumen Robotics", 2 }, { "Crescent Biotech", 2 }, { "Orbital Payments", 3 }, { "Pinecrest Media", 2 },
    { "Silverline Retail", 2 }, { "Tidewater Shipping", 1 }, { "Evergreen Health Systems", 2 },
    { "Copperfield Games", 1 }, { "Atlas Mobility", 2 }, { "Nimbus Cloudworks", 2 }, { "Foxglove Security", 2 },
    { "Kestrel Aerospace", 1 }, { "Meridian Telecom", 2 }, { "Juniper Education", 1 }, { "Saffron Foods", 1 },
    { "Bangalore Cognitive Systems", 2 }, { "Hyderabad AI Labs Pvt Ltd", 1 }, { "Zürich Quant AG", 1 },
    { "Ville-Marie Logiciels Inc.", 1 }, { "Stratos Ads", 2 }, { "Polaris Genomics", 1 }, { "Cobalt Legal Tech", 1 },
    { "Harbor & Finch", 1 }, { "Verdant Agritech", 1 }, { "Beacon Marketplace", 2 }, { "Aurora Health AI", 1 },
    { "Summit Data Co.", 2 }, { "Tessellate", 1 }, { "Wren & Lark Insurance", 1 },
};

typedef struct { const char *text; int cc; unsigned w; int colmult; } loc_src_t;
enum { CC_US, CC_UK, CC_DE, CC_FR, CC_EU, CC_CA, CC_IN, NCC };
static const loc_src_t LOCS[] = {
    { "San Francisco, CA", CC_US, 8, 118 }, { "New York, NY", CC_US, 9, 115 }, { "Seattle, WA", CC_US, 5, 112 },
    { "Austin, TX", CC_US, 4, 98 }, { "Boston, MA", CC_US, 4, 108 }, { "Chicago, IL", CC_US, 3, 98 },
    { "Atlanta, GA", CC_US, 2, 92 }, { "Denver, CO", CC_US, 2, 97 }, { "Raleigh-Durham, NC", CC_US, 1, 92 },
    { "Mountain View, California, United States", CC_US, 3, 120 }, { "Remote", CC_US, 6, 100 },
    { "Remote - US", CC_US, 4, 100 }, { "United States (Remote)", CC_US, 3, 100 }, { "Washington, DC", CC_US, 2, 105 },
    { "Pittsburgh, PA", CC_US, 1, 90 }, { "San José, CA", CC_US, 2, 118 },
    { "London, England, United Kingdom", CC_UK, 5, 110 }, { "Manchester, UK", CC_UK, 1, 90 },
    { "Edinburgh, Scotland", CC_UK, 1, 92 },
    { "Berlin, Germany", CC_DE, 3, 100 }, { "München, Bayern, Deutschland", CC_DE, 2, 108 },
    { "Paris, Île-de-France, France", CC_FR, 2, 100 }, { "Lyon, France", CC_FR, 1, 90 },
    { "Amsterdam, Netherlands", CC_EU, 2, 104 }, { "Dublin, Ireland", CC_EU, 2, 106 }, { "Madrid, España", CC_EU, 1, 85 },
    { "Kraków, Poland", CC_EU, 1, 70 }, { "Stockholm, Sweden", CC_EU, 1, 100 }, { "Remote, Europe", CC_EU, 1, 95 },
    { "Toronto, ON", CC_CA, 3, 105 }, { "Montréal, QC", CC_CA, 2, 95 }, { "Vancouver, BC", CC_CA, 1, 102 },
    { "Bengaluru, Karnataka, India", CC_IN, 4, 105 }, { "Hyderabad, Telangana, India", CC_IN, 2, 100 },
    { "Pune, Maharashtra, India", CC_IN, 1, 95 }, { "Gurugram, Haryana", CC_IN, 1, 100 },
};
#define NLOC ((int)(sizeof LOCS / sizeof LOCS[0]))

enum { CUR_USD, CUR_EUR, CUR_GBP, CUR_CAD, CUR_INR, NCUR };
static const char *const CUR_TEXT[NCUR] = { "USD", "EUR", "GBP", "CAD", "INR" };
/* local amount per US-equivalent dollar */
static const double CUR_FACTOR[NCUR] = { 1.0, 0.55, 0.55, 0.82, 18.0 };
static const int CC_CUR[NCC] = { CUR_USD, CUR_GBP, CUR_EUR, CUR_EUR, CUR_EUR, CUR_CAD, CUR_INR };

enum { P_YEAR, P_MONTH, P_WEEK, P_DAY, P_HOUR, NPERIOD };
static const char *const PERIOD_TEXT[NPERIOD] = { "year", "month", "week", "day", "hour" };
static const double PERIOD_DIV[NPERIOD] = { 1, 12, 52, 260, 2080 };

/* ---- skills: probability (percent) by role, trend, variants ---- */
enum { TR_FLAT, TR_UP, TR_DOWN, TR_FADE, TR_LLM, TR_LLM2, TR_LORA, TR_HF };

typedef struct {
    const char *name;
    int trend;
    unsigned char pct[NROLE]; /* MLE AIE LLM MLOPS DL RES DS DE DA SWE OTH */
    int premium;              /* salary premium in percent */
    const char *variants;     /* '|'-separated; a leading digit is a weight */
} skill_src_t;

static const skill_src_t SKILLS[] = {
    { "Python", TR_FLAT, { 90, 85, 90, 80, 85, 80, 85, 70, 45, 35, 4 }, 0, "8Python|python|Python 3|Python3" },
    { "SQL", TR_FLAT, { 50, 25, 20, 30, 15, 10, 75, 85, 90, 30, 8 }, 0, "6SQL|sql|SQL queries" },
    { "R", TR_FLAT, { 5, 2, 1, 1, 2, 10, 40, 5, 30, 1, 1 }, 0, "R" },
    { "PyTorch", TR_UP, { 55, 40, 50, 25, 70, 60, 20, 1, 0, 3, 0 }, 3, "6PyTorch|pytorch|Torch|Pytorch" },
    { "TensorFlow", TR_DOWN, { 45, 25, 15, 20, 55, 35, 18, 1, 0, 2, 0 }, 0, "5TensorFlow|Tensorflow|tensorflow|TensorFlow 2" },
    { "Keras", TR_FADE, { 12, 6, 3, 3, 20, 5, 8, 0, 0, 0, 0 }, 0, "Keras" },
    { "JAX", TR_UP, { 5, 3, 6, 2, 10, 20, 1, 0, 0, 0, 0 }, 5, "3JAX|Jax" },
    { "scikit-learn", TR_FLAT, { 35, 10, 5, 10, 10, 10, 45, 3, 5, 1, 0 }, 0, "4scikit-learn|sklearn|Scikit-Learn|scikit learn" },
    { "pandas", TR_FLAT, { 25, 10, 8, 5, 8, 10, 50, 25, 30, 3, 0 }, 0, "3pandas|Pandas" },
    { "NumPy", TR_FLAT, { 25, 8, 5, 5, 20, 15, 30, 5, 5, 2, 0 }, 0, "3NumPy|numpy" },
    { "Spark", TR_FLAT, { 25, 5, 3, 15, 3, 3, 25, 60, 8, 8, 0 }, 2, "5Spark|Apache Spark|PySpark" },
    { "Kafka", TR_FLAT, { 8, 3, 2, 10, 0, 0, 3, 35, 0, 15, 0 }, 2, "3Kafka|Apache Kafka" },
    { "Airflow", TR_FLAT, { 12, 4, 3, 25, 1, 0, 10, 45, 5, 3, 0 }, 0, "3Airflow|Apache Airflow" },
    { "dbt", TR_UP, { 1, 0, 0, 2, 0, 0, 8, 35, 25, 0, 0 }, 0, "4dbt|DBT" },
    { "Snowflake", TR_UP, { 5, 2, 2, 5, 0, 0, 15, 40, 30, 2, 1 }, 0, "Snowflake" },
    { "Databricks", TR_UP, { 10, 5, 5, 15, 1, 1, 15, 25, 8, 1, 0 }, 0, "Databricks" },
    { "BigQuery", TR_FLAT, { 5, 3, 2, 5, 0, 0, 12, 20, 18, 2, 0 }, 0, "3BigQuery|Google BigQuery" },
    { "AWS", TR_FLAT, { 45, 40, 35, 55, 20, 10, 25, 45, 5, 35, 2 }, 0, "6AWS|Amazon Web Services|AWS (EC2, S3, Lambda)" },
    { "GCP", TR_FLAT, { 20, 20, 20, 25, 10, 10, 12, 20, 5, 15, 1 }, 0, "3GCP|Google Cloud|Google Cloud Platform" },
    { "Azure", TR_FLAT, { 15, 25, 25, 20, 5, 3, 10, 20, 8, 15, 1 }, 0, "3Azure|Microsoft Azure" },
    { "Kubernetes", TR_FLAT, { 30, 20, 15, 70, 10, 5, 5, 20, 0, 25, 0 }, 3, "5Kubernetes|k8s|K8s|kubernetes" },
    { "Docker", TR_FLAT, { 35, 30, 25, 65, 15, 5, 10, 25, 0, 30, 0 }, 0, "4Docker|docker|Docker containers" },
    { "Terraform", TR_FLAT, { 5, 5, 3, 40, 0, 0, 0, 15, 0, 10, 0 }, 2, "Terraform" },
    { "MLflow", TR_FLAT, { 15, 5, 5, 40, 5, 2, 10, 5, 0, 0, 0 }, 0, "3MLflow|MLFlow" },
    { "Kubeflow", TR_FADE, { 6, 2, 2, 20, 2, 0, 2, 2, 0, 0, 0 }, 0, "Kubeflow" },
    { "SageMaker", TR_FLAT, { 12, 8, 8, 25, 5, 2, 8, 3, 0, 1, 0 }, 0, "3SageMaker|Amazon SageMaker|Sagemaker" },
    { "Ray", TR_UP, { 6, 4, 8, 15, 5, 8, 1, 2, 0, 0, 0 }, 4, "3Ray|Ray Serve" },
    { "CUDA", TR_FLAT, { 10, 5, 8, 8, 35, 20, 1, 0, 0, 2, 0 }, 6, "CUDA" },
    { "Hugging Face", TR_HF, { 20, 35, 55, 10, 20, 25, 8, 0, 0, 1, 0 }, 2, "4Hugging Face|HuggingFace|Hugging Face Transformers" },
    { "LLMs", TR_LLM, { 35, 80, 95, 25, 30, 50, 15, 2, 1, 6, 3 }, 3, "4LLMs|large language models|LLM|Large Language Models (LLMs)" },
    { "RAG", TR_LLM2, { 10, 45, 60, 8, 5, 10, 4, 1, 0, 2, 0 }, 4, "3RAG|retrieval-augmented generation (RAG)|Retrieval Augmented Generation" },
    { "LangChain", TR_LLM2, { 8, 35, 45, 5, 2, 3, 2, 0, 0, 1, 0 }, 2, "4LangChain|Langchain" },
    { "LlamaIndex", TR_LLM2, { 3, 15, 20, 1, 1, 1, 1, 0, 0, 0, 0 }, 2, "LlamaIndex" },
    { "vector databases", TR_LLM2, { 8, 35, 50, 12, 3, 3, 3, 3, 0, 2, 0 }, 2, "3vector databases|vector DBs|vector stores|vector search" },
    { "LoRA", TR_LORA, { 6, 10, 35, 3, 10, 15, 1, 0, 0, 0, 0 }, 8, "4LoRA|QLoRA|LoRA/QLoRA|parameter-efficient fine-tuning (LoRA)" },
    { "prompt engineering", TR_LLM, { 5, 40, 50, 2, 2, 5, 5, 0, 1, 1, 2 }, 0, "3prompt engineering|prompt design" },
    { "OpenAI API", TR_LLM, { 5, 35, 40, 2, 2, 3, 3, 0, 0, 2, 1 }, 0, "3OpenAI API|OpenAI APIs|the OpenAI API" },
    { "NLP", TR_FLAT, { 25, 20, 30, 5, 20, 25, 15, 0, 0, 1, 0 }, 2, "4NLP|natural language processing|Natural Language Processing (NLP)" },
    { "computer vision", TR_FLAT, { 15, 10, 3, 3, 45, 20, 5, 0, 0, 1, 0 }, 2, "computer vision|Computer Vision" },
    { "Tableau", TR_FLAT, { 1, 0, 0, 0, 0, 0, 20, 10, 55, 0, 3 }, -3, "Tableau" },
    { "Power BI", TR_UP, { 0, 0, 0, 0, 0, 0, 10, 10, 40, 0, 2 }, -3, "4Power BI|PowerBI|Microsoft Power BI" },
    { "Excel", TR_FLAT, { 2, 1, 0, 0, 0, 0, 15, 5, 70, 1, 20 }, -5, "4Excel|Microsoft Excel|MS Excel|advanced Excel (pivot tables, VLOOKUP)" },
    { "Looker", TR_FLAT, { 0, 0, 0, 0, 0, 0, 5, 5, 15, 0, 1 }, 0, "Looker" },
    { "A/B testing", TR_FLAT, { 8, 2, 2, 0, 0, 3, 40, 2, 20, 2, 5 }, 0, "3A/B testing|A/B tests|experimentation (A/B testing)" },
    { "statistics", TR_FLAT, { 20, 5, 3, 0, 5, 30, 70, 5, 40, 1, 2 }, 0, "3statistics|statistical modeling|applied statistics" },
    { "Java", TR_FLAT, { 10, 5, 3, 10, 2, 1, 3, 25, 0, 40, 1 }, 0, "Java" },
    { "Scala", TR_DOWN, { 5, 1, 1, 5, 1, 0, 3, 20, 0, 8, 0 }, 3, "Scala" },
    { "Go", TR_UP, { 3, 4, 3, 15, 1, 0, 0, 8, 0, 20, 0 }, 3, "3Go|Golang|Go (Golang)" },
    { "Rust", TR_UP, { 2, 2, 3, 5, 3, 1, 0, 3, 0, 10, 0 }, 5, "Rust" },
    { "C++", TR_FLAT, { 15, 5, 5, 5, 35, 20, 2, 2, 0, 20, 0 }, 3, "3C++|modern C++ (C++17/20)" },
    { "JavaScript", TR_FLAT, { 2, 8, 8, 1, 0, 0, 1, 1, 2, 35, 1 }, 0, "3JavaScript|Javascript" },
    { "TypeScript", TR_UP, { 2, 12, 10, 1, 0, 0, 0, 1, 0, 30, 0 }, 0, "3TypeScript|Typescript" },
    { "React", TR_FLAT, { 1, 8, 6, 0, 0, 0, 0, 0, 1, 30, 1 }, 0, "3React|React.js|ReactJS" },
    { "Node.js", TR_FLAT, { 1, 8, 6, 1, 0, 0, 0, 1, 0, 20, 0 }, 0, "3Node.js|NodeJS" },
    { "PostgreSQL", TR_FLAT, { 5, 8, 8, 8, 0, 0, 5, 25, 8, 25, 0 }, 0, "3PostgreSQL|Postgres|postgres|Postgresql" },
    { "MongoDB", TR_FLAT, { 2, 5, 5, 2, 0, 0, 2, 10, 1, 12, 0 }, 0, "3MongoDB|Mongo" },
    { "Redis", TR_FLAT, { 2, 5, 5, 5, 0, 0, 0, 8, 0, 12, 0 }, 0, "Redis" },
    { "Git", TR_FLAT, { 20, 15, 15, 30, 15, 10, 15, 20, 5, 30, 1 }, 0, "3Git|git" },
    { "Linux", TR_FLAT, { 10, 5, 5, 30, 10, 10, 2, 10, 0, 15, 0 }, 0, "Linux" },
    { "Hadoop", TR_FADE, { 5, 1, 0, 3, 0, 0, 8, 25, 2, 2, 0 }, 0, "3Hadoop|Apache Hadoop" },
    { "Hive", TR_FADE, { 3, 0, 0, 2, 0, 0, 6, 15, 3, 1, 0 }, 0, "3Hive|Apache Hive" },
    { "Jira", TR_FLAT, { 1, 1, 1, 2, 0, 0, 2, 3, 5, 8, 25 }, 0, "3Jira|JIRA" },
    { "Salesforce", TR_FLAT, { 0, 0, 0, 0, 0, 0, 1, 1, 5, 2, 15 }, 0, "Salesforce" },
    { "Figma", TR_FLAT, { 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 10 }, 0, "Figma" },
    { "Agile", TR_FLAT, { 5, 5, 5, 10, 2, 0, 5, 10, 8, 25, 20 }, 0, "3Agile|Scrum|agile methodologies" },
};
#define NSKILL ((int)(sizeof SKILLS / sizeof SKILLS[0]))
#define SKW 2 /* 64-bit words in a skill set */

/* ---- description text ---- */
static const src_t ABOUT[] = {
    { "{} is a fast-growing company on a mission to make data useful for everyone.", 2 },
    { "At {}, we build software that helps millions of people manage their money.", 1 },
    { "{} is a global leader in logistics, moving goods across more than 40 countries.", 1 },
    { "Founded in 2015, {} has grown into a team of more than 800 people across three continents.", 2 },
    { "Join {} — where curiosity meets impact.", 1 },
    { "{} builds tools for healthcare providers so they can spend more time with patients and less time on paperwork.", 1 },
    { "Since our Series C, {} has doubled its customer base every year.", 1 },
    { "{} is a remote-first company with colleagues in 14 time zones.", 1 },
    { "{} powers the checkout of over 20,000 online stores.", 1 },
    { "Who we are: {} is a B2B platform for the world’s mid-sized manufacturers.", 1 },
    { "{} (“the Company”) is one of the largest employers in the region.", 1 },
};
static const src_t INTRO[] = {
    { "We are looking for {} to join our {} team.", 3 },
    { "As {} on the {} team, you will own problems end to end, from the first prototype to production.", 2 },
    { "We’re hiring {} who is excited about building products our customers love. You’ll sit in the {} group.", 1 },
    { "As {}, you will work closely with product managers, designers and engineers across {}.", 1 },
    { "In this role, you will join as {} on a small, high-impact {} team.", 1 },
    { "This is an exciting opportunity for {} to shape how {} works at scale.", 1 },
};
static const src_t TEAMS[] = {
    { "Search", 2 }, { "Ads Ranking", 1 }, { "Payments", 2 }, { "Fraud & Risk", 1 }, { "Recommendations", 2 },
    { "Growth", 2 }, { "Platform", 2 }, { "Core Data", 1 }, { "Customer Insights", 1 }, { "Personalization", 1 },
    { "Trust &amp; Safety", 1 }, { "Developer Experience", 1 }, { "Pricing", 1 },
};
static const src_t STACK[] = {
    { "Our stack: {}, {} and {}.", 2 },
    { "Tech stack — {} · {} · {}", 1 },
    { "Today we run on {}, {}, and {}; we’re open to change if you can make the case.", 1 },
};
static const src_t H_RESP[] = { { "Responsibilities", 3 }, { "What you’ll do", 2 }, { "What You'll Do:", 1 },
                                { "Key responsibilities", 1 }, { "Your role", 1 } };
static const src_t H_REQ[] = { { "Requirements", 3 }, { "Qualifications", 2 }, { "What we’re looking for", 1 },
                               { "Minimum Qualifications:", 1 }, { "About you", 1 } };
static const src_t H_NICE[] = { { "Nice to have", 3 }, { "Preferred Qualifications", 2 }, { "Bonus points", 1 }, { "Pluses:", 1 } };
static const src_t H_BEN[] = { { "Benefits", 3 }, { "What we offer", 2 }, { "Perks &amp; benefits", 1 }, { "Why join us?", 1 } };

static const src_t RESP_ML[] = {
    { "Design, train and deploy machine learning models that serve millions of requests per day.", 1 },
    { "Own the full model lifecycle: data collection, feature engineering, training, evaluation and monitoring.", 1 },
    { "Partner with product and engineering to turn ambiguous problems into measurable ML solutions.", 1 },
    { "Build robust training and inference pipelines and keep them healthy in production.", 1 },
    { "Run offline and online experiments and communicate results clearly.", 1 },
    { "Improve model latency and cost without sacrificing quality.", 1 },
    { "Mentor other engineers and raise the bar for code quality and reviews.", 1 },
    { "Stay current with state-of-the-art research and bring the best ideas into our products.", 1 },
};
static const src_t RESP_GENAI[] = {
    { "Build and ship generative AI features, from prototype to production.", 1 },
    { "Design evaluation harnesses to measure quality, safety and hallucination rates.", 1 },
    { "Fine-tune and serve foundation models with tight latency budgets.", 1 },
    { "Develop agents and tool-use workflows that automate real customer tasks.", 1 },
    { "Work with product to decide where generative models add value — and where they don’t.", 1 },
    { "Optimise inference cost through batching, caching and quantization.", 1 },
    { "Keep a close eye on the fast-moving research landscape.", 1 },
};
static const src_t RESP_OPS[] = {
    { "Build and operate the platform our scientists use to train, deploy and monitor models.", 1 },
    { "Automate CI/CD for models, features and data pipelines.", 1 },
    { "Own the reliability, observability and cost of our ML infrastructure.", 1 },
    { "Provide GPU capacity planning and scheduling for training workloads.", 1 },
    { "Define best practices for model versioning, reproducibility and rollout.", 1 },
    { "Participate in an on-call rotation (roughly one week in six).", 1 },
};
static const src_t RESP_RES[] = {
    { "Conduct original research and publish at top venues (NeurIPS, ICML, ICLR, CVPR, ACL).", 1 },
    { "Translate research advances into prototypes that product teams can adopt.", 1 },
    { "Design large-scale experiments and analyse their results rigorously.", 1 },
    { "Collaborate with engineers to scale training runs across thousands of accelerators.", 1 },
    { "Contribute to open-source projects and the wider research community.", 1 },
    { "Advise leadership on the state of the art and the risks of new methods.", 1 },
};
static const src_t RESP_DS[] = {
    { "Analyse large datasets to uncover insights that drive product decisions.", 1 },
    { "Design and evaluate experiments; define success metrics with product managers.", 1 },
    { "Build predictive models for churn, lifetime value and demand forecasting.", 1 },
    { "Communicate findings to executives through clear narratives and visualisations.", 1 },
    { "Develop causal inference methods where experiments are not possible.", 1 },
    { "Partner with data engineering to improve data quality and instrumentation.", 1 },
};
static const src_t RESP_DE[] = {
    { "Design, build and maintain scalable batch and streaming data pipelines.", 1 },
    { "Model data for analytics and machine learning use cases.", 1 },
    { "Own data quality, lineage and SLAs for critical datasets.", 1 },
    { "Migrate legacy ETL jobs to a modern lakehouse architecture.", 1 },
    { "Work with analysts and scientists to make trusted data self-serve.", 1 },
    { "Optimise storage and compute costs across the data platform.", 1 },
};
static const src_t RESP_DA[] = {
    { "Build and maintain dashboards and recurring reports for business stakeholders.", 1 },
    { "Answer ad-hoc questions from sales, marketing and finance with data.", 1 },
    { "Define and document key business metrics and KPIs.", 1 },
    { "Identify trends and opportunities, and present recommendations to leadership.", 1 },
    { "Ensure data accuracy and consistency across reporting tools.", 1 },
    { "You will excel at turning messy spreadsheets into clear stories.", 1 },
};
static const src_t RESP_SWE[] = {
    { "Design, build and maintain services used by millions of customers.", 1 },
    { "Write clean, well-tested, maintainable code and review your peers’ code.", 1 },
    { "Collaborate with product and design to ship features quickly and safely.", 1 },
    { "Improve the performance, reliability and security of our systems.", 1 },
    { "Participate in architecture discussions and technical planning.", 1 },
    { "Respond to incidents calmly and help us learn from them in blameless postmortems.", 1 },
    { "Build internal tools that make every engineer more productive.", 1 },
};
static const src_t RESP_OTH[] = {
    { "Partner with engineering leaders to understand their hiring needs.", 1 },
    { "Own the roadmap for your product area and prioritise ruthlessly.", 1 },
    { "Build our go to market plan for new segments together with sales and marketing.", 1 },
    { "Run discovery interviews with customers and translate insights into requirements.", 1 },
    { "Manage a pipeline of enterprise opportunities from first call to signature.", 1 },
    { "Coordinate cross-functional projects and keep stakeholders informed.", 1 },
    { "Create clear, concise documentation and presentations.", 1 },
};

static const src_t SK1[] = {
    { "Experience with {}.", 4 }, { "Strong proficiency in {}.", 3 }, { "Hands-on experience with {} in production.", 2 },
    { "Solid understanding of {}.", 2 }, { "Familiarity with {} is a plus.", 2 }, { "{} experience required.", 1 },
    { "Working knowledge of {}", 1 }, { "Expertise in {} (3+ years).", 1 }, { "You have shipped real projects using {}.", 1 },
};
static const src_t SK2[] = {
    { "Experience with {} and {}.", 3 }, { "Proficiency in {} or {}.", 2 }, { "Hands-on experience with {}/{}.", 1 },
    { "Deep knowledge of {} and/or {}.", 1 }, { "Comfortable working with {} as well as {}.", 1 },
};
static const src_t SK3[] = {
    { "Experience with tools such as {}, {}, and {}.", 3 }, { "Familiarity with {}, {} or {}.", 2 },
    { "You have worked with {}, {} &amp; {}.", 1 }, { "Proficient in {}, {}, {} (or similar).", 1 },
};
static const src_t YEARS[] = { { "0–1 years", 1 }, { "1+ years", 1 }, { "2+ years", 1 }, { "3+ years", 1 },
                               { "5+ years", 1 }, { "7+ years", 1 }, { "10+ years", 1 } };
static const int LEVEL_YEARS[NLEVEL] = { 0, 1, 3, 4, 5, 6 };
static const src_t GENREQ[] = {
    { "{} of professional experience in a similar role.", 4 },
    { "Bachelor’s degree in Computer Science, Statistics, or a related field — or equivalent practical experience.", 3 },
    { "MS or PhD in a quantitative discipline preferred.", 1 },
    { "Strong written and verbal communication skills.", 3 },
    { "Ability to work independently in a fast-paced environment.", 2 },
    { "You excel at explaining complex results to non-technical stakeholders.", 2 },
    { "Comfortable with ambiguity and able to react quickly when priorities shift.", 1 },
    { "A track record of shipping state-of-the-art systems to production.", 1 },
    { "Fluency in English; German or French is a bonus.", 1 },
};
static const src_t BENEFITS[] = {
    { "Competitive salary and equity", 3 }, { "Medical, dental &amp; vision insurance", 2 }, { "401(k) with 4% match", 2 },
    { "Unlimited PTO — we mean it", 1 }, { "Home-office stipend of $1,000", 1 }, { "Annual learning budget for conferences and courses", 2 },
    { "20 weeks of paid parental leave", 1 }, { "Flexible hours and a four-day week pilot", 1 }, { "Free lunch on Thursdays 🍕", 1 },
    { "30 days of paid vacation (Urlaub)", 1 }, { "Gym membership&nbsp;reimbursement", 1 }, { "Commuter benefits", 1 },
};
static const src_t FILLER[] = {
    { "We are an equal opportunity employer. We celebrate diversity and are committed to creating an inclusive environment for all employees. All qualified applicants will receive consideration for employment without regard to race, color, religion, sex, sexual orientation, gender identity or expression, national origin, genetic information, disability, age, or veteran status.", 12 },
    { "The expected base salary range for this position is shown in the salary fields. Actual compensation will depend on job-related knowledge, skills, experience and location, and may include bonus and equity.", 8 },
    { "If you need a reasonable accommodation during the application process, please email accommodations@example.com.", 8 },
    { "By applying, you acknowledge our Candidate Privacy Notice at https://careers.example.com/privacy/candidates.", 8 },
    { "We value humility, ownership, and a sense of humor. Our weekly demo day is where ideas spark and the best ones ship.", 8 },
    { "We’re not looking for rock stars or ninjas — just thoughtful people who like solving hard problems together.", 8 },
    { "Our go to market team works hand in hand with engineering so that what we build actually reaches customers.", 8 },
    { "Think of it as a ray of light in a crowded market: a product customers actually enjoy using.", 4 },
    { "Candidates are welcome to express interest even if they don’t meet every single requirement.", 8 },
    { "You will report to Julia Núñez, Director of Engineering, and work alongside René, Zoë and Siobhán.", 4 },
    { "Please send your CV in English or French.", 4 },
    { "This spring we are moving into a new office with a rooftop terrace.", 4 },
    { "We believe that people excel at work when they have room to grow outside of it.", 4 },
    { "Go beyond the usual: every employee gets a yearly ‘moonshot week’ to explore new ideas.", 1 },
    { "Our interview process: a 30-minute recruiter call, a technical screen, a take-home exercise (2–3 hours), and a final “onsite” loop held over video.", 8 },
    { "Applicants must be authorized to work in the country of the posting; we are unable to sponsor visas for this role.", 8 },
    { "As our CEO likes to say: \"Data without action is just trivia.\"", 4 },
    { "Old habits like e-mailing files from C:\\Users\\shared\\exports are a thing of the past here.", 4 },
    { "We use the “two-pizza team” model — small teams, clear ownership, fast iterations.", 4 },
    { "Notice to agencies and search firm representatives: we do not accept unsolicited résumés. Any résumé or other candidate information submitted outside of our established processes, including through a hiring manager or any other employee, will be treated as property of the company, and no fee will be paid in the event the candidate is subsequently hired.", 4 },
    { "We are committed to building a workplace where everyone can do the best work of their careers. That means transparent leveling, regular feedback, and promotion decisions that are written down and reviewed by a committee rather than decided in a hallway.", 8 },
    { "Our customers include hospitals, city governments, airlines and thousands of small businesses. The problems are messy, the data is messier, and the impact is real.", 8 },
    { "Our engineering principles: start simple, measure everything, write things down, and leave the campsite cleaner than you found it.", 4 },
    { "Want to express yourself? We run an internal blog, a monthly lightning-talk night and a very competitive quiz league.", 4 },
    { "We offer a hybrid setup: two days a week in the office, the rest wherever you do your best work.", 8 },
    { "The state-of-the-art is moving fast, and so do we — but never at the expense of our users’ privacy.", 4 },
    { "Tab\tseparated\tnotes\tsometimes\tsurvive the copy-paste from the ATS.", 4 },
    { "Salary bands are reviewed twice a year against market data, and every offer includes a relocation package where relevant.", 4 },
};
static const src_t FOREIGN[] = {
    { "Wir suchen eine engagierte Persönlichkeit, die Freude daran hat, komplexe Probleme zu lösen. Bei uns erwarten dich flache Hierarchien, ein modernes Büro in zentraler Lage und ein großartiges Team.", 2 },
    { "Nous recherchons un(e) candidat(e) passionné(e) pour rejoindre notre équipe à Paris. Vous travaillerez au sein d’une équipe pluridisciplinaire, dans un environnement stimulant où l’on apprend chaque jour.", 2 },
    { "Buscamos una persona apasionada por los datos, con muchas ganas de aprender y crecer con nosotros. ¿Te animas? ¡Te esperamos!", 2 },
    { "Procuramos alguém com vontade de aprender, espírito de equipe e atenção aos detalhes. Oferecemos vale-refeição, plano de saúde e horário flexível.", 1 },
    { "Wij bieden een uitdagende functie in een informele werkomgeving met volop ruimte voor persoonlijke ontwikkeling.", 1 },
    { "Oferujemy pracę w zgranym zespole, elastyczne godziny pracy oraz prywatną opiekę medyczną.", 1 },
    { "私たちは、データの力で社会をより良くすることを目指しています。", 1 },
    { "हम एक ऐसे साथी की तलाश में हैं जो सीखने के लिए उत्सुक हो।", 1 },
    { "我们正在寻找热爱技术的工程师加入我们的团队。", 1 },
};
static const int CC_FOREIGN[NCC] = { -1, -1, 0, 1, 4, 1, 7 }; /* preferred FOREIGN item by country */
static const src_t EMOJI[] = { { "🚀 We’re hiring!", 2 }, { "✨ Why you’ll love it here ✨", 1 }, { "💡 Ideas welcome, always.", 1 },
                               { "🌍 Work from anywhere in your time zone.", 1 }, { "✅ Visa sponsorship available", 1 } };


/* random prose: adds the entropy of real text (otherwise the corpus compresses far better than real data) */
static const char *const WORDS[] = {
    "team",
    "customers",
    "product",
    "growth",
    "quality",
    "data",
    "platform",
    "impact",
    "ownership",
    "roadmap",
    "strategy",
    "partners",
    "users",
    "insights",
    "decisions",
    "systems",
    "services",
    "pipelines",
    "reports",
    "metrics",
    "goals",
    "outcomes",
    "process",
    "processes",
    "culture",
    "values",
    "mission",
    "vision",
    "colleagues",
    "stakeholders",
    "leaders",
    "managers",
    "engineers",
    "analysts",
    "designers",
    "scientists",
    "community",
    "clients",
    "markets",
    "industry",
    "region",
    "office",
    "offices",
    "build",
    "improve",
    "deliver",
    "design",
    "own",
    "drive",
    "support",
    "scale",
    "measure",
    "learn",
    "share",
    "lead",
    "mentor",
    "review",
    "ship",
    "plan",
    "define",
    "automate",
    "analyse",
    "understand",
    "translate",
    "communicate",
    "collaborate",
    "partner",
    "coordinate",
    "launch",
    "maintain",
    "evaluate",
    "monitor",
    "optimise",
    "simplify",
    "document",
    "fast",
    "reliable",
    "secure",
    "scalable",
    "modern",
    "thoughtful",
    "curious",
    "pragmatic",
    "collaborative",
    "diverse",
    "inclusive",
    "ambitious",
    "friendly",
    "global",
    "local",
    "remote",
    "hybrid",
    "flexible",
    "clear",
    "simple",
    "complex",
    "critical",
    "strategic",
    "operational",
    "financial",
    "commercial",
    "technical",
    "practical",
    "every",
    "each",
    "our",
    "your",
    "their",
    "new",
    "better",
    "best",
    "first",
    "small",
    "large",
    "daily",
    "weekly",
    "quarterly",
    "annual",
    "long",
    "short",
    "early",
    "late",
    "open",
    "honest",
    "with",
    "across",
    "through",
    "within",
    "for",
    "from",
    "into",
    "about",
    "around",
    "over",
    "under",
    "between",
    "alongside",
    "toward",
    "without",
    "beyond",
    "during",
    "after",
    "before",
    "and",
    "or",
    "but",
    "while",
    "because",
    "although",
    "so",
    "that",
    "which",
    "where",
    "when",
    "how",
    "why",
    "what",
    "who",
    "whom",
    "whose",
    "the",
    "a",
    "an",
    "this",
    "these",
    "those",
    "some",
    "many",
    "several",
    "most",
    "more",
    "less",
    "fewer",
    "other",
    "another",
    "such",
    "same",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "do",
    "does",
    "did",
    "problems",
    "solutions",
    "ideas",
    "experiments",
    "projects",
    "initiatives",
    "programs",
    "features",
    "releases",
    "launches",
    "migrations",
    "incidents",
    "reviews",
    "budget",
    "budgets",
    "revenue",
    "costs",
    "savings",
    "margin",
    "margins",
    "forecast",
    "forecasts",
    "sales",
    "marketing",
    "finance",
    "operations",
    "logistics",
    "supply",
    "healthcare",
    "retail",
    "banking",
    "insurance",
    "energy",
    "travel",
    "media",
    "education",
    "hardware",
    "software",
    "security",
    "privacy",
    "compliance",
    "risk",
    "people",
    "time",
    "work",
    "life",
    "balance",
    "wellbeing",
    "benefits",
    "salary",
    "equity",
    "bonus",
    "vacation",
    "leave",
    "training",
    "career",
    "promotion",
    "feedback",
    "journey",
    "story",
    "history",
    "future",
    "present",
    "momentum",
    "velocity",
    "cadence",
    "rhythm",
    "loop",
    "loops",
    "signal",
    "signals",
    "trust",
    "clarity",
    "focus",
    "world",
    "city",
    "country",
    "continent",
    "timezone",
    "language",
    "languages",
    "vendors",
    "suppliers",
    "regulators",
    "investors",
    "board"
};
#define NWORDS ((int)(sizeof WORDS / sizeof WORDS[0]))
static const char *const NAMES[] = {
    "Zoë Laurent",
    "José Álvarez",
    "Björn Nyström",
    "Siobhán Ní Bhriain",
    "Chloé Dubois",
    "Łukasz Wiśniewski",
    "Priya Raghunathan",
    "Ngozi Okafor",
    "Mateus Conceição",
    "Søren Kierkegård",
    "Aisha Al-Farsi",
    "Hiroshi Tanaka",
    "Fatma Yılmaz",
    "Dvořák Antonín",
    "François Lefèvre",
    "Ana-María Peña",
    "Kwame Mensah",
    "Olga Smirnova",
    "Ivan Petrović",
    "Emily O’Connor",
    "Małgorzata Kowalska",
    "Nguyễn Văn An",
    "Léa Müller"
};
#define NNAMES ((int)(sizeof NAMES / sizeof NAMES[0]))

/* structural fragments */
enum {
    X_P_OPEN, X_P_CLOSE, X_UL_OPEN, X_UL_CLOSE, X_LI_OPEN, X_LI_CLOSE, X_BR, X_STRONG_OPEN, X_STRONG_CLOSE,
    X_H3_OPEN, X_H3_CLOSE, X_SPACE, X_COLON, X_COMMA, X_BUL_DOT, X_BUL_DASH, X_BUL_STAR, X_NBSP, X_LPAREN, X_RPAREN, X_PERIOD,
    NX
};
static const char *const XTEXT[NX] = { "<p>", "</p>", "<ul>", "</ul>", "<li>", "</li>", "<br>", "<strong>", "</strong>",
                                       "<h3>", "</h3>", " ", ":", ", ", "• ", "- ", "* ", "&nbsp;", " (", ")", "." };

/* ---------------------------------------------------- the dense profile */

/* --profile dense: shorter postings packed with skill mentions, as some
 * job boards' feeds are (README-gen.md, "Profiles"). The default profile
 * never reads any of this, so its output is unchanged. The names below
 * are canonical skill names of taxonomy/skills.tsv (2026.12.1) that are
 * also their own aliases, picked across categories by a hash of the
 * name; fixed here so that a corpus does not change with the taxonomy. */
static int g_dense;
#define DENSE_PAR_PCT 6     /* filler paragraphs that name skills */
#define DENSE_TARGET_BASE 600 /* description target: this + default / 3 */
#define DENSE_RAW_PCT 86     /* serialiser styles: raw, Python, PHP, Go */
#define DENSE_PY_PCT 7
#define DENSE_GO_PCT 3

static const char *const DENSE_SKILLS[] = {
    "SoapUI", "DO-254", "POSIX", "AI for science", "Personio", "Fairlearn", "Pega", "Simcenter STAR-CCM+",
    "EPANET", "Polarion", "Allscripts", "OpenText Documentum", "Perl", "Software engineering",
    "UX prototyping", "Zemax OpticStudio", "RTOS", "Siemens WinCC", "FlexRay", "ThreadX", "VHDL",
    "Kali Linux", "Tableau", "Beckhoff TwinCAT", "InterpretML", "REXX", "Kubeflow Katib", "Oracle Hyperion",
    "gPROMS", "Information extraction", "Salesforce CPQ", "Caching", "Infor ERP", "Mixture of Experts",
    "Differential equations", "Aspen HYSYS", "Calculus", "Firebase", "AWS Security Hub", "Cucumber",
    "LogRhythm", "Deep learning", "Presto", "GitOps", "Serverless", "Supervised learning", "GEOVIA Surpac",
    "UX design", "Apache Iceberg", "Headless CMS", "Amazon SQS", "Veeam", "MRP systems", "ROS",
    "Azure Cosmos DB", "Memcached", "Ubiquiti", "Adobe Animate", "Microsoft Advertising", "ScyllaDB",
    "Cybersecurity", "Amazon EKS", "LLM evaluation", "RLHF", "SnowPro Core", "Google Slides", "Testim",
    "torchvision", "EJS", "ISTQB", "FitNesse", "Kaspersky", "IS-IS", "Drake Tax", "TensorFlow",
    "Testcontainers", "Jakarta EE", "Neural networks", "Adobe Captivate", "Common Criteria", "Lucidchart",
    "Apache Storm", "Mendix", "Google Cloud Spanner", "LAMP stack", "torchtune", "Alibaba Canal", "IES VE",
    "QuarkXPress", "uni-app", "Final Cut Pro", "IAR Embedded Workbench", "Polars", "Kedro", "Waterfall",
    "Ktor", "WhyLabs", "Azure Arc", "Chakra UI", "Deltek", "CNC programming", "Cisco Webex", "CloudCompare",
    "Alibaba DataWorks", "Nagios", "OSPF", "Lua", "Oracle NetSuite", "EHR systems", "Google Cloud Workflows",
    "Zoho", "SIEM", "Dashboards", "Git", "MathML", "Prisma Cloud", "MYOB", "HiBob", "Salesforce Flow",
    "Voyage AI", "Aqua Security", "Netflix OSS", "Knowledge graphs", "Probability", "W3C standards",
    "OpenVMS", "EPA SWMM", "eClinicalWorks", "PCB design", "Databricks ML", "Forecasting", "Electron",
    "Semantic search", "fastText", "Affinity Designer", "CSS animations", "Apache Cordova",
    "Large-Scale Scrum", "Appian", "QNX", "JSON", "Apache Avro", "Palantir Foundry", "TestNG", "Ray Tune",
    "Siemens Teamcenter", "DaVinci Resolve", "ManageEngine", "iOS SDK", "Autodesk PowerMill", "Trend Micro",
    "PennyLane", "CEH", "NI Multisim", "Sitecore", "Pure Storage", "Pixar RenderMan", "PowerBuilder",
    "F5 BIG-IP", "Icertis", "Apache Flex", "WSO2", "Numerical methods", "Image segmentation",
    "Octopus Deploy", "Aerospike", "AWS Systems Manager", "Spring WebFlux", "Autodesk Revit",
    "Microsoft Sentinel", "Temenos", "Paycor", "Microsoft PowerPoint", "GPU optimization", "gRPC",
    "Quantization", "Element UI", "Chroma", "Gerrit", "Microsoft Dynamics GP", "SnapLogic", "UserTesting",
    "BentoML", "Version control", "Kornia", "Azure Static Web Apps", "CompTIA PenTest+", "Grafana",
    "Amazon Athena", "Coqui TTS", "tiktoken", "Oracle Solaris", "Octane Render", "Puppet", "Jira Align",
    "Google Lighthouse", "HMI development", "Schlumberger Petrel", "SQL analytics", "Hugging Face Spaces",
    "COBOL", "Raku", "CSI ETABS", "Stable Diffusion", "Google Sheets", "Helm", "JMP", "GibbsCAM",
    "KingbaseES", "Oracle JDeveloper", "MEDITECH", "Akka", "Workday", "Matplotlib", "Amazon Kinesis", "FISMA",
    "Huawei networking", "Chrome DevTools", "Apache Tez", "dplyr", "Power Pivot", "Responsive web design",
    "Amazon Cognito", "LightGBM", "Microsoft Azure", "PV Elite", "EasyOCR", "Megatron-LM",
    "DIgSILENT PowerFactory", "FedRAMP", "Distributed training", "Salesforce Visualforce", "MATLAB toolboxes",
    "Parasoft", "Semi-structured data", "Amazon Lex", "Infoblox", "Livewire", "SciPy", "Salesforce Certified",
    "Search ranking", "Apollo.io", "CoreWeave", "Bentley ProjectWise", "Segment CDP", "Veeva Vault",
    "Silk Performer", "IFS Applications", "SAS Certified", "Model evaluation", "SAP SD", "Five9", "LS-DYNA",
    "Redux", "HITRUST", "Data privacy", "Oracle Eloqua", "Heroku", "Mobile development", "CoStar", "Coupa",
    "Blue Yonder", "AWS CDK", "HEC-RAS", "GraphPad Prism", "Xamarin", "Vision-language models",
    "Rockwell Arena", "Google Cloud Composer", "ArcSight", "Datto", "MISRA C", "Checkmarx", "LoRaWAN",
    "GaussDB", "SAP GRC", "Burp Suite", "Confluence", "Embedded vision", "OCaml", "Basecamp", "Alpine.js",
    "AWS DMS", "Snowpack", "SonarQube", "Web3.js", "Vite", "CA IDMS", "Cloudera", "Productboard", "Darktrace",
    "caret", "VxWorks", "Marketing analytics", "Gradient boosting", "NCCL", "Cheminformatics", "Quarkus",
    "Fortinet", "Colossal-AI", "SolarWinds", "Oracle Agile PLM", "Cisco networking", "ThoughtSpot",
    "Microsoft Intune", "Gong.io", "Amazon Rekognition", "Functional programming", "NuGet", "EnergyPlus",
    "IBM DOORS", "DDoS protection", "MongoDB", "TensorFlow.js", "CompTIA certifications", "JAGGAER",
    "Autodesk Fusion 360", "Markdown", "Cisco AnyConnect", "iManage",
};
#define NDENSE ((int)(sizeof DENSE_SKILLS / sizeof DENSE_SKILLS[0]))

static const char *const DENSE_LEAD[] = {
    "Hands-on experience with", "You will work with", "Our stack includes", "Familiarity with",
    "Working knowledge of", "Bonus if you know", "Day to day you use", "We rely on",
};
#define NDLEAD ((int)(sizeof DENSE_LEAD / sizeof DENSE_LEAD[0]))

/* ------------------------------------------------------ prepared tables */

typedef struct {
    int n;
    frag_t *v;
    unsigned *cum;
    unsigned total;
} varlist_t;

static struct {
    frag_t base_title[NBASE], base_field[NBASE], base_noun[NBASE];
    int role_bases[NROLE][16], role_nbase[NROLE];
    unsigned role_bcum[NROLE][16];
    unsigned role_cum[NMONTH][NROLE];
    unsigned month_cum[NMONTH];
    unsigned level_cum[NLEVEL];
    tlist_t tform[NLEVEL], tmgr_oth, decos, companies, about, intro, teams, stack;
    tlist_t h_resp, h_req, h_nice, h_ben, resp[NROLE], sk1, sk2, sk3, years, genreq, benefits, filler, foreign, emoji;
    unsigned loc_cum[NLOC];
    frag_t loc[NLOC];
    frag_t sf[NSF];
    varlist_t skv[NSKILL];
    uint32_t skill_thr[NMONTH][NROLE][NSKILL];
    frag_t x[NX];
    frag_t word[NWORDS], Word[NWORDS], wsp[NWORDS], name[NNAMES];
    frag_t dense[NDENSE], dlead[NDLEAD], and_; /* --profile dense */
} T;

static double ramp(int m, int a, int b)
{
    if (m <= a) return 0;
    if (m >= b) return 1;
    return (double)(m - a) / (double)(b - a);
}

static double trend(int tr, int m)
{
    double t = (double)m / (NMONTH - 1);
    switch (tr) {
    case TR_UP: return 0.7 + 0.6 * t;
    case TR_DOWN: return 1.25 - 0.75 * t;
    case TR_FADE: return 1.3 - 1.0 * t;
    case TR_LLM: return 0.08 + 0.92 * ramp(m, 10, 36);
    case TR_LLM2: return 0.01 + 0.99 * ramp(m, 15, 42);
    case TR_LORA: return 0.03 + 0.97 * ramp(m, 14, 40);
    case TR_HF: return 0.4 + 0.6 * ramp(m, 8, 36);
    default: return 1.0;
    }
}

static void tables_init(void)
{
    for (int i = 0; i < NBASE; i++) {
        frag_init(&T.base_title[i], BASES[i].text, strlen(BASES[i].text));
        frag_init(&T.base_field[i], BASES[i].field, strlen(BASES[i].field));
        frag_init(&T.base_noun[i], BASES[i].noun, strlen(BASES[i].noun));
        int r = BASES[i].role, k = T.role_nbase[r]++;
        if (k >= 16) die("too many bases");
        T.role_bases[r][k] = i;
        T.role_bcum[r][k] = (k ? T.role_bcum[r][k - 1] : 0) + BASES[i].w;
    }
    for (int m = 0; m < NMONTH; m++) {
        double acc = 0;
        for (int r = 0; r < NROLE; r++) {
            double w = ROLE_W0[r] + ROLE_WG[r] * ramp(m, 10, 40);
            acc += w * 1000;
            T.role_cum[m][r] = (unsigned)acc;
        }
        /* posting volume: growing, with a 2023 dip */
        double v = 100 + 2.0 * m;
        if (m >= 12 && m < 24) v *= 0.8;
        T.month_cum[m] = (m ? T.month_cum[m - 1] : 0) + (unsigned)v;
        for (int r = 0; r < NROLE; r++)
            for (int s = 0; s < NSKILL; s++) {
                double p = SKILLS[s].pct[r] / 100.0 * trend(SKILLS[s].trend, m);
                if (p > 0.98) p = 0.98;
                T.skill_thr[m][r][s] = (uint32_t)(p * 4294967295.0);
            }
    }
    for (int l = 0; l < NLEVEL; l++)
        T.level_cum[l] = (l ? T.level_cum[l - 1] : 0) + LEVEL_W[l];
    TL_INIT(T.tform[L_INTERN], T_INTERN);
    TL_INIT(T.tform[L_ENTRY], T_ENTRY);
    TL_INIT(T.tform[L_MID], T_MID);
    TL_INIT(T.tform[L_SENIOR], T_SENIOR);
    TL_INIT(T.tform[L_STAFF], T_STAFF);
    TL_INIT(T.tform[L_MGR], T_MGR_ENG);
    TL_INIT(T.tmgr_oth, T_MGR_OTH);
    TL_INIT(T.decos, DECOS);
    TL_INIT(T.companies, COMPANIES);
    TL_INIT(T.about, ABOUT);
    TL_INIT(T.intro, INTRO);
    TL_INIT(T.teams, TEAMS);
    TL_INIT(T.stack, STACK);
    TL_INIT(T.h_resp, H_RESP);
    TL_INIT(T.h_req, H_REQ);
    TL_INIT(T.h_nice, H_NICE);
    TL_INIT(T.h_ben, H_BEN);
    TL_INIT(T.resp[R_MLE], RESP_ML);
    TL_INIT(T.resp[R_AIE], RESP_GENAI);
    TL_INIT(T.resp[R_LLM], RESP_GENAI);
    TL_INIT(T.resp[R_MLOPS], RESP_OPS);
    TL_INIT(T.resp[R_DL], RESP_ML);
    TL_INIT(T.resp[R_RES], RESP_RES);
    TL_INIT(T.resp[R_DS], RESP_DS);
    TL_INIT(T.resp[R_DE], RESP_DE);
    TL_INIT(T.resp[R_DA], RESP_DA);
    TL_INIT(T.resp[R_SWE], RESP_SWE);
    TL_INIT(T.resp[R_OTH], RESP_OTH);
    TL_INIT(T.sk1, SK1);
    TL_INIT(T.sk2, SK2);
    TL_INIT(T.sk3, SK3);
    TL_INIT(T.years, YEARS);
    TL_INIT(T.genreq, GENREQ);
    TL_INIT(T.benefits, BENEFITS);
    TL_INIT(T.filler, FILLER);
    TL_INIT(T.foreign, FOREIGN);
    TL_INIT(T.emoji, EMOJI);
    for (int i = 0; i < NLOC; i++) {
        frag_init(&T.loc[i], LOCS[i].text, strlen(LOCS[i].text));
        T.loc_cum[i] = (i ? T.loc_cum[i - 1] : 0) + LOCS[i].w;
    }
    for (int i = 0; i < NSF; i++)
        frag_init(&T.sf[i], SF_TEXT[i], strlen(SF_TEXT[i]));
    for (int i = 0; i < NX; i++)
        frag_init(&T.x[i], XTEXT[i], strlen(XTEXT[i]));
    for (int i = 0; i < NWORDS; i++) {
        char tmp[64];
        size_t n = strlen(WORDS[i]);
        if (n + 2 > sizeof tmp) die("word too long");
        tmp[0] = ' ';
        memcpy(tmp + 1, WORDS[i], n);
        frag_init(&T.wsp[i], tmp, n + 1);     /* " word" */
        frag_init(&T.word[i], tmp + 1, n);    /* "word" */
        tmp[1] = (char)(tmp[1] - 32 * (tmp[1] >= 'a' && tmp[1] <= 'z'));
        frag_init(&T.Word[i], tmp + 1, n);    /* "Word" */
    }
    for (int i = 0; i < NNAMES; i++)
        frag_init(&T.name[i], NAMES[i], strlen(NAMES[i]));
    for (int i = 0; i < NDENSE; i++)
        frag_init(&T.dense[i], DENSE_SKILLS[i], strlen(DENSE_SKILLS[i]));
    for (int i = 0; i < NDLEAD; i++)
        frag_init(&T.dlead[i], DENSE_LEAD[i], strlen(DENSE_LEAD[i]));
    frag_init(&T.and_, " and ", 5);
    for (int s = 0; s < NSKILL; s++) {
        varlist_t *vl = &T.skv[s];
        const char *p = SKILLS[s].variants;
        int n = 1;
        for (const char *q = p; *q; q++)
            n += *q == '|';
        vl->n = n;
        vl->v = calloc((size_t)n, sizeof *vl->v);
        vl->cum = calloc((size_t)n, sizeof *vl->cum);
        if (!vl->v || !vl->cum) die("out of memory");
        unsigned tot = 0;
        for (int k = 0; k < n; k++) {
            unsigned w = 1;
            if (*p >= '1' && *p <= '9') w = (unsigned)(*p++ - '0');
            const char *e = strchr(p, '|');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            frag_init(&vl->v[k], p, len);
            tot += w;
            vl->cum[k] = tot;
            p += len + (e ? 1 : 0);
        }
        vl->total = tot;
    }
    if (NSKILL > 64 * SKW) die("too many skills");
}

static int cum_pick(const unsigned *cum, int n, rng_t *r)
{
    unsigned x = rng_below(r, cum[n - 1]);
    int i = 0;
    while (cum[i] <= x)
        i++;
    return i;
}

static inline const frag_t *skill_variant(int s, rng_t *r)
{
    const varlist_t *vl = &T.skv[s];
    return &vl->v[cum_pick(vl->cum, vl->n, r)];
}

/* ------------------------------------------------------------ dates */

/* days since 1970-01-01 for a civil date (proleptic Gregorian) */
static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *yy, unsigned *mm, unsigned *dd)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *yy = (int)(y + (m <= 2));
    *mm = m;
    *dd = d;
}

static const unsigned MDAYS[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

/* ------------------------------------------------------------ postings */

typedef struct {
    int role, base, level, tform, deco, title_skill;
    int company, loc, cc;
    int64_t day; /* days since epoch */
    int month;   /* 0..NMONTH-1 */
    unsigned secs; /* time of day */
    int has_min, has_max, period, currency, salary_any_currency;
    int64_t smin, smax; /* in cents */
    int sf;             /* seniority field, -1 = absent */
    uint64_t skills[SKW];
    int nskill;
    uint32_t target; /* description length target, bytes */
    int nl_crlf, html, bullet;
    uint64_t desc_seed;
} posting_t;

static inline int skill_has(const posting_t *p, int s) { return (int)((p->skills[s >> 6] >> (s & 63)) & 1); }

static int64_t round_to(double v, double unit_cents)
{
    double q = v / unit_cents + 0.5;
    return (int64_t)q * (int64_t)unit_cents;
}

static void make_content(posting_t *p, uint64_t seed)
{
    rng_t r;
    rng_seed(&r, seed);
    memset(p, 0, sizeof *p);

    int m = cum_pick(T.month_cum, NMONTH, &r);
    p->month = m;
    int y = 2022 + m / 12;
    unsigned mon = (unsigned)(m % 12) + 1;
    unsigned md = MDAYS[mon - 1] + (mon == 2 && y % 4 == 0);
    p->day = days_from_civil(y, mon, 1 + rng_below(&r, md));
    p->secs = rng_below(&r, 86400);

    p->role = cum_pick(T.role_cum[m], NROLE, &r);
    int k = cum_pick(T.role_bcum[p->role], T.role_nbase[p->role], &r);
    p->base = T.role_bases[p->role][k];
    p->level = cum_pick(T.level_cum, NLEVEL, &r);
    if (p->role == R_OTH && p->level == L_INTERN && rng_pct(&r, 70))
        p->level = L_ENTRY;
    const tlist_t *tf = (p->level == L_MGR && p->role == R_OTH) ? &T.tmgr_oth : &T.tform[p->level];
    p->tform = tl_pick(tf, &r);
    p->deco = rng_pct(&r, 15) ? tl_pick(&T.decos, &r) : -1;

    p->company = tl_pick(&T.companies, &r);
    p->loc = cum_pick(T.loc_cum, NLOC, &r);
    p->cc = LOCS[p->loc].cc;

    /* skills */
    int ns = 0;
    const uint32_t *thr = T.skill_thr[m][p->role];
    for (int s = 0; s < NSKILL; s++) {
        if ((uint32_t)(rng_next(&r) >> 32) < thr[s]) {
            p->skills[s >> 6] |= 1ULL << (s & 63);
            ns++;
        }
    }
    p->nskill = ns;
    p->title_skill = -1;
    if (ns && p->role != R_OTH && rng_pct(&r, 4)) {
        int pick = (int)rng_below(&r, (uint32_t)ns);
        for (int s = 0; s < NSKILL; s++)
            if (skill_has(p, s) && pick-- == 0) { p->title_skill = s; break; }
    }

    /* salary */
    static const double LVL_USD[NLEVEL] = { 70000, 98000, 128000, 160000, 205000, 195000 };
    static const double ROLE_MULT[NROLE] = { 1.12, 1.10, 1.18, 1.05, 1.12, 1.20, 1.0, 1.0, 0.72, 1.0, 0.85 };
    p->currency = CC_CUR[p->cc];
    if (p->cc == CC_IN && rng_pct(&r, 8)) p->currency = CUR_USD;
    if (p->cc == CC_EU && rng_pct(&r, 10)) p->currency = CUR_GBP;
    double tsal = 0.35 + 0.30 * ((double)m / (NMONTH - 1)); /* pay transparency grows */
    if (p->cc == CC_IN) tsal *= 0.6;
    int any = rng_unit(&r) < tsal;
    if (any) {
        int prem = 0;
        for (int s = 0; s < NSKILL; s++)
            if (skill_has(p, s)) prem += SKILLS[s].premium;
        if (prem > 20) prem = 20;
        if (prem < -10) prem = -10;
        double mid = LVL_USD[p->level] * ROLE_MULT[p->role] * (1 + prem / 100.0) * (LOCS[p->loc].colmult / 100.0) *
                     (0.85 + 0.30 * rng_unit(&r)) * (1 + 0.02 * (m / 12));
        if (p->cc == CC_IN) mid *= 0.5; /* lower local purchasing-power scale */
        mid *= CUR_FACTOR[p->currency];
        unsigned pr = rng_below(&r, 100);
        int per;
        if (p->level == L_INTERN) per = pr < 60 ? P_HOUR : pr < 95 ? P_YEAR : P_MONTH;
        else if (p->currency == CUR_INR) per = pr < 85 ? P_YEAR : P_MONTH;
        else if (p->currency == CUR_EUR) per = pr < 80 ? P_YEAR : pr < 95 ? P_MONTH : P_DAY;
        else per = pr < 82 ? P_YEAR : pr < 90 ? P_HOUR : pr < 96 ? P_MONTH : pr < 98 ? P_DAY : P_WEEK;
        p->period = per;
        double w = 0.05 + 0.20 * rng_unit(&r);
        double lo = mid * (1 - w) / PERIOD_DIV[per] * 100, hi = mid * (1 + w) / PERIOD_DIV[per] * 100;
        static const double UNIT[NPERIOD] = { 100000, 10000, 1000, 500, 50 };
        double unit = UNIT[per] * (p->currency == CUR_INR ? 10 : 1);
        p->smin = round_to(lo, unit);
        p->smax = round_to(hi, unit);
        if (p->smax <= p->smin) p->smax = p->smin + (int64_t)unit;
        unsigned sh = rng_below(&r, 100);
        p->has_min = sh < 93;
        p->has_max = sh < 80 || sh >= 93;
    }
    p->salary_any_currency = rng_pct(&r, 40);

    /* LinkedIn-style seniority */
    p->sf = -1;
    if (rng_pct(&r, 60)) {
        unsigned x = rng_below(&r, 100);
        switch (p->level) {
        case L_INTERN: p->sf = SF_INTERN; break;
        case L_ENTRY: p->sf = x < 65 ? SF_ENTRY : x < 95 ? SF_ASSOC : SF_ENTRY2; break;
        case L_MID: p->sf = x < 55 ? SF_MIDSEN : x < 85 ? SF_ASSOC : SF_ENTRY; break;
        case L_SENIOR: p->sf = x < 92 ? SF_MIDSEN : SF_SENIOR; break;
        case L_STAFF: p->sf = x < 85 ? SF_MIDSEN : SF_DIR; break;
        default: p->sf = x < 45 ? SF_DIR : x < 75 ? SF_MIDSEN : SF_EXEC; break;
        }
        if (rng_pct(&r, 3)) p->sf = SF_NA;
    }

    /* description shape: 1–8 KB, skewed low, with a long tail to ~30 KB */
    unsigned t = rng_below(&r, 1000);
    if (t < 970) {
        double a = rng_unit(&r), b = rng_unit(&r);
        p->target = (uint32_t)(1000 + 7000 * (a < b ? a : b));
    } else if (t < 995) {
        p->target = 8000 + rng_below(&r, 8000);
    } else {
        p->target = 16000 + rng_below(&r, 14000);
    }
    if (g_dense) /* shorter: a third, plus the fixed parts */
        p->target = DENSE_TARGET_BASE + p->target / 3;
    p->nl_crlf = rng_pct(&r, 8);
    unsigned h = rng_below(&r, 100);
    p->html = h < 65 ? 0 : h < 85 ? 1 : 2; /* plain, HTML, plain with <br> */
    p->bullet = (int)rng_below(&r, 4);
    p->desc_seed = rng_next(&r);
}

/* ---- description writer ---- */

typedef struct {
    buf_t *b;
    int st;
    uint32_t raw; /* decoded length so far, style-independent */
    const posting_t *p;
} dctx_t;

static inline void dfrag(dctx_t *d, const frag_t *f)
{
    putf(d->b, f, d->st);
    d->raw += f->raw;
}

static void dtmpl(dctx_t *d, const tmpl_t *t, const frag_t *const *slots)
{
    for (int i = 0; i < t->nslot; i++) {
        dfrag(d, &t->piece[i]);
        dfrag(d, slots[i]);
    }
    dfrag(d, &t->piece[t->nslot]);
}

static void d_nl(dctx_t *d)
{
    if (d->p->nl_crlf) PUTS(d->b, "\\r\\n");
    else PUTS(d->b, "\\n");
    d->raw += 1;
}

static void d_par_open(dctx_t *d)
{
    if (d->p->html == 1) dfrag(d, &T.x[X_P_OPEN]);
}

static void d_par_close(dctx_t *d)
{
    if (d->p->html == 1) {
        dfrag(d, &T.x[X_P_CLOSE]);
    } else if (d->p->html == 2) {
        dfrag(d, &T.x[X_BR]);
        dfrag(d, &T.x[X_BR]);
    } else {
        d_nl(d);
        d_nl(d);
    }
}

static void d_header(dctx_t *d, const tlist_t *l, rng_t *r)
{
    const frag_t *f = tl_frag(l, tl_pick(l, r));
    if (d->p->html == 1) {
        int h3 = d->p->bullet & 1;
        dfrag(d, &T.x[h3 ? X_H3_OPEN : X_STRONG_OPEN]);
        dfrag(d, f);
        dfrag(d, &T.x[h3 ? X_H3_CLOSE : X_STRONG_CLOSE]);
    } else {
        dfrag(d, f);
        if (d->p->html == 2) dfrag(d, &T.x[X_BR]);
        else d_nl(d);
    }
}

static void d_list_open(dctx_t *d)
{
    if (d->p->html == 1) dfrag(d, &T.x[X_UL_OPEN]);
}

static void d_list_close(dctx_t *d)
{
    if (d->p->html == 1) dfrag(d, &T.x[X_UL_CLOSE]);
    else if (d->p->html == 2) dfrag(d, &T.x[X_BR]);
    else d_nl(d);
}

static void d_item_open(dctx_t *d)
{
    if (d->p->html == 1) {
        dfrag(d, &T.x[X_LI_OPEN]);
        return;
    }
    static const int B[4] = { X_BUL_DOT, X_BUL_DASH, X_BUL_STAR, X_BUL_DOT };
    dfrag(d, &T.x[B[d->p->bullet]]);
}

static void d_item_close(dctx_t *d)
{
    if (d->p->html == 1) dfrag(d, &T.x[X_LI_CLOSE]);
    else if (d->p->html == 2) dfrag(d, &T.x[X_BR]);
    else d_nl(d);
}

/* bullet list of n distinct items from a list (n <= list size) */
static void d_pick_items(dctx_t *d, const tlist_t *l, int n, rng_t *r)
{
    uint64_t used = 0;
    if (n > l->n) n = l->n;
    for (int i = 0; i < n; i++) {
        int k = tl_pick(l, r);
        while (used >> k & 1)
            k = (k + 1) % l->n;
        used |= 1ULL << k;
        d_item_open(d);
        dfrag(d, tl_frag(l, k));
        d_item_close(d);
    }
}

/* skill bullets: each skill in `set` once, grouped 1–3 per sentence */
static void d_skill_items(dctx_t *d, const int *set, int n, rng_t *r)
{
    int i = 0;
    while (i < n) {
        int left = n - i, g = 1;
        unsigned x = rng_below(r, 100);
        if (left >= 3 && x < 25) g = 3;
        else if (left >= 2 && x < 55) g = 2;
        const tlist_t *l = g == 3 ? &T.sk3 : g == 2 ? &T.sk2 : &T.sk1;
        const frag_t *slots[3];
        for (int k = 0; k < g; k++)
            slots[k] = skill_variant(set[i + k], r);
        d_item_open(d);
        dtmpl(d, &l->t[tl_pick(l, r)], slots);
        d_item_close(d);
        i += g;
    }
}

/* --profile dense: one to three sentences, each naming two to four
 * skills of DENSE_SKILLS ("Our stack includes Perl, RTOS and Tableau."). */
static void d_dense(dctx_t *d, rng_t *r)
{
    int ns = 1 + (int)rng_below(r, 3);
    for (int k = 0; k < ns; k++) {
        if (k) dfrag(d, &T.x[X_SPACE]);
        dfrag(d, &T.dlead[rng_below(r, NDLEAD)]);
        dfrag(d, &T.x[X_SPACE]);
        int nk = 2 + (int)rng_below(r, 3);
        for (int i = 0; i < nk; i++) {
            if (i) dfrag(d, i + 1 == nk ? &T.and_ : &T.x[X_COMMA]);
            dfrag(d, &T.dense[rng_below(r, NDENSE)]);
        }
        dfrag(d, &T.x[X_PERIOD]);
    }
}

static void d_prose(dctx_t *d, rng_t *r)
{
    int ns = 2 + (int)rng_below(r, 4);
    for (int k = 0; k < ns; k++) {
        if (k) dfrag(d, &T.x[X_SPACE]);
        int nw = 6 + (int)rng_below(r, 16);
        dfrag(d, &T.Word[rng_below(r, NWORDS)]);
        for (int w = 1; w < nw; w++) {
            if (rng_below(r, 16) == 0) {
                dfrag(d, &T.x[X_COMMA]);
                dfrag(d, &T.word[rng_below(r, NWORDS)]);
            } else {
                dfrag(d, &T.wsp[rng_below(r, NWORDS)]);
            }
        }
        if (rng_below(r, 12) == 0) {
            dfrag(d, &T.x[X_COMMA]);
            dfrag(d, &T.name[rng_below(r, NNAMES)]);
        }
        dfrag(d, &T.x[X_PERIOD]);
    }
}

static void write_description(buf_t *b, int st, const posting_t *p)
{
    rng_t r;
    rng_seed(&r, p->desc_seed);
    dctx_t d = { b, st, 0, p };
    const frag_t *company = tl_frag(&T.companies, p->company);

    if (rng_pct(&r, 4)) {
        d_par_open(&d);
        dfrag(&d, tl_frag(&T.emoji, tl_pick(&T.emoji, &r)));
        d_par_close(&d);
    }
    /* about + intro */
    d_par_open(&d);
    dtmpl(&d, &T.about.t[tl_pick(&T.about, &r)], &company);
    dfrag(&d, &T.x[X_SPACE]);
    const frag_t *sl[3] = { &T.base_noun[p->base], tl_frag(&T.teams, tl_pick(&T.teams, &r)), NULL };
    dtmpl(&d, &T.intro.t[tl_pick(&T.intro, &r)], sl);
    d_par_close(&d);

    /* skills: shuffle, split into required / nice-to-have / stack */
    int set[64 * SKW], n = 0;
    for (int s = 0; s < NSKILL; s++)
        if (skill_has(p, s)) set[n++] = s;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(&r, (uint32_t)i + 1), t = set[i];
        set[i] = set[j];
        set[j] = t;
    }
    if (n >= 3 && rng_pct(&r, 35)) {
        const frag_t *s3[3] = { skill_variant(set[0], &r), skill_variant(set[1], &r), skill_variant(set[2], &r) };
        d_par_open(&d);
        dtmpl(&d, &T.stack.t[tl_pick(&T.stack, &r)], s3);
        d_par_close(&d);
    }
    int nreq = n - (n * (int)rng_below(&r, 40)) / 100;

    d_header(&d, &T.h_resp, &r);
    d_list_open(&d);
    d_pick_items(&d, &T.resp[p->role], 3 + (int)rng_below(&r, 4), &r);
    d_list_close(&d);

    d_header(&d, &T.h_req, &r);
    d_list_open(&d);
    {
        const frag_t *yrs = tl_frag(&T.years, LEVEL_YEARS[p->level]);
        d_item_open(&d);
        dtmpl(&d, &T.genreq.t[0], &yrs);
        d_item_close(&d);
    }
    d_skill_items(&d, set, nreq, &r);
    {
        int extra = 1 + (int)rng_below(&r, 3);
        unsigned used = 0;
        for (int i = 0; i < extra; i++) {
            int k = 1 + (int)rng_below(&r, (uint32_t)T.genreq.n - 1);
            while (used >> k & 1)
                k = 1 + k % (T.genreq.n - 1);
            used |= 1u << k;
            d_item_open(&d);
            dfrag(&d, tl_frag(&T.genreq, k));
            d_item_close(&d);
        }
    }
    d_list_close(&d);
    if (nreq < n) {
        d_header(&d, &T.h_nice, &r);
        d_list_open(&d);
        d_skill_items(&d, set + nreq, n - nreq, &r);
        d_list_close(&d);
    }
    if (rng_pct(&r, 70)) {
        d_header(&d, &T.h_ben, &r);
        d_list_open(&d);
        d_pick_items(&d, &T.benefits, 2 + (int)rng_below(&r, 5), &r);
        d_list_close(&d);
    }
    /* non-English paragraph: likely outside the English-speaking world */
    int fp = CC_FOREIGN[p->cc];
    if ((fp >= 0 && rng_pct(&r, 50)) || rng_pct(&r, 3)) {
        int k = (fp >= 0 && rng_pct(&r, 70)) ? fp : tl_pick(&T.foreign, &r);
        d_par_open(&d);
        dfrag(&d, tl_frag(&T.foreign, k));
        d_par_close(&d);
    }
    /* filler paragraphs up to the target length */
    while (d.raw < p->target) {
        d_par_open(&d);
        if (g_dense && rng_pct(&r, DENSE_PAR_PCT)) {
            d_dense(&d, &r);
        } else if (rng_pct(&r, 55)) {
            d_prose(&d, &r);
        } else {
            int ns = 1 + (int)rng_below(&r, 3);
            for (int i = 0; i < ns; i++) {
                if (i) dfrag(&d, &T.x[(p->html && rng_pct(&r, 10)) ? X_NBSP : X_SPACE]);
                dfrag(&d, tl_frag(&T.filler, tl_pick(&T.filler, &r)));
            }
        }
        d_par_close(&d);
    }
}

/* ---- title ---- */
static void write_title(buf_t *b, int st, const posting_t *p)
{
    const frag_t *slot;
    const tlist_t *tf;
    if (p->level == L_MGR) {
        tf = p->role == R_OTH ? &T.tmgr_oth : &T.tform[L_MGR];
        slot = &T.base_field[p->base];
        /* "{} Manager" with an engineering field reads oddly for "Engineering"; fine */
    } else {
        tf = &T.tform[p->level];
        slot = &T.base_title[p->base];
    }
    const tmpl_t *t = &tf->t[p->tform];
    for (int i = 0; i < t->nslot; i++) {
        putf(b, &t->piece[i], st);
        putf(b, slot, st);
    }
    putf(b, &t->piece[t->nslot], st);
    if (p->title_skill >= 0) {
        rng_t r;
        rng_seed(&r, p->desc_seed ^ 0x5151);
        putf(b, &T.x[X_LPAREN], st);
        putf(b, skill_variant(p->title_skill, &r), st);
        putf(b, &T.x[X_RPAREN], st);
    }
    if (p->deco >= 0) putf(b, tl_frag(&T.decos, p->deco), st);
    if (p->cc == CC_DE && p->level != L_MGR && (p->desc_seed & 3) == 0) PUTS(b, " (m/w/d)");
}

/* ----------------------------------------------------------- line writer */

enum { D_NONE = -1, D_NOTJSON, D_TRUNC, D_BADESC, D_BADUTF8, D_EMPTY, D_NOTEXT, D_WRONGTYPE, ND };
static const char *const D_NAME[ND] = { "not_json", "truncated", "bad_escape", "bad_utf8", "empty_line",
                                        "no_title_no_description", "wrong_type" };

typedef struct {
    uint64_t seed, k_dirty, k_repost, k_content, k_post, k_id;
    uint64_t dirty_thr; /* 53-bit threshold */
    uint64_t n;
} gen_t;

static int dirty_kind(const gen_t *g, uint64_t i)
{
    if (!g->dirty_thr) return D_NONE;
    uint64_t h = mix64(g->k_dirty ^ mix64(i));
    if ((h >> 11) >= g->dirty_thr) return D_NONE;
    return (int)(mix64(h) % ND);
}

#define REPOST_PER_10K 300
#define REPOST_WINDOW 20000

static int is_repost(const gen_t *g, uint64_t i, uint64_t *target)
{
    if (i == 0) return 0;
    uint64_t h = mix64(g->k_repost ^ mix64(i));
    if (h % 10000 >= REPOST_PER_10K) return 0;
    uint64_t w = i < REPOST_WINDOW ? i : REPOST_WINDOW;
    *target = i - 1 - (mix64(h) % w);
    return 1;
}

/* the line whose content line i shows (i itself unless i is a good repost) */
static uint64_t content_root(const gen_t *g, uint64_t i)
{
    uint64_t t;
    if (!is_repost(g, i, &t)) return i;
    uint64_t r = content_root(g, t);
    if (dirty_kind(g, r) != D_NONE) return i;
    return r;
}

typedef struct {
    uint64_t lines, good, reposts, bytes;
    uint64_t dirty[ND];
} stats_t;

static void put_key(buf_t *b, const char *k, size_t kn, int *first, int st)
{
    if (!*first) {
        if (st == ST_PY) PUTS(b, ", ");
        else putc1(b, ',');
    }
    *first = 0;
    putc1(b, '"');
    put(b, k, kn);
    if (st == ST_PY) PUTS(b, "\": ");
    else PUTS(b, "\":");
}
#define KEY(b, lit, first, st) put_key((b), (lit), sizeof(lit) - 1, (first), (st))

static void put_money(buf_t *b, int64_t cents, int pyfloat)
{
    put_u64(b, (uint64_t)(cents / 100));
    int c = (int)(cents % 100);
    if (c) {
        putc1(b, '.');
        putc1(b, (char)('0' + c / 10));
        if (c % 10) putc1(b, (char)('0' + c % 10));
    } else if (pyfloat) {
        PUTS(b, ".0");
    }
}

static void put_posted(buf_t *b, int64_t day, unsigned secs, unsigned fmt)
{
    /* fmt in [0,100): 70% date, 20% ISO 8601 UTC, 3% ISO with milliseconds,
       6% epoch seconds, 1% epoch milliseconds */
    if (fmt >= 93) {
        uint64_t t = (uint64_t)(day * 86400 + secs);
        put_u64(b, fmt == 99 ? t * 1000 : t);
        return;
    }
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    putc1(b, '"');
    put_u64(b, (uint64_t)y);
    putc1(b, '-');
    put_2d(b, m);
    putc1(b, '-');
    put_2d(b, d);
    if (fmt >= 70) {
        putc1(b, 'T');
        put_2d(b, secs / 3600);
        putc1(b, ':');
        put_2d(b, secs / 60 % 60);
        putc1(b, ':');
        put_2d(b, secs % 60);
        if (fmt >= 90) PUTS(b, ".000");
        putc1(b, 'Z');
    }
    putc1(b, '"');
}

/* Writes line i (with its '\n') to b. */
static void write_line(const gen_t *g, buf_t *b, uint64_t i, stats_t *stt)
{
    int dk = dirty_kind(g, i);
    stt->lines++;
    if (dk == D_EMPTY) {
        uint64_t h = mix64(g->k_post ^ i);
        if (h & 1) PUTS(b, "  \t");
        putc1(b, '\n');
        stt->dirty[dk]++;
        return;
    }
    if (dk == D_NOTJSON) {
        static const char *const NJ[] = {
            "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            "{'title': 'Data Engineer', 'company': 'Python dict repr, not JSON'}",
            "ERROR 2025-01-01 scraper timeout after 30s",
            "title,company,location\\nData Scientist,Acme,Remote",
            "[\"an\", \"array\", \"not\", \"an\", \"object\"]",
            "{\"title\": \"Missing closing brace\", \"company\": \"Acme\"",
            "{\"title\": \"Trailing comma\", \"company\": \"Acme\",}",
            "{\"title\": \"Two objects\"} {\"title\": \"on one line\"}",
        };
        uint64_t h = mix64(g->k_post ^ i);
        const char *s = NJ[h % (sizeof NJ / sizeof NJ[0])];
        put(b, s, strlen(s));
        putc1(b, '\n');
        stt->dirty[dk]++;
        return;
    }

    uint64_t root = dk == D_NONE ? content_root(g, i) : i;
    posting_t P;
    make_content(&P, g->k_content ^ mix64(root));
    rng_t r;
    rng_seed(&r, g->k_post ^ mix64(i));

    /* serialiser style of the source: raw 50%, Python 25%, PHP 10%, Go 15% */
    unsigned sx = rng_below(&r, 100);
    int st = sx < 50 ? ST_RAW : sx < 75 ? ST_PY : sx < 85 ? ST_PHP : ST_GO;
    if (g_dense) /* fewer escaping serialisers: ~13 % of lines with \u */
        st = sx < DENSE_RAW_PCT ? ST_RAW : sx < DENSE_RAW_PCT + DENSE_PY_PCT ? ST_PY
             : sx < 100 - DENSE_GO_PCT ? ST_PHP : ST_GO;
    int desc_first = rng_pct(&r, 20);
    int nulls = st == ST_PY ? 1 : rng_pct(&r, 30);
    int64_t day = P.day;
    unsigned secs = P.secs;
    if (root != i) { /* a repost appears 1–45 days later */
        day += 1 + rng_below(&r, 45);
        int64_t last = days_from_civil(2026, 10, 31);
        if (day > last) day = last;
        secs = rng_below(&r, 86400);
    }
    unsigned pfmt = rng_below(&r, 100);
    int wrong = dk == D_WRONGTYPE ? (int)rng_below(&r, 5) : -1;
    size_t line_start = b->len, desc_start = 0, desc_end = 0;
    int first = 1;

    putc1(b, '{');
    KEY(b, "id", &first, st);
    {
        static const char hx[] = "0123456789abcdef";
        uint64_t v = mix64(g->k_id ^ i); /* a bijection of i: unique */
        char id[20] = { 'j', 'p', '-' };
        for (int k = 0; k < 16; k++)
            id[3 + k] = hx[(v >> (60 - 4 * k)) & 15];
        putc1(b, '"');
        put(b, id, 19);
        putc1(b, '"');
    }
    for (int pass = 0; pass < 2; pass++) {
        if (pass == (desc_first ? 1 : 0)) {
            /* title etc. */
            if (dk == D_NOTEXT) {
                if (nulls) {
                    KEY(b, "title", &first, st);
                    PUTS(b, "null");
                }
            } else {
                KEY(b, "title", &first, st);
                if (wrong == 0) {
                    put_u64(b, 1000 + rng_below(&r, 90000));
                } else {
                    putc1(b, '"');
                    write_title(b, st, &P);
                    putc1(b, '"');
                }
            }
            KEY(b, "company", &first, st);
            putc1(b, '"');
            putf(b, tl_frag(&T.companies, P.company), st);
            putc1(b, '"');
            KEY(b, "location", &first, st);
            putc1(b, '"');
            putf(b, &T.loc[P.loc], st);
            putc1(b, '"');
            KEY(b, "posted", &first, st);
            if (wrong == 1) PUTS(b, "\"last week\"");
            else put_posted(b, day, secs, pfmt);
            int pyf = st == ST_PY && (P.desc_seed & 4);
            if (P.has_min || wrong == 2) {
                KEY(b, "salary_min", &first, st);
                if (wrong == 2) {
                    putc1(b, '"');
                    put_u64(b, (uint64_t)(P.smin > 0 ? P.smin : 12000000) / 100000);
                    PUTS(b, "k\"");
                } else {
                    put_money(b, P.smin, pyf);
                }
            } else if (nulls) {
                KEY(b, "salary_min", &first, st);
                PUTS(b, "null");
            }
            if (P.has_max || wrong == 3) {
                KEY(b, "salary_max", &first, st);
                if (wrong == 3) PUTS(b, "\"$150,000\"");
                else put_money(b, P.smax, pyf);
            } else if (nulls) {
                KEY(b, "salary_max", &first, st);
                PUTS(b, "null");
            }
            if (P.has_min || P.has_max) {
                KEY(b, "salary_period", &first, st);
                putc1(b, '"');
                put(b, PERIOD_TEXT[P.period], strlen(PERIOD_TEXT[P.period]));
                putc1(b, '"');
            }
            if (P.has_min || P.has_max || P.salary_any_currency) {
                KEY(b, "currency", &first, st);
                putc1(b, '"');
                put(b, CUR_TEXT[P.currency], 3);
                putc1(b, '"');
            }
            if (P.sf >= 0 || wrong == 4) {
                KEY(b, "seniority", &first, st);
                if (wrong == 4) PUTS(b, "3");
                else {
                    putc1(b, '"');
                    putf(b, &T.sf[P.sf], st);
                    putc1(b, '"');
                }
            } else if (nulls && (P.desc_seed & 8)) {
                KEY(b, "seniority", &first, st);
                PUTS(b, "null");
            }
        } else {
            if (dk == D_NOTEXT) {
                if (nulls) {
                    KEY(b, "description", &first, st);
                    PUTS(b, "null");
                }
            } else {
                KEY(b, "description", &first, st);
                putc1(b, '"');
                desc_start = b->len;
                write_description(b, st, &P);
                desc_end = b->len;
                putc1(b, '"');
            }
        }
    }
    /* unknown fields a parser must skip */
    unsigned ex = rng_below(&r, 100);
    if (ex < 12) {
        KEY(b, "source", &first, st);
        PUTS(b, "\"linkedin\"");
    } else if (ex < 17) {
        KEY(b, "remote", &first, st);
        if (ex & 1) PUTS(b, "true");
        else PUTS(b, "false");
    } else if (ex < 21) {
        KEY(b, "tags", &first, st);
        PUTS(b, "[\"python\",\"remote\",{\"k\":[1,2.5e3,null]}]");
    } else if (ex < 24) {
        KEY(b, "meta", &first, st);
        PUTS(b, "{\"scraped_at\":\"2026-01-02T03:04:05Z\",\"page\":3,\"nested\":{\"a\":[1,-2,{\"b\":null}],\"s\":\"}\\\"]\"}}");
    } else if (ex < 29) {
        KEY(b, "url", &first, st);
        if (st == ST_PHP) PUTS(b, "\"https:\\/\\/jobs.example.com\\/view\\/");
        else PUTS(b, "\"https://jobs.example.com/view/");
        put_u64(b, mix64(i) % 1000000000ULL);
        putc1(b, '"');
    }
    putc1(b, '}');

    switch (dk) {
    case D_TRUNC: {
        size_t len = b->len - line_start;
        b->len = line_start + 10 + (size_t)(mix64(i ^ g->k_post) % (len - 11));
        break;
    }
    case D_BADESC:
    case D_BADUTF8: {
        /* find a spot in the description: two ASCII letters not after a backslash */
        size_t span = desc_end - desc_start, pos = desc_start + span / 3 + (size_t)(mix64(i) % (span / 3 + 1));
        while (pos + 2 < desc_end) {
            char a = b->p[pos], c = b->p[pos + 1], prev = b->p[pos - 1];
            if (prev != '\\' && ((a | 32) >= 'a' && (a | 32) <= 'z') && ((c | 32) >= 'a' && (c | 32) <= 'z')) break;
            pos++;
        }
        if (pos + 2 >= desc_end) pos = desc_start + 1;
        if (dk == D_BADESC) {
            static const char *const BE[] = { "\\x", "\\q", "\\'", "\\a" };
            memcpy(b->p + pos, BE[mix64(i + 7) % 4], 2);
        } else {
            static const unsigned char BU[][2] = { { 0xE9, 'e' }, { 0xC3, '(' }, { 0xFF, 'a' }, { 0x80, 'x' } };
            memcpy(b->p + pos, BU[mix64(i + 7) % 4], 2);
        }
        break;
    }
    default: break;
    }
    putc1(b, '\n');
    if (dk == D_NONE) {
        stt->good++;
        if (root != i) stt->reposts++;
    } else {
        stt->dirty[dk]++;
    }
}

/* ------------------------------------------------------------ shard output */

typedef struct {
    const char *dir;
    int plain, level;
    uint64_t lines_per_frame;
} outopt_t;

static void shard_name(char *out, size_t n, const char *dir, int s, int plain)
{
    snprintf(out, n, "%s/part-%05d.jsonl%s", dir, s, plain ? "" : ".zst");
}

typedef struct {
    FILE *f;
    ZSTD_CCtx *cc;
    char *zbuf;
    size_t zcap;
    const char *path;
} sink_t;

static void sink_write(sink_t *k, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, k->f) != n) {
        fprintf(stderr, "skidx-gen: write %s: %s\n", k->path, strerror(errno));
        exit(1);
    }
}

static void sink_feed(sink_t *k, buf_t *b, int end_frame)
{
    if (!k->cc) {
        sink_write(k, b->p, b->len);
        b->len = 0;
        return;
    }
    ZSTD_inBuffer in = { b->p, b->len, 0 };
    ZSTD_EndDirective mode = end_frame ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
        ZSTD_outBuffer out = { k->zbuf, k->zcap, 0 };
        size_t rem = ZSTD_compressStream2(k->cc, &out, &in, mode);
        if (ZSTD_isError(rem)) {
            fprintf(stderr, "skidx-gen: zstd: %s\n", ZSTD_getErrorName(rem));
            exit(1);
        }
        sink_write(k, k->zbuf, out.pos);
        if (end_frame ? rem == 0 : in.pos == in.size) break;
    }
    b->len = 0;
}

#define FLUSH_AT (1u << 20)

static void gen_shard(const gen_t *g, const outopt_t *o, int s, uint64_t start, uint64_t count, stats_t *stt)
{
    char path[4096], tmp[4200];
    shard_name(path, sizeof path, o->dir, s, o->plain);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    sink_t k = { 0 };
    k.path = tmp;
    k.f = fopen(tmp, "wb");
    if (!k.f) {
        fprintf(stderr, "skidx-gen: cannot create %s: %s\n", tmp, strerror(errno));
        exit(1);
    }
    if (!o->plain) {
        k.cc = ZSTD_createCCtx();
        if (!k.cc) die("ZSTD_createCCtx failed");
        ZSTD_CCtx_setParameter(k.cc, ZSTD_c_compressionLevel, o->level);
        ZSTD_CCtx_setParameter(k.cc, ZSTD_c_checksumFlag, 1);
        k.zcap = ZSTD_CStreamOutSize();
        k.zbuf = malloc(k.zcap);
        if (!k.zbuf) die("out of memory");
    }
    buf_t b = { 0, 0, 0 };
    buf_grow(&b, FLUSH_AT + (1u << 16));
    uint64_t in_frame = 0;
    for (uint64_t i = start; i < start + count; i++) {
        size_t before = b.len;
        write_line(g, &b, i, stt);
        stt->bytes += b.len - before;
        in_frame++;
        if (o->lines_per_frame && in_frame == o->lines_per_frame) {
            sink_feed(&k, &b, 1);
            in_frame = 0;
        } else if (b.len >= FLUSH_AT) {
            sink_feed(&k, &b, 0);
        }
    }
    if (b.len || in_frame || !o->lines_per_frame || count == 0)
        sink_feed(&k, &b, 1);
    if (fflush(k.f) != 0 || fclose(k.f) != 0) {
        fprintf(stderr, "skidx-gen: write %s: %s\n", tmp, strerror(errno));
        exit(1);
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "skidx-gen: rename %s: %s\n", tmp, strerror(errno));
        exit(1);
    }
    ZSTD_freeCCtx(k.cc);
    free(k.zbuf);
    free(b.p);
}

/* remove part-NNNNN.jsonl[.zst] left by an earlier run, so the directory holds exactly this corpus */
static void clean_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[4096];
    int n = 0;
    while ((e = readdir(d))) {
        const char *nm = e->d_name;
        size_t L = strlen(nm);
        int ok = strncmp(nm, "part-", 5) == 0 &&
                 ((L > 6 && strcmp(nm + L - 6, ".jsonl") == 0) || (L > 10 && strcmp(nm + L - 10, ".jsonl.zst") == 0) ||
                  (L > 4 && strcmp(nm + L - 4, ".tmp") == 0));
        if (!ok) continue;
        snprintf(path, sizeof path, "%s/%s", dir, nm);
        if (unlink(path) == 0) n++;
    }
    closedir(d);
    if (n) fprintf(stderr, "skidx-gen: removed %d old shard file(s) from %s\n", n, dir);
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: skidx-gen --postings N --shards K --seed S -o DIR [options]\n"
            "  --postings N          lines to write in total (good postings + dirty lines)\n"
            "  --shards K            number of shards (part-00000 ...)\n"
            "  --seed S              64-bit seed; same arguments give byte-identical files\n"
            "  -o, --out DIR         output directory (created; old part-* files removed)\n"
            "  --dirty F             fraction of lines that are bad (0..1, default 0)\n"
            "  --level L             zstd level (default 3)\n"
            "  --plain               write .jsonl instead of .jsonl.zst\n"
            "  --profile P           default, or dense: short postings, ~8 skill mentions\n"
            "                        per KB, hundreds of skills, ~13%% of lines with \\u\n"
            "  --lines-per-frame N   end a zstd frame every N lines (multi-frame shards)\n"
            "  --threads T           worker threads (default: OpenMP's choice)\n"
            "  --manifest FILE       write counts (postings, reposts, dirty lines by kind) to FILE\n"
            "  --quiet               no summary on stderr\n");
}

static uint64_t parse_u64(const char *s, const char *opt)
{
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (errno || e == s || *e || s[0] == '-') {
        fprintf(stderr, "skidx-gen: bad value for %s: '%s'\n", opt, s);
        exit(2);
    }
    return (uint64_t)v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    uint64_t postings = 0, shards = 0, seed = 0, lpf = 0, threads = 0;
    int have_p = 0, have_k = 0, have_s = 0, plain = 0, quiet = 0, level = 3;
    double dirty = 0;
    const char *dir = NULL, *manifest = NULL;

    for (int a = 1; a < argc; a++) {
        const char *o = argv[a];
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
#define NEEDV()                                                              \
    do {                                                                     \
        if (!v) {                                                            \
            fprintf(stderr, "skidx-gen: %s needs a value\n", o);             \
            return 2;                                                        \
        }                                                                    \
        a++;                                                                 \
    } while (0)
        if (!strcmp(o, "--postings")) { NEEDV(); postings = parse_u64(v, o); have_p = 1; }
        else if (!strcmp(o, "--shards")) { NEEDV(); shards = parse_u64(v, o); have_k = 1; }
        else if (!strcmp(o, "--seed")) { NEEDV(); seed = parse_u64(v, o); have_s = 1; }
        else if (!strcmp(o, "-o") || !strcmp(o, "--out")) { NEEDV(); dir = v; }
        else if (!strcmp(o, "--dirty")) {
            NEEDV();
            char *e;
            dirty = strtod(v, &e);
            if (e == v || *e || !(dirty >= 0 && dirty <= 1)) {
                fprintf(stderr, "skidx-gen: --dirty wants a fraction in [0,1], not '%s'\n", v);
                return 2;
            }
        }
        else if (!strcmp(o, "--level")) {
            NEEDV();
            uint64_t l = parse_u64(v, o);
            if (l < 1 || (int)l > ZSTD_maxCLevel()) {
                fprintf(stderr, "skidx-gen: --level wants 1..%d\n", ZSTD_maxCLevel());
                return 2;
            }
            level = (int)l;
        }
        else if (!strcmp(o, "--plain")) plain = 1;
        else if (!strcmp(o, "--profile")) {
            NEEDV();
            if (!strcmp(v, "dense")) g_dense = 1;
            else if (!strcmp(v, "default")) g_dense = 0;
            else {
                fprintf(stderr, "skidx-gen: --profile wants default or dense, not '%s'\n", v);
                return 2;
            }
        }
        else if (!strcmp(o, "--quiet")) quiet = 1;
        else if (!strcmp(o, "--lines-per-frame")) { NEEDV(); lpf = parse_u64(v, o); }
        else if (!strcmp(o, "--threads")) { NEEDV(); threads = parse_u64(v, o); }
        else if (!strcmp(o, "--manifest")) { NEEDV(); manifest = v; }
        else if (!strcmp(o, "-h") || !strcmp(o, "--help")) { usage(stdout); return 0; }
        else {
            fprintf(stderr, "skidx-gen: unknown option '%s'\n", o);
            usage(stderr);
            return 2;
        }
#undef NEEDV
    }
    if (!have_p || !have_k || !have_s || !dir) {
        usage(stderr);
        return 2;
    }
    if (shards < 1 || shards > 99999) {
        fprintf(stderr, "skidx-gen: --shards wants 1..99999\n");
        return 2;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "skidx-gen: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    clean_dir(dir);
    tables_init();

    gen_t g;
    g.seed = seed;
    g.n = postings;
    g.k_dirty = mix64(seed ^ 0xd1d1d1d1ULL);
    g.k_repost = mix64(seed ^ 0x4e4e4e4eULL);
    g.k_content = mix64(seed ^ 0xc0c0c0c0ULL);
    g.k_post = mix64(seed ^ 0x7a7a7a7aULL);
    g.k_id = mix64(seed ^ 0x1d1d1d1dULL);
    g.dirty_thr = (uint64_t)(dirty * 9007199254740992.0); /* 2^53 */
    if (dirty > 0 && g.dirty_thr == 0) g.dirty_thr = 1;

    outopt_t oo = { dir, plain, level, lpf };
    int K = (int)shards;
    stats_t *st = calloc((size_t)K, sizeof *st);
    if (!st) die("out of memory");
#ifdef _OPENMP
    if (threads) omp_set_num_threads((int)threads);
#else
    (void)threads;
#endif
    double t0 = now_s();
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
    for (int s = 0; s < K; s++) {
        uint64_t base = postings / shards, rem = postings % shards;
        uint64_t start = (uint64_t)s * base + ((uint64_t)s < rem ? (uint64_t)s : rem);
        uint64_t count = base + ((uint64_t)s < rem);
        gen_shard(&g, &oo, s, start, count, &st[s]);
    }
    double dt = now_s() - t0;

    stats_t tot = { 0 };
    for (int s = 0; s < K; s++) {
        tot.lines += st[s].lines;
        tot.good += st[s].good;
        tot.reposts += st[s].reposts;
        tot.bytes += st[s].bytes;
        for (int k = 0; k < ND; k++)
            tot.dirty[k] += st[s].dirty[k];
    }
    uint64_t zbytes = 0;
    for (int s = 0; s < K; s++) {
        char path[4096];
        struct stat sb;
        shard_name(path, sizeof path, dir, s, plain);
        if (stat(path, &sb) == 0) zbytes += (uint64_t)sb.st_size;
    }
    uint64_t ndirty = tot.lines - tot.good;
    if (!quiet) {
        fprintf(stderr,
                "skidx-gen: %" PRIu64 " lines (%" PRIu64 " good postings, %" PRIu64 " reposts, %" PRIu64
                " dirty) in %d shard(s); %" PRIu64 " bytes JSON, %" PRIu64 " bytes on disk\n",
                tot.lines, tot.good, tot.reposts, ndirty, K, tot.bytes, zbytes);
        fprintf(stderr, "skidx-gen: %.3f s, %.1f MB/s of JSON, %.0f postings/s\n", dt, tot.bytes / 1e6 / dt,
                tot.lines / dt);
    }
    if (manifest) {
        FILE *f = fopen(manifest, "w");
        if (!f) {
            fprintf(stderr, "skidx-gen: cannot write %s: %s\n", manifest, strerror(errno));
            return 1;
        }
        fprintf(f, "# skidx-gen manifest (generator version %s)\n", GEN_VERSION);
        fprintf(f, "seed\t%" PRIu64 "\npostings_arg\t%" PRIu64 "\nshards\t%d\ndirty_fraction\t%g\n", seed, postings, K,
                dirty);
        fprintf(f, "format\t%s\nzstd_level\t%d\nlines_per_frame\t%" PRIu64 "\n", plain ? "jsonl" : "jsonl.zst",
                level, lpf);
        fprintf(f, "lines\t%" PRIu64 "\ngood_postings\t%" PRIu64 "\nexact_reposts\t%" PRIu64
                   "\ndistinct_good_postings\t%" PRIu64 "\ndirty_lines\t%" PRIu64 "\n",
                tot.lines, tot.good, tot.reposts, tot.good - tot.reposts, ndirty);
        for (int k = 0; k < ND; k++)
            fprintf(f, "dirty.%s\t%" PRIu64 "\n", D_NAME[k], tot.dirty[k]);
        fprintf(f, "json_bytes\t%" PRIu64 "\nfile_bytes\t%" PRIu64 "\n", tot.bytes, zbytes);
        if (fclose(f) != 0) {
            fprintf(stderr, "skidx-gen: write %s: %s\n", manifest, strerror(errno));
            return 1;
        }
    }
    free(st);
    return 0;
}
