/*
 * cmd_report.c - `skidx report`: the whole skill-demand report of an index
 * as Markdown, or as one self-contained HTML file with inline SVG charts.
 *
 * Every number comes from the index through libskidx (skidx.h and
 * core/query.c); nothing is estimated here. One emitter writes both
 * formats from the same calls, so the two always hold the same content;
 * the charts exist only in HTML (Markdown has none).
 *
 * The HTML loads nothing: no script, no font, no stylesheet, no image
 * other than its inline <svg> elements, so it renders offline and in a
 * locked-down browser.
 */
#include "cli/cmds.h"
#include "cli/out.h"
#include "core/query.h"
#include "io/atomic_file.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char report_usage[] =
    "usage: skidx report IDX [--format md|html] [-o FILE] [options]\n"
    "\n"
    "Write the skill-demand report of an index: corpus, executive summary,\n"
    "skills by role and seniority with priority tiers, frameworks, cloud\n"
    "platforms, emerging and declining skills, salaries and premiums.\n"
    "\n"
    "  -f, --format FMT        md (default) or html (self-contained, SVG\n"
    "                          charts, no network)\n"
    "  -o, --output FILE       write to FILE, replaced atomically (default:\n"
    "                          standard output); the index, a device or a\n"
    "                          FIFO is refused\n"
    "  -n, --top N             skills per table (default 10)\n"
    "  -m, --min-postings N    slices under N postings (salaried postings\n"
    "                          for salaries and premiums) are flagged and\n"
    "                          not ranked (default 30)\n"
    "      --min-count N       growth: rank a skill only with at least N\n"
    "                          postings in both periods together (default 20)\n"
    "      --months N          growth: first N against last N months\n"
    "                          (default: 6, at most half the months)\n"
    "  -h, --help              this text\n";

/* ---- the emitter: Markdown or HTML from the same calls ---- */

struct doc {
    FILE *f;
    int html;
    int oom; /* a table lost rows: the report must not be kept */
};

static void esc(struct doc *d, const char *s)
{
    for (; *s; s++) {
        if (d->html) {
            switch (*s) {
            case '&': fputs("&amp;", d->f); continue;
            case '<': fputs("&lt;", d->f); continue;
            case '>': fputs("&gt;", d->f); continue;
            case '"': fputs("&quot;", d->f); continue;
            default: break;
            }
        } else if (strchr("\\*|`", *s))
            fputc('\\', d->f);
        fputc(*s, d->f);
    }
}

static void vtext(struct doc *d, const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    esc(d, buf);
}

static void d_h(struct doc *d, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void d_h(struct doc *d, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (d->html)
        fprintf(d->f, "<h%d>", level);
    else
        fprintf(d->f, "%.*s ", level, "######");
    vtext(d, fmt, ap);
    va_end(ap);
    fputs(d->html ? "</h" : "\n\n", d->f);
    if (d->html)
        fprintf(d->f, "%d>\n", level);
}

static void d_p(struct doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void d_p(struct doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(d->html ? "<p>" : "", d->f);
    vtext(d, fmt, ap);
    va_end(ap);
    fputs(d->html ? "</p>\n" : "\n\n", d->f);
}

static void d_ul(struct doc *d, int open)
{
    if (d->html)
        fputs(open ? "<ul>\n" : "</ul>\n", d->f);
    else if (!open)
        fputc('\n', d->f);
}

static void d_li(struct doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void d_li(struct doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(d->html ? "<li>" : "- ", d->f);
    vtext(d, fmt, ap);
    va_end(ap);
    fputs(d->html ? "</li>\n" : "\n", d->f);
}

/* A table of text cells; `right` marks numeric columns. */
#define RT_COLS 16
struct rtab {
    int n_cols;
    const char *head[RT_COLS];
    int right[RT_COLS];
    char (*cell)[RT_COLS][64];
    int n_rows, cap;
    int oom;
};

static void rt_init(struct rtab *t, int n_cols, const char *const *head,
                    const int *right)
{
    memset(t, 0, sizeof(*t));
    t->n_cols = n_cols;
    for (int i = 0; i < n_cols; i++) {
        t->head[i] = head[i];
        t->right[i] = right ? right[i] : 0;
    }
}

/* Start a row; returns it, or NULL when out of memory. */
static char (*rt_row(struct rtab *t))[64]
{
    if (t->n_rows == t->cap) {
        int cap = t->cap ? t->cap * 2 : 16;
        void *c = realloc(t->cell, (size_t)cap * sizeof(*t->cell));
        if (!c) {
            t->oom = 1;
            return NULL;
        }
        t->cell = c;
        t->cap = cap;
    }
    memset(t->cell[t->n_rows], 0, sizeof(*t->cell));
    return t->cell[t->n_rows++];
}

static void rt_set(char (*row)[64], int c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void rt_set(char (*row)[64], int c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row[c], 64, fmt, ap);
    va_end(ap);
}

/* The report's tables go through the CLI's one table layer (table.h):
 * the same Markdown and HTML printers as every other table. */
static void d_table(struct doc *d, struct rtab *t)
{
    enum col_kind kinds[RT_COLS];
    for (int c = 0; c < t->n_cols; c++)
        kinds[c] = t->right[c] ? COL_REAL : COL_TEXT;
    struct table x;
    table_init(&x, (size_t)t->n_cols, t->head, kinds);
    for (int r = 0; r < t->n_rows; r++) {
        const char *cells[RT_COLS];
        for (int c = 0; c < t->n_cols; c++)
            cells[c] = t->cell[r][c];
        if (table_add_row(&x, cells)) {
            t->oom = 1;
            break;
        }
    }
    d->oom |= t->oom;
    table_print(&x, d->html ? FMT_HTML : FMT_MD, d->f);
    if (!d->html)
        fputc('\n', d->f);
    table_release(&x);
    free(t->cell);
    t->cell = NULL;
    t->n_rows = t->cap = 0;
}

/* ---- SVG charts (HTML only) ---- */

static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759",
                                      "#76b7b2", "#59a14f", "#edc948",
                                      "#b07aa1", "#ff9da7", "#9c755f",
                                      "#bab0ac"};
enum { N_PALETTE = sizeof(palette) / sizeof(palette[0]) };

static const char *tier_colour(enum skidx_tier t)
{
    switch (t) {
    case SKIDX_TIER_CRITICAL: return "#c0392b";
    case SKIDX_TIER_HIGH: return "#e67e22";
    case SKIDX_TIER_MEDIUM: return "#d4ac0d";
    case SKIDX_TIER_NICE: break;
    }
    return "#27ae60";
}

/* Horizontal bars of shares x[i]/n with their 95 % interval whiskers,
 * coloured by tier. */
static void svg_bars(struct doc *d, const char *title, const char *const *labels,
                     const uint64_t *x, uint64_t n, int count)
{
    if (!d->html || count <= 0)
        return;
    /* the label column fits the longest label (about 7 px a character) */
    int lw = 100;
    for (int i = 0; i < count; i++) {
        int chars = 0;
        for (const char *c = labels[i]; *c; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        if (chars * 7 + 12 > lw)
            lw = chars * 7 + 12;
    }
    if (lw > 320)
        lw = 320;
    const int bw = 300, rh = 22, top = 26;
    const int h = top + count * rh + 24;
    fprintf(d->f,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\">\n<title>",
            lw + bw + 80, h);
    esc(d, title);
    fprintf(d->f, "</title>\n<text x=\"0\" y=\"16\" class=\"ct\">");
    esc(d, title);
    fputs("</text>\n", d->f);
    for (int g = 0; g <= 4; g++)
        fprintf(d->f,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>"
                "<text x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"middle\">"
                "%d%%</text>\n",
                lw + bw * g / 4, top - 4, lw + bw * g / 4, top + count * rh,
                lw + bw * g / 4, top + count * rh + 14, 25 * g);
    for (int i = 0; i < count; i++) {
        const double s = n ? (double)x[i] / (double)n : 0.0;
        double lo, hi;
        skidx_wilson(x[i], n, SKIDX_Z95, &lo, &hi);
        const int y = top + i * rh;
        fprintf(d->f, "<text x=\"%d\" y=\"%d\" class=\"lb\" "
                      "text-anchor=\"end\">",
                lw - 6, y + 15);
        esc(d, labels[i]);
        fprintf(d->f,
                "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" "
                "fill=\"%s\"/><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                "y2=\"%d\" class=\"ci\"/><text x=\"%.1f\" y=\"%d\" "
                "class=\"v\">%.1f%%</text>\n",
                lw, y + 2, bw * s, tier_colour(skidx_tier_of(x[i], n)),
                lw + bw * lo, y + 10, lw + bw * hi, y + 10,
                lw + bw * hi + 4, y + 15, 100.0 * s);
    }
    fputs("</svg>\n", d->f);
}

/* Grouped horizontal bars: one group per row, one bar per series. */
static void svg_groups(struct doc *d, const char *title,
                       const char *const *rows, int n_rows,
                       const char *const *series, int n_series,
                       const double *v /* [row][series] */)
{
    if (!d->html || n_rows <= 0 || n_series <= 0)
        return;
    const int lw = 190, bw = 380, bh = 10, gap = 8, top = 44;
    const int gh = n_series * bh + gap;
    const int h = top + n_rows * gh + 24;
    fprintf(d->f,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\">\n<title>",
            lw + bw + 80, h);
    esc(d, title);
    fputs("</title>\n<text x=\"0\" y=\"16\" class=\"ct\">", d->f);
    esc(d, title);
    fputs("</text>\n", d->f);
    for (int s = 0; s < n_series; s++) {
        const int x = lw + s * 110;
        fprintf(d->f,
                "<rect x=\"%d\" y=\"24\" width=\"10\" height=\"10\" "
                "fill=\"%s\"/><text x=\"%d\" y=\"33\" class=\"ax\">",
                x, palette[s % N_PALETTE], x + 14);
        esc(d, series[s]);
        fputs("</text>\n", d->f);
    }
    for (int g = 0; g <= 4; g++)
        fprintf(d->f,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>"
                "<text x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"middle\">"
                "%d%%</text>\n",
                lw + bw * g / 4, top - 4, lw + bw * g / 4, top + n_rows * gh,
                lw + bw * g / 4, top + n_rows * gh + 14, 25 * g);
    for (int r = 0; r < n_rows; r++) {
        const int y = top + r * gh;
        fprintf(d->f, "<text x=\"%d\" y=\"%d\" class=\"lb\" "
                      "text-anchor=\"end\">",
                lw - 6, y + n_series * bh / 2 + 4);
        esc(d, rows[r]);
        fputs("</text>\n", d->f);
        for (int s = 0; s < n_series; s++)
            fprintf(d->f,
                    "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    "fill=\"%s\"/>\n",
                    lw, y + s * bh, bw * v[r * n_series + s], bh - 1,
                    palette[s % N_PALETTE]);
    }
    fputs("</svg>\n", d->f);
}

/* Shares by period: one polyline per series. */
static void svg_lines(struct doc *d, const char *title,
                      const char *const *periods, int n_periods,
                      const char *const *series, int n_series,
                      const double *v /* [series][period] */)
{
    if (!d->html || n_periods <= 0 || n_series <= 0)
        return;
    const int l = 50, w = 560, top = 30, ph = 240;
    double mx = 0.0;
    for (int i = 0; i < n_periods * n_series; i++)
        if (v[i] > mx)
            mx = v[i];
    mx = mx <= 0 ? 0.1 : ceil(mx * 10.0) / 10.0;
    fprintf(d->f,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\">\n<title>",
            l + w + 170, top + ph + 40);
    esc(d, title);
    fputs("</title>\n<text x=\"0\" y=\"16\" class=\"ct\">", d->f);
    esc(d, title);
    fputs("</text>\n", d->f);
    for (int g = 0; g <= 4; g++) {
        const double y = top + ph - ph * g / 4.0;
        fprintf(d->f,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                "class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"ax\" "
                "text-anchor=\"end\">%.0f%%</text>\n",
                l, y, l + w, y, l - 4, y + 4, 100.0 * mx * g / 4.0);
    }
    const double dx = n_periods > 1 ? (double)w / (n_periods - 1) : 0.0;
    const int every = n_periods > 12 ? (n_periods + 11) / 12 : 1;
    for (int p = 0; p < n_periods; p += every) {
        fprintf(d->f, "<text x=\"%.1f\" y=\"%d\" class=\"ax\" "
                      "text-anchor=\"middle\">",
                l + dx * p, top + ph + 16);
        esc(d, periods[p]);
        fputs("</text>\n", d->f);
    }
    for (int s = 0; s < n_series; s++) {
        fprintf(d->f, "<polyline fill=\"none\" stroke=\"%s\" "
                      "stroke-width=\"2\" points=\"",
                palette[s % N_PALETTE]);
        for (int p = 0; p < n_periods; p++)
            fprintf(d->f, "%s%.1f,%.1f", p ? " " : "", l + dx * p,
                    top + ph - ph * v[s * n_periods + p] / mx);
        fputs("\"/>\n", d->f);
        fprintf(d->f,
                "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
                "fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"ax\">",
                l + w + 16, top + 16 * s, palette[s % N_PALETTE], l + w + 30,
                top + 16 * s + 9);
        esc(d, series[s]);
        fputs("</text>\n", d->f);
    }
    fputs("</svg>\n", d->f);
}

/* Salary ranges: p25..p75 box, median tick, mean dot; faded when low. */
struct range_row {
    char label[96];
    double p25, median, p75, mean;
    int low;
};

static void svg_ranges(struct doc *d, const char *title,
                       const struct range_row *r, int n, const char *currency)
{
    if (!d->html || n <= 0)
        return;
    const int lw = 260, bw = 400, rh = 20, top = 26;
    double mx = 0;
    for (int i = 0; i < n; i++) {
        if (r[i].p75 > mx)
            mx = r[i].p75;
        if (r[i].mean > mx)
            mx = r[i].mean;
    }
    /* a "nice" step (1, 2 or 5 times a power of ten, at least 1,000) that
     * gives at most 8 steps, so at most 9 grid lines whatever the sums */
    if (!(mx > 0) || !isfinite(mx))
        mx = 0;
    double step = 1000;
    while (mx / step > 8) {
        if (mx / (step * 2) <= 8)
            step *= 2;
        else if (mx / (step * 5) <= 8)
            step *= 5;
        else
            step *= 10;
    }
    const int n_grid = mx <= 0 ? 1 : (int)ceil(mx / step);
    mx = n_grid * step;
    fprintf(d->f,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\">\n<title>",
            lw + bw + 40, top + n * rh + 30);
    esc(d, title);
    fputs("</title>\n<text x=\"0\" y=\"16\" class=\"ct\">", d->f);
    esc(d, title);
    fputs("</text>\n", d->f);
    for (int k = 0; k <= n_grid; k++) {
        const double g = k * step;
        fprintf(d->f,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                "class=\"grid\"/><text x=\"%.1f\" y=\"%d\" class=\"ax\" "
                "text-anchor=\"middle\">%.0fk</text>\n",
                lw + bw * g / mx, top - 4, lw + bw * g / mx, top + n * rh,
                lw + bw * g / mx, top + n * rh + 14, g / 1000.0);
    }
    for (int i = 0; i < n; i++) {
        const int y = top + i * rh;
        const char *op = r[i].low ? " opacity=\"0.35\"" : "";
        fprintf(d->f, "<text x=\"%d\" y=\"%d\" class=\"lb\" "
                      "text-anchor=\"end\">",
                lw - 6, y + 14);
        esc(d, r[i].label);
        fprintf(d->f,
                "</text><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                "height=\"14\" fill=\"#4e79a7\"%s/><line x1=\"%.1f\" "
                "y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"med\"/>"
                "<circle cx=\"%.1f\" cy=\"%d\" r=\"3\" fill=\"#e15759\"/>\n",
                lw + bw * r[i].p25 / mx, y + 3,
                bw * (r[i].p75 - r[i].p25) / mx < 1
                    ? 1.0
                    : bw * (r[i].p75 - r[i].p25) / mx,
                op, lw + bw * r[i].median / mx, y + 1,
                lw + bw * r[i].median / mx, y + 19, lw + bw * r[i].mean / mx,
                y + 10);
    }
    fprintf(d->f, "<text x=\"%d\" y=\"%d\" class=\"ax\">", lw,
            top + n * rh + 28);
    fprintf(d->f, "box: 25th-75th percentile; line: median; dot: mean (%s)"
                  "</text>\n</svg>\n",
            currency);
}

/* ---- formatting ---- */


static const char *money(double v, char *buf, size_t n)
{
    if (v < 0) {
        snprintf(buf, n, "-");
        return buf;
    }
    return fmt_grouped((uint64_t)llround(v), buf, n);
}

static double share(uint64_t x, uint64_t n)
{
    return n ? (double)x / (double)n : 0.0;
}

/* ---- the report ---- */

struct ropts {
    long top;
    uint64_t min_postings, min_count;
    long months;
};

struct ctx {
    struct doc d;
    const struct skidx_index *x;
    struct skidx_index_meta m;
    struct ropts o;
    uint32_t ns, nr, nl, nm;
    struct skidx_rank *rk; /* n_skills scratch */
    skidx_status pfail;    /* a posting-level query failed */
};

static void section_corpus(struct ctx *c, const char *path)
{
    struct doc *d = &c->d;
    char a[32], b[32], f0[16], f1[16];
    struct skidx_cell_stats all;
    skidx_index_cell(c->x, -1, -1, &all);
    d_h(d, 2, "The corpus");
    d_p(d, "Computed by skidx from the index %s alone (format %u, built by "
           "skidx %s). Every number below can be reproduced with "
           "'skidx query' or 'skidx export' on the same index.",
        path, c->m.format_version, c->m.tool_version);
    const char *head[] = {"item", "value"};
    const int right[] = {0, 1};
    struct rtab t;
    rt_init(&t, 2, head, right);
    char(*r)[64];
#define KV(k, ...)                                                            \
    do {                                                                      \
        if ((r = rt_row(&t))) {                                               \
            rt_set(r, 0, "%s", k);                                            \
            rt_set(r, 1, __VA_ARGS__);                                        \
        }                                                                     \
    } while (0)
    KV("postings counted", "%s", fmt_grouped(c->m.postings, a, sizeof(a)));
    if (c->nm) {
        skidx_month_label(c->m.first_month, f0, sizeof(f0));
        skidx_month_label(c->m.first_month + (int32_t)c->nm - 1, f1, sizeof(f1));
        KV("period", "%s to %s (%u months)", f0, f1, c->nm);
    } else
        KV("period", "no dated posting");
    uint64_t dated = skidx_range_postings0(c->x, 0, c->nm);
    KV("dated postings", "%s", fmt_grouped(dated, a, sizeof(a)));
    KV("duplicates removed", "%s", fmt_grouped(c->m.duplicates, a, sizeof(a)));
    KV("records read", "%s", fmt_grouped(c->m.records, a, sizeof(a)));
    KV("records skipped", "%s", fmt_grouped(c->m.skipped, a, sizeof(a)));
    KV("records repaired", "%s", fmt_grouped(c->m.repaired, a, sizeof(a)));
    KV("shards", "%s indexed, %s lost", fmt_grouped(c->m.shards, a, sizeof(a)),
       fmt_grouped(c->m.shards_lost, b, sizeof(b)));
    KV("salaried postings", "%s in %s", fmt_grouped(c->m.salaried, a, sizeof(a)),
       c->m.salary_currency);
    KV("salaries in other currencies", "%s (counted, not averaged)",
       fmt_grouped(all.other_currency, a, sizeof(a)));
    KV("taxonomy", "%s %s", c->m.taxonomy_name, c->m.taxonomy_version);
    KV("taxonomy hash", "%016llx", (unsigned long long)c->m.taxonomy_hash);
    KV("skills, roles, levels", "%u, %u, %u", c->ns, c->nr, c->nl);
#undef KV
    d_table(d, &t);
    int any = 0;
    for (uint32_t i = 0; i < skidx_index_n_causes(c->x); i++) {
        uint64_t n = skidx_cause_count0(c->x, i);
        if (!n)
            continue;
        if (!any++) {
            d_p(d, "Records skipped or repaired, by cause:");
            d_ul(d, 1);
        }
        d_li(d, "%s: %s", skidx_index_cause_name(c->x, i), fmt_grouped(n, a, sizeof(a)));
    }
    if (any)
        d_ul(d, 0);
    for (uint32_t i = 0; i < skidx_index_n_lost(c->x); i++)
        d_p(d, "Lost shard: %s (after %s records).",
            skidx_index_lost_path(c->x, i),
            fmt_grouped(skidx_lost_records0(c->x, i), a, sizeof(a)));
}

static void section_method(struct ctx *c)
{
    struct doc *d = &c->d;
    d_h(d, 2, "How to read it");
    d_ul(d, 1);
    d_li(d, "Share: the postings of a slice (role, seniority) that mention a "
            "skill, over the slice's postings. A skill counts once per "
            "posting.");
    d_li(d, "Priority tier of a share: critical >= 60%%, high >= 30%%, "
            "medium >= 10%%, nice-to-have below.");
    d_li(d, "95%% CI: the Wilson score interval of a share.");
    d_li(d, "Slices with fewer than %llu postings are flagged 'low n': their "
            "shares are shown but not ranked against the others.",
         (unsigned long long)c->o.min_postings);
    d_li(d, "Salaries: annualised, in %s; the mean is exact; quartiles come "
            "from a histogram of %u-%s bins, interpolated within a bin (a "
            "resolution of %u). Salaries in other currencies are counted, "
            "not averaged.",
         c->m.salary_currency, c->m.salary_bin_width, c->m.salary_currency,
         c->m.salary_bin_width);
    d_li(d, "Premium of a skill: the mean salary of the salaried postings "
            "that mention it minus the mean of the other salaried postings "
            "of the same slice.");
    d_li(d, "Growth: a skill's share of the dated postings in the last "
            "months against the first months, in percentage points; skills "
            "with fewer than %llu postings in both periods together are not "
            "ranked.",
         (unsigned long long)c->o.min_count);
    d_ul(d, 0);
}

/* Top skills of a slice: table (and bars in HTML). */
static void skill_table(struct ctx *c, int32_t role, int32_t level,
                        const char *title)
{
    struct doc *d = &c->d;
    uint32_t n = 0;
    struct skidx_cell_stats cell;
    skidx_index_cell(c->x, role, level, &cell);
    if (skidx_query_rank(c->x, role, level, c->rk, &n) || !n) {
        d_p(d, "No skill of the taxonomy is mentioned.");
        return;
    }
    if (c->o.top > 0 && (uint32_t)c->o.top < n)
        n = (uint32_t)c->o.top;
    const char *head[] = {"rank", "skill", "share", "95% CI", "postings",
                          "priority"};
    const int right[] = {1, 0, 1, 1, 1, 0};
    struct rtab t;
    rt_init(&t, 6, head, right);
    const char *labels[64];
    uint64_t xs[64];
    for (uint32_t i = 0; i < n; i++) {
        char(*r)[64] = rt_row(&t);
        if (!r)
            break;
        double lo, hi;
        const struct skidx_rank *k = &c->rk[i];
        skidx_wilson(k->postings, cell.postings, SKIDX_Z95, &lo, &hi);
        char a[32];
        rt_set(r, 0, "%u", i + 1);
        rt_set(r, 1, "%s", skidx_index_skill_name(c->x, k->skill));
        rt_set(r, 2, "%.1f%%", 100.0 * share(k->postings, cell.postings));
        rt_set(r, 3, "%.1f-%.1f%%", 100.0 * lo, 100.0 * hi);
        rt_set(r, 4, "%s", fmt_grouped(k->postings, a, sizeof(a)));
        rt_set(r, 5, "%s", skidx_tier_name(skidx_tier_of(k->postings,
                                                         cell.postings)));
        if (i < 64) {
            labels[i] = skidx_index_skill_name(c->x, k->skill);
            xs[i] = k->postings;
        }
    }
    if (d->html)
        fputs("<div class=\"pair\">\n", d->f);
    d_table(d, &t);
    svg_bars(d, title, labels, xs, cell.postings, (int)(n < 64 ? n : 64));
    if (d->html)
        fputs("</div>\n", d->f);
}

static void section_summary(struct ctx *c)
{
    struct doc *d = &c->d;
    struct skidx_cell_stats all;
    char a[32], b[32];
    skidx_index_cell(c->x, -1, -1, &all);
    d_h(d, 2, "Executive summary");
    uint32_t n = 0;
    skidx_query_rank(c->x, -1, -1, c->rk, &n);
    if (n) {
        d_ul(d, 1);
        for (uint32_t i = 0; i < n && i < 3; i++)
            d_li(d, "%s is mentioned in %.1f%% of all %s postings (%s).",
                 skidx_index_skill_name(c->x, c->rk[i].skill),
                 100.0 * share(c->rk[i].postings, all.postings),
                 fmt_grouped(all.postings, a, sizeof(a)),
                 skidx_tier_name(skidx_tier_of(c->rk[i].postings,
                                               all.postings)));
        if (all.salaried)
            d_li(d, "The mean salary is %s %s over %s salaried postings.",
                 money((double)all.salary_sum / (double)all.salaried, a,
                       sizeof(a)),
                 c->m.salary_currency, fmt_grouped(all.salaried, b, sizeof(b)));
        d_ul(d, 0);
    }
    d_h(d, 3, "Top skills across all postings");
    skill_table(c, -1, -1, "Top skills: share of all postings");
}

struct role_order {
    uint32_t role;
    uint64_t postings;
};

static int role_cmp(const void *a, const void *b)
{
    const struct role_order *x = a, *y = b;
    if (x->postings != y->postings)
        return x->postings > y->postings ? -1 : 1;
    return (x->role > y->role) - (x->role < y->role);
}

/* Roles by postings, descending, without the empty ones. */
static uint32_t roles_by_size(struct ctx *c, struct role_order *ro)
{
    uint32_t n = 0;
    for (uint32_t r = 0; r < c->nr; r++) {
        struct skidx_cell_stats s;
        skidx_index_cell(c->x, (int32_t)r, -1, &s);
        if (s.postings)
            ro[n++] = (struct role_order){r, s.postings};
    }
    qsort(ro, n, sizeof(*ro), role_cmp);
    /* the fallback role ("Other") is a remainder, not a category: last */
    for (uint32_t i = 0; i + 1 < n; i++)
        if (!strcasecmp(skidx_index_role_name(c->x, ro[i].role), "Other")) {
            struct role_order o = ro[i];
            memmove(ro + i, ro + i + 1, (n - 1 - i) * sizeof(*ro));
            ro[n - 1] = o;
            break;
        }
    return n;
}

static void avg_text(struct ctx *c, const struct skidx_cell_stats *s,
                     char *buf, size_t n)
{
    char a[32];
    if (s->salaried)
        snprintf(buf, n, "mean salary %s %s", 
                 money((double)s->salary_sum / (double)s->salaried, a, sizeof(a)),
                 c->m.salary_currency);
    else
        snprintf(buf, n, "no salary in %s", c->m.salary_currency);
}

static void section_roles(struct ctx *c, struct role_order *ro, uint32_t nro)
{
    struct doc *d = &c->d;
    d_h(d, 2, "Skills by role and seniority");
    for (uint32_t i = 0; i < nro; i++) {
        const uint32_t r = ro[i].role;
        const char *rn = skidx_index_role_name(c->x, r);
        struct skidx_cell_stats s;
        char a[32], av[96];
        skidx_index_cell(c->x, (int32_t)r, -1, &s);
        avg_text(c, &s, av, sizeof(av));
        d_h(d, 3, "%u. %s (%s postings, %s)", i + 1, rn,
            fmt_grouped(s.postings, a, sizeof(a)), av);
        for (uint32_t l = 0; l < c->nl; l++) {
            struct skidx_cell_stats cs;
            skidx_index_cell(c->x, (int32_t)r, (int32_t)l, &cs);
            if (!cs.postings)
                continue;
            const char *ln = skidx_index_level_name(c->x, l);
            avg_text(c, &cs, av, sizeof(av));
            d_h(d, 4, "%s, %s (%s postings, %s)", rn, ln,
                fmt_grouped(cs.postings, a, sizeof(a)), av);
            if (cs.postings < c->o.min_postings)
                d_p(d, "Low n: fewer than %llu postings; the shares below "
                       "are indicative only.",
                    (unsigned long long)c->o.min_postings);
            char title[256];
            snprintf(title, sizeof(title), "%s, %s: share of postings", rn, ln);
            skill_table(c, (int32_t)r, (int32_t)l, title);
        }
    }
}

/* Look skills up by name; keep those present with postings. */
static uint32_t find_present(struct ctx *c, const char *const *names,
                             uint32_t *ks, uint32_t max)
{
    uint32_t n = 0;
    for (size_t i = 0; names[i] && n < max; i++) {
        uint32_t k;
        if (skidx_index_find_skill(c->x, names[i], &k))
            continue;
        int dup = 0;
        for (uint32_t j = 0; j < n; j++)
            dup |= ks[j] == (uint32_t)k;
        struct skidx_skill_stats s;
        skidx_index_skill(c->x, -1, -1, (uint32_t)k, &s);
        if (!dup && s.postings)
            ks[n++] = (uint32_t)k;
    }
    return n;
}

/* Shares of skills ks by role (by_level = 0) or by level. */
static void compare_table(struct ctx *c, const uint32_t *ks, uint32_t nk,
                          int by_level, const char *title)
{
    struct doc *d = &c->d;
    const char *head[RT_COLS];
    int right[RT_COLS];
    head[0] = by_level ? "level" : "role";
    head[1] = "postings";
    right[0] = 0;
    right[1] = 1;
    if (nk > RT_COLS - 3)
        nk = RT_COLS - 3;
    for (uint32_t i = 0; i < nk; i++) {
        head[2 + i] = skidx_index_skill_name(c->x, ks[i]);
        right[2 + i] = 1;
    }
    head[2 + nk] = "note";
    right[2 + nk] = 0;
    struct rtab t;
    rt_init(&t, (int)nk + 3, head, right);
    const uint32_t n = by_level ? c->nl : c->nr;
    const char *rows[256];
    double *v = calloc((size_t)n * nk + 1, sizeof(*v));
    int nrow = 0;
    struct role_order ro[256];
    uint32_t order_n = 0;
    if (by_level) {
        for (uint32_t i = 0; i < n && i < 256; i++)
            ro[order_n++] = (struct role_order){i, 0};
    } else
        order_n = roles_by_size(c, ro);
    for (uint32_t j = 0; j < order_n && j < 256; j++) {
        const uint32_t i = ro[j].role;
        const int32_t rr = by_level ? -1 : (int32_t)i;
        const int32_t ll = by_level ? (int32_t)i : -1;
        struct skidx_cell_stats cs;
        skidx_index_cell(c->x, rr, ll, &cs);
        if (!cs.postings)
            continue;
        char(*r)[64] = rt_row(&t);
        if (!r)
            break;
        char a[32];
        const char *name = by_level ? skidx_index_level_name(c->x, i)
                                    : skidx_index_role_name(c->x, i);
        rt_set(r, 0, "%s", name);
        rt_set(r, 1, "%s", fmt_grouped(cs.postings, a, sizeof(a)));
        for (uint32_t k = 0; k < nk; k++) {
            struct skidx_skill_stats s;
            skidx_index_skill(c->x, rr, ll, ks[k], &s);
            rt_set(r, 2 + (int)k, "%.1f%%", 100.0 * share(s.postings, cs.postings));
            if (v)
                v[(size_t)nrow * nk + k] = share(s.postings, cs.postings);
        }
        rt_set(r, 2 + (int)nk, "%s",
               cs.postings < c->o.min_postings ? "low n" : "");
        rows[nrow++] = name;
    }
    d_table(d, &t);
    const char *series[RT_COLS];
    for (uint32_t k = 0; k < nk; k++)
        series[k] = skidx_index_skill_name(c->x, ks[k]);
    if (v)
        svg_groups(d, title, rows, nrow, series, (int)nk, v);
    free(v);
}

static void section_frameworks(struct ctx *c)
{
    static const char *const fw[] = {"TensorFlow", "PyTorch", "JAX",
                                     "Keras", "scikit-learn", "Hugging Face",
                                     NULL};
    struct doc *d = &c->d;
    uint32_t ks[8];
    const uint32_t nk = find_present(c, fw, ks, 8);
    d_h(d, 2, "Framework comparison");
    if (!nk) {
        d_p(d, "The index has no posting that mentions TensorFlow, PyTorch, "
               "JAX, Keras, scikit-learn or Hugging Face: section skipped.");
        return;
    }
    d_p(d, "Share of postings that mention each framework (a posting can "
           "mention several).");
    d_h(d, 3, "By role");
    compare_table(c, ks, nk, 0, "Frameworks by role");
    d_h(d, 3, "By seniority");
    compare_table(c, ks, nk, 1, "Frameworks by seniority");
}

static void section_cloud(struct ctx *c)
{
    static const char *const aws[] = {"AWS", "Amazon Web Services", NULL};
    static const char *const azure[] = {"Azure", "Microsoft Azure", NULL};
    static const char *const gcp[] = {"GCP", "Google Cloud",
                                      "Google Cloud Platform", NULL};
    const char *const *plat[] = {aws, azure, gcp};
    struct doc *d = &c->d;
    uint32_t ks[3], nk = 0;
    for (int i = 0; i < 3; i++)
        nk += find_present(c, plat[i], ks + nk, 1);
    d_h(d, 2, "Cloud platforms");
    if (!nk) {
        d_p(d, "The index has no posting that mentions AWS, Azure or GCP: "
               "section skipped.");
        return;
    }
    compare_table(c, ks, nk, 0, "Cloud platforms by role");
}

static void section_trends(struct ctx *c)
{
    struct doc *d = &c->d;
    d_h(d, 2, "Emerging and declining skills");
    if (c->nm < 2) {
        d_p(d, "The index holds fewer than two months of dated postings: no "
               "trend.");
        return;
    }
    uint32_t w = c->o.months > 0 ? (uint32_t)c->o.months : 6;
    if (w > c->nm / 2)
        w = c->nm / 2;
    struct skidx_growth *g = calloc(c->ns ? c->ns : 1, sizeof(*g));
    uint32_t n = 0, nrk = 0;
    if (!g)
        return;
    skidx_query_growth(c->x, 0, w, c->nm - w, c->nm, c->o.min_count, g, &n,
                       &nrk);
    char a0[16], a1[16], b0[16], b1[16], x[32], y[32];
    skidx_month_label(c->m.first_month, a0, sizeof(a0));
    skidx_month_label(c->m.first_month + (int32_t)w - 1, a1, sizeof(a1));
    skidx_month_label(c->m.first_month + (int32_t)(c->nm - w), b0, sizeof(b0));
    skidx_month_label(c->m.first_month + (int32_t)c->nm - 1, b1, sizeof(b1));
    d_p(d, "Share of dated postings in the first %u months (%s to %s, %s "
           "postings) against the last %u (%s to %s, %s postings). %u "
           "skills have at least %llu postings in both periods together and "
           "are ranked.",
        w, a0, a1, fmt_grouped(skidx_range_postings0(c->x, 0, w), x, sizeof(x)), w, b0,
        b1, fmt_grouped(skidx_range_postings0(c->x, c->nm - w, c->nm), y, sizeof(y)),
        nrk, (unsigned long long)c->o.min_count);
    const char *head[] = {"rank", "skill", "first", "last", "change (pp)",
                          "relative", "postings"};
    const int right[] = {1, 0, 1, 1, 1, 1, 1};
    for (int dir = 0; dir < 2; dir++) {
        d_h(d, 3, dir ? "Fastest declining" : "Fastest growing");
        struct rtab t;
        rt_init(&t, 7, head, right);
        long shown = 0;
        for (uint32_t j = 0; j < nrk; j++) {
            const struct skidx_growth *e = dir ? &g[nrk - 1 - j] : &g[j];
            if (dir ? !(e->change < 0) : !(e->change > 0))
                break;
            if (c->o.top > 0 && shown >= c->o.top)
                break;
            char(*r)[64] = rt_row(&t);
            if (!r)
                break;
            shown++;
            rt_set(r, 0, "%ld", shown);
            rt_set(r, 1, "%s", skidx_index_skill_name(c->x, e->skill));
            rt_set(r, 2, "%.1f%%", 100.0 * e->share_a);
            rt_set(r, 3, "%.1f%%", 100.0 * e->share_b);
            rt_set(r, 4, "%+.1f", 100.0 * e->change);
            if (isinf(e->ratio))
                rt_set(r, 5, "new");
            else
                rt_set(r, 5, "%+.0f%%", 100.0 * e->ratio);
            rt_set(r, 6, "%llu -> %llu", (unsigned long long)e->a_count,
                   (unsigned long long)e->b_count);
        }
        if (shown)
            d_table(d, &t);
        else {
            free(t.cell);
            d_p(d, "None.");
        }
    }
    free(g);

    /* shares by period of the overall top skills */
    const enum skidx_period_unit u =
        c->nm >= 12 ? SKIDX_PERIOD_QUARTER : SKIDX_PERIOD_MONTH;
    const uint32_t np = skidx_period_count(c->x, u);
    uint32_t nk = 0;
    skidx_query_rank(c->x, -1, -1, c->rk, &nk);
    if (nk > 6)
        nk = 6;
    if (!nk || np > 400)
        return;
    d_h(d, 3, "Shares by %s", u == SKIDX_PERIOD_QUARTER ? "quarter" : "month");
    const char *head2[RT_COLS];
    int right2[RT_COLS];
    head2[0] = u == SKIDX_PERIOD_QUARTER ? "quarter" : "month";
    head2[1] = "postings";
    right2[0] = 0;
    right2[1] = 1;
    for (uint32_t k = 0; k < nk; k++) {
        head2[2 + k] = skidx_index_skill_name(c->x, c->rk[k].skill);
        right2[2 + k] = 1;
    }
    struct rtab t;
    rt_init(&t, 2 + (int)nk, head2, right2);
    double *v = calloc((size_t)np * nk, sizeof(*v));
    char(*labels)[16] = calloc(np, sizeof(*labels));
    const char **lp = calloc(np, sizeof(*lp));
    for (uint32_t p = 0; p < np; p++) {
        uint32_t m0, m1;
        skidx_period_range(c->x, u, p, &m0, &m1);
        const uint64_t tot = skidx_range_postings0(c->x, m0, m1);
        char(*r)[64] = rt_row(&t);
        char lab[16];
        skidx_period_label(c->x, u, p, lab, sizeof(lab));
        if (labels) {
            memcpy(labels[p], lab, sizeof(lab));
            lp[p] = labels[p];
        }
        if (r) {
            rt_set(r, 0, "%s", lab);
            rt_set(r, 1, "%s", fmt_grouped(tot, x, sizeof(x)));
        }
        for (uint32_t k = 0; k < nk; k++) {
            const double s =
                share(skidx_range_skill0(c->x, m0, m1, c->rk[k].skill), tot);
            if (r)
                rt_set(r, 2 + (int)k, "%.1f%%", 100.0 * s);
            if (v)
                v[(size_t)k * np + p] = s;
        }
    }
    d_table(d, &t);
    if (v && labels && lp) {
        const char *series[8];
        for (uint32_t k = 0; k < nk; k++)
            series[k] = skidx_index_skill_name(c->x, c->rk[k].skill);
        svg_lines(d, "Share of postings by period, top skills", lp, (int)np,
                  series, (int)nk, v);
    }
    free(v);
    free(labels);
    free(lp);
}

static void section_salaries(struct ctx *c, struct role_order *ro,
                             uint32_t nro)
{
    struct doc *d = &c->d;
    d_h(d, 2, "Salaries by role and seniority");
    if (!c->m.salaried) {
        d_p(d, "No posting has a salary in %s.", c->m.salary_currency);
        return;
    }
    d_p(d, "Annualised salaries in %s. Quartiles are read from the "
           "histogram (bins of %u, interpolated within a bin); a value "
           "written '>= X' lies in the open-ended top bin.",
        c->m.salary_currency, c->m.salary_bin_width);
    const char *head[] = {"role", "level", "postings", "salaried",
                          "mean", "p25", "median", "p75", "note"};
    const int right[] = {0, 0, 1, 1, 1, 1, 1, 1, 0};
    struct rtab t;
    rt_init(&t, 9, head, right);
    struct range_row *rr = calloc((size_t)c->nr * c->nl + 1, sizeof(*rr));
    int n = 0;
    for (uint32_t i = 0; i < nro; i++)
        for (uint32_t l = 0; l < c->nl; l++) {
            struct skidx_salary s;
            const uint32_t r = ro[i].role;
            if (skidx_query_salary(c->x, (int32_t)r, (int32_t)l, &s) ||
                !s.salaried)
                continue;
            char(*w)[64] = rt_row(&t);
            if (!w)
                break;
            char a[32];
            const int low = s.salaried < c->o.min_postings;
            rt_set(w, 0, "%s", skidx_index_role_name(c->x, r));
            rt_set(w, 1, "%s", skidx_index_level_name(c->x, l));
            rt_set(w, 2, "%s", fmt_grouped(s.postings, a, sizeof(a)));
            rt_set(w, 3, "%s", fmt_grouped(s.salaried, a, sizeof(a)));
            rt_set(w, 4, "%s", money(s.mean, a, sizeof(a)));
            const double q[3] = {s.p25, s.median, s.p75};
            for (int k = 0; k < 3; k++)
                rt_set(w, 5 + k, "%s%s", (s.open_mask >> k & 1) ? ">= " : "",
                       money(q[k], a, sizeof(a)));
            rt_set(w, 8, "%s", low ? "low n" : "");
            if (rr) {
                snprintf(rr[n].label, sizeof(rr[n].label), "%s, %s",
                         skidx_index_role_name(c->x, r),
                         skidx_index_level_name(c->x, l));
                rr[n].p25 = s.p25;
                rr[n].median = s.median;
                rr[n].p75 = s.p75;
                rr[n].mean = s.mean;
                rr[n].low = low;
                n++;
            }
        }
    d_table(d, &t);
    if (rr)
        svg_ranges(d, "Salary ranges by role and seniority", rr, n,
                   c->m.salary_currency);
    free(rr);
}

struct prem {
    uint32_t k;
    struct skidx_premium p;
};

static int prem_desc(const void *a, const void *b)
{
    const struct prem *x = a, *y = b;
    if (x->p.premium != y->p.premium)
        return x->p.premium > y->p.premium ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

static void section_premiums(struct ctx *c)
{
    struct doc *d = &c->d;
    d_h(d, 2, "Skill premiums");
    struct prem *p = calloc(c->ns ? c->ns : 1, sizeof(*p));
    if (!p)
        return;
    uint32_t n = 0;
    for (uint32_t k = 0; k < c->ns; k++) {
        struct skidx_premium q;
        skidx_query_premium(c->x, -1, -1, k, &q);
        if (q.with_salaried >= c->o.min_postings &&
            q.without_salaried >= c->o.min_postings)
            p[n++] = (struct prem){k, q};
    }
    d_p(d, "Mean salary of the salaried postings that mention a skill "
           "against the mean of all other salaried postings, over the whole "
           "index; only skills with at least %llu salaried postings on each "
           "side (%u skills). Across roles and levels a premium also "
           "reflects which roles ask for the skill; 'skidx query --premium "
           "--by role,level' compares within each cell.",
        (unsigned long long)c->o.min_postings, n);
    if (!n) {
        free(p);
        return;
    }
    qsort(p, n, sizeof(*p), prem_desc);
    const char *head[] = {"rank", "skill", "with (n)", "mean with",
                          "without (n)", "mean without", "premium",
                          "premium %"};
    const int right[] = {1, 0, 1, 1, 1, 1, 1, 1};
    for (int dir = 0; dir < 2; dir++) {
        d_h(d, 3, dir ? "Lowest premiums" : "Highest premiums");
        struct rtab t;
        rt_init(&t, 8, head, right);
        long shown = 0;
        for (uint32_t j = 0; j < n; j++) {
            const struct prem *e = dir ? &p[n - 1 - j] : &p[j];
            if (dir ? !(e->p.premium < 0) : !(e->p.premium > 0))
                break;
            if (c->o.top > 0 && shown >= c->o.top)
                break;
            char(*r)[64] = rt_row(&t);
            if (!r)
                break;
            char a[32];
            shown++;
            rt_set(r, 0, "%ld", shown);
            rt_set(r, 1, "%s", skidx_index_skill_name(c->x, e->k));
            rt_set(r, 2, "%s", fmt_grouped(e->p.with_salaried, a, sizeof(a)));
            rt_set(r, 3, "%s", money(e->p.mean_with, a, sizeof(a)));
            rt_set(r, 4, "%s", fmt_grouped(e->p.without_salaried, a, sizeof(a)));
            rt_set(r, 5, "%s", money(e->p.mean_without, a, sizeof(a)));
            rt_set(r, 6, "%+.0f", e->p.premium);
            rt_set(r, 7, "%+.1f%%", 100.0 * e->p.premium_ratio);
        }
        if (shown)
            d_table(d, &t);
        else {
            free(t.cell);
            d_p(d, "None.");
        }
    }
    free(p);
}

/* ---- posting-level sections (indexes of format 2) ---- */

#define TOGETHER_K 6 /* the top skills of a role whose pairs are shown */
#define TREND_K 3    /* the top skills of a role whose trends are shown */

struct pair {
    uint32_t a, b;
    uint64_t both, na, nb;
};

static int pair_cmp(const void *x, const void *y)
{
    const struct pair *p = x, *q = y;
    if (p->both != q->both)
        return p->both > q->both ? -1 : 1;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

/* The postings of role r, into *out. */
static skidx_status role_set(struct ctx *c, uint32_t r, struct skidx_pset **out)
{
    struct skidx_filter f;
    skidx_filter_init(&f);
    f.role = (int32_t)r;
    return skidx_select(c->x, NULL, &f, out, NULL);
}

static void section_together(struct ctx *c, struct role_order *ro,
                             uint32_t nro)
{
    struct doc *d = &c->d;
    if (!skidx_index_n_postings(c->x) || c->pfail)
        return;
    d_h(d, 2, "Asked together");
    d_p(d, "For each role, the pairs among its %d most asked skills: the "
           "postings that ask for both, their share of the role's postings "
           "(joint share) and the lift, the joint share over the product of "
           "the two skills' shares (above 1: asked together more often than "
           "if they were independent). From the posting-level sections "
           "(skidx query --role R --related SKILL lists every skill).",
        TOGETHER_K);
    uint64_t *both = calloc(c->ns, sizeof(*both));
    uint64_t *each = calloc(c->ns, sizeof(*each));
    if (!both || !each) {
        d->oom = 1;
        goto done;
    }
    for (uint32_t i = 0; i < nro; i++) {
        const uint32_t r = ro[i].role;
        uint32_t n = 0;
        if (skidx_query_rank(c->x, (int32_t)r, -1, c->rk, &n) || n < 2)
            continue;
        if (n > TOGETHER_K)
            n = TOGETHER_K;
        uint32_t ks[TOGETHER_K];
        for (uint32_t j = 0; j < n; j++)
            ks[j] = c->rk[j].skill;
        struct skidx_pset *set = NULL;
        skidx_status st = role_set(c, r, &set);
        struct pair ps[TOGETHER_K * TOGETHER_K];
        uint32_t np = 0;
        const uint64_t total = set ? skidx_pset_count(set) : 0;
        for (uint32_t a = 0; !st && a < n; a++) {
            uint64_t na = 0;
            st = skidx_pset_related(c->x, set, ks[a], both, each, &na);
            for (uint32_t b = a + 1; !st && b < n; b++)
                ps[np++] = (struct pair){ks[a], ks[b], both[ks[b]], na,
                                         each[ks[b]]};
        }
        skidx_pset_free(set);
        if (st) {
            c->pfail = st;
            goto done;
        }
        qsort(ps, np, sizeof(*ps), pair_cmp);
        char a[32];
        d_h(d, 3, "%s (%s postings)", skidx_index_role_name(c->x, r),
            fmt_grouped(total, a, sizeof(a)));
        if (total < c->o.min_postings)
            d_p(d, "Low n: fewer than %llu postings; indicative only.",
                (unsigned long long)c->o.min_postings);
        const char *head[] = {"skill", "with", "both", "joint share",
                              "lift"};
        const int right[] = {0, 0, 1, 1, 1};
        struct rtab t;
        rt_init(&t, 5, head, right);
        for (uint32_t j = 0; j < np; j++) {
            char(*row)[64] = rt_row(&t);
            if (!row)
                break;
            const struct pair *p = &ps[j];
            rt_set(row, 0, "%s", skidx_index_skill_name(c->x, p->a));
            rt_set(row, 1, "%s", skidx_index_skill_name(c->x, p->b));
            rt_set(row, 2, "%s", fmt_grouped(p->both, a, sizeof(a)));
            rt_set(row, 3, "%.1f%%", 100.0 * share(p->both, total));
            if (p->na && p->nb)
                rt_set(row, 4, "%.2f",
                       (double)p->both * (double)total /
                           ((double)p->na * (double)p->nb));
            else
                rt_set(row, 4, "-");
        }
        d_table(d, &t);
    }
done:
    free(both);
    free(each);
}

static void section_role_trends(struct ctx *c, struct role_order *ro,
                                uint32_t nro)
{
    struct doc *d = &c->d;
    if (!skidx_index_n_postings(c->x) || c->pfail || c->nm < 2)
        return;
    const enum skidx_period_unit u =
        c->nm >= 12 ? SKIDX_PERIOD_QUARTER : SKIDX_PERIOD_MONTH;
    const uint32_t np = skidx_period_count(c->x, u);
    if (!np || np > 400)
        return;
    d_h(d, 2, "Trends by role");
    d_p(d, "For each role with at least %llu postings, the share of its "
           "dated postings of each %s that ask for its %d most asked skills "
           "(skidx query --role R --where SKILL --trend).",
        (unsigned long long)c->o.min_postings,
        u == SKIDX_PERIOD_QUARTER ? "quarter" : "month", TREND_K);
    uint32_t *per = calloc(c->nm, sizeof(*per));
    uint64_t *cnt = calloc((size_t)np * (TREND_K + 1), sizeof(*cnt));
    if (!per || !cnt) {
        d->oom = 1;
        goto done;
    }
    for (uint32_t p = 0; p < np; p++) {
        uint32_t m0, m1;
        skidx_period_range(c->x, u, p, &m0, &m1);
        for (uint32_t m = m0; m < m1 && m < c->nm; m++)
            per[m] = p;
    }
    for (uint32_t i = 0; i < nro; i++) {
        const uint32_t r = ro[i].role;
        if (ro[i].postings < c->o.min_postings)
            continue;
        uint32_t n = 0;
        if (skidx_query_rank(c->x, (int32_t)r, -1, c->rk, &n) || !n)
            continue;
        if (n > TREND_K)
            n = TREND_K;
        struct skidx_pset *set = NULL, *with[TREND_K] = {NULL};
        skidx_status st = role_set(c, r, &set);
        for (uint32_t j = 0; !st && j < n; j++)
            st = skidx_pset_with_skill(c->x, set, c->rk[j].skill, 0,
                                       &with[j]);
        memset(cnt, 0, (size_t)np * (TREND_K + 1) * sizeof(*cnt));
        uint64_t cur = 0, post;
        while (!st && skidx_pset_next(set, &cur, &post)) {
            struct skidx_posting_info pi;
            st = skidx_index_posting(c->x, post, &pi);
            if (st || pi.month == INT32_MIN)
                continue;
            const int64_t mi = (int64_t)pi.month - c->m.first_month;
            if (mi < 0 || mi >= c->nm)
                continue;
            uint64_t *row = cnt + (size_t)per[mi] * (TREND_K + 1);
            row[0]++;
            for (uint32_t j = 0; j < n; j++)
                row[j + 1] += (uint64_t)skidx_pset_has(with[j], post);
        }
        skidx_pset_free(set);
        for (uint32_t j = 0; j < TREND_K; j++)
            skidx_pset_free(with[j]);
        if (st) {
            c->pfail = st;
            goto done;
        }
        d_h(d, 3, "%s", skidx_index_role_name(c->x, r));
        const char *head[2 + TREND_K];
        const int right[2 + TREND_K] = {0, 1, 1, 1, 1};
        head[0] = u == SKIDX_PERIOD_QUARTER ? "quarter" : "month";
        head[1] = "postings";
        for (uint32_t j = 0; j < n; j++)
            head[2 + j] = skidx_index_skill_name(c->x, c->rk[j].skill);
        struct rtab t;
        rt_init(&t, (int)(2 + n), head, right);
        for (uint32_t p = 0; p < np; p++) {
            const uint64_t *row = cnt + (size_t)p * (TREND_K + 1);
            if (!row[0])
                continue;
            char(*cell)[64] = rt_row(&t);
            if (!cell)
                break;
            char lb[16], a[32];
            skidx_period_label(c->x, u, p, lb, sizeof(lb));
            rt_set(cell, 0, "%s", lb);
            rt_set(cell, 1, "%s", fmt_grouped(row[0], a, sizeof(a)));
            for (uint32_t j = 0; j < n; j++)
                rt_set(cell, (int)(2 + j), "%.1f%%",
                       100.0 * share(row[j + 1], row[0]));
        }
        d_table(d, &t);
    }
done:
    free(per);
    free(cnt);
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Skill demand report</title>\n<style>\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "max-width:1100px;margin:2em auto;padding:0 1em;color:#222;"
    "line-height:1.45}\n"
    "h1{border-bottom:3px solid #4e79a7;padding-bottom:.2em}\n"
    "h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.15em}\n"
    "table{border-collapse:collapse;margin:.6em 0 1em;font-size:.92em}\n"
    "th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}\n"
    "th{background:#f3f5f8}td.n,th.n{text-align:right;"
    "font-variant-numeric:tabular-nums}\n"
    "svg.chart{display:block;margin:.4em 0 1.4em;font-size:12px}\n"
    ".pair{display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start}\n"
    "svg .ct{font-weight:600;font-size:13px}svg .lb{fill:#222}"
    "svg .ax{fill:#555;font-size:11px}svg .v{fill:#333;font-size:11px}\n"
    "svg .grid{stroke:#e3e3e3;stroke-width:1}"
    "svg .ci{stroke:#333;stroke-width:1.2}"
    "svg .med{stroke:#222;stroke-width:2}\n"
    "</style>\n</head>\n<body>\n";

int cmd_report(int argc, char **argv)
{
    enum { OPT_MIN_COUNT = 256, OPT_MONTHS };
    static const struct option lo[] = {
        {"format", required_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'},
        {"top", required_argument, 0, 'n'},
        {"min-postings", required_argument, 0, 'm'},
        {"min-count", required_argument, 0, OPT_MIN_COUNT},
        {"months", required_argument, 0, OPT_MONTHS},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *out = NULL;
    int html = 0, c;
    struct ropts o = {10, SKIDX_MIN_POSTINGS_DEFAULT, 20, 0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:n:m:h", lo, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "md") || !strcmp(optarg, "markdown"))
                html = 0;
            else if (!strcmp(optarg, "html"))
                html = 1;
            else {
                cli_msg("invalid --format '%s': md or html", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'o': out = optarg; break;
        case 'n':
            if (cli_parse_u64("--top", optarg, 0, INT32_MAX, &v))
                return EXIT_USAGE;
            o.top = (long)v;
            break;
        case 'm':
            if (cli_parse_u64("--min-postings", optarg, 0, UINT64_MAX,
                              &o.min_postings))
                return EXIT_USAGE;
            break;
        case OPT_MIN_COUNT:
            if (cli_parse_u64("--min-count", optarg, 0, UINT64_MAX,
                              &o.min_count))
                return EXIT_USAGE;
            break;
        case OPT_MONTHS:
            if (cli_parse_u64("--months", optarg, 1, 100000, &v))
                return EXIT_USAGE;
            o.months = (long)v;
            break;
        case 'h': fputs(report_usage, stdout); return EXIT_OK;
        default: fputs(report_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        cli_msg(optind >= argc ? "no index given" : "one index at a time");
        fputs(report_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    if (out && cli_check_output(out, 0, (const char *const *)argv + optind, 1))
        return EXIT_USAGE;
    cli_install_signals(0, NULL);
    struct skidx_index *idx;
    struct skidx_error err;
    skidx_error_clear(&err);
    skidx_status st = skidx_index_open(path, 1, &idx, &err);
    if (st) {
        cli_report_st("cannot read the index", st, &err);
        return EXIT_DATA;
    }
    struct ctx cx;
    memset(&cx, 0, sizeof(cx));
    cx.x = idx;
    cx.o = o;
    cx.d.html = html;
    skidx_index_get_meta(idx, &cx.m);
    cx.ns = skidx_index_n_skills(idx);
    cx.nr = skidx_index_n_roles(idx);
    cx.nl = skidx_index_n_levels(idx);
    cx.nm = skidx_index_n_months(idx);
    cx.rk = calloc(cx.ns ? cx.ns : 1, sizeof(*cx.rk));
    struct role_order *ro = calloc(cx.nr ? cx.nr : 1, sizeof(*ro));
    if (!cx.rk || !ro) {
        cli_msg("out of memory");
        free(cx.rk);
        free(ro);
        skidx_index_close(idx);
        return EXIT_DATA;
    }
    struct skidx_atomic tmp;
    cx.d.f = out ? cli_out_open(&tmp, out) : stdout;
    if (!cx.d.f) {
        free(cx.rk);
        free(ro);
        skidx_index_close(idx);
        return EXIT_DATA;
    }
    const uint32_t nro = roles_by_size(&cx, ro);
    if (html)
        fputs(html_head, cx.d.f);
    char a[32];
    d_h(&cx.d, 1, "Skill demand report: %s postings, taxonomy %s %s",
        fmt_grouped(cx.m.postings, a, sizeof(a)), cx.m.taxonomy_name,
        cx.m.taxonomy_version);
    section_summary(&cx);
    section_corpus(&cx, path);
    section_method(&cx);
    section_roles(&cx, ro, nro);
    section_frameworks(&cx);
    section_cloud(&cx);
    section_trends(&cx);
    section_salaries(&cx, ro, nro);
    section_premiums(&cx);
    section_together(&cx, ro, nro);
    section_role_trends(&cx, ro, nro);
    if (html)
        fputs("</body>\n</html>\n", cx.d.f);
    /* standard output is checked at exit (cli_close_stdout) */
    int rc = EXIT_OK;
    if (cx.pfail && cx.pfail != SKIDX_ERR_NOMEM) {
        struct skidx_error perr;
        skidx_error_clear(&perr);
        cli_report_st("cannot read the index",
                      skidx_index_check_postings(idx, &perr), &perr);
        if (out)
            cli_out_abort(&tmp, cx.d.f);
        rc = EXIT_DATA;
    } else if (cx.d.oom || cx.pfail) {
        cli_msg("out of memory: the report would lack rows%s",
                out ? "; not written" : "");
        if (out)
            cli_out_abort(&tmp, cx.d.f);
        rc = EXIT_DATA;
    } else if (out && cli_out_commit(&tmp, cx.d.f))
        rc = EXIT_DATA;
    free(cx.rk);
    free(ro);
    skidx_index_close(idx);
    return rc;
}
