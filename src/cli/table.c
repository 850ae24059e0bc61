/*
 * table.c - the column registry and the printers of result tables
 * (table.h): aligned text, CSV, JSON, JSON Lines and Markdown.
 *
 * The registry is the one list of column names the machine formats use;
 * docs/EXPORT.md documents each (tests/cli_columns.sh checks that every
 * header printed by a query mode or the export is in it, and documented).
 */
#include "cli/table.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const struct column_def registry[] = {
    /* dimensions: ids beside names */
    {"role_id", COL_INT, "", "role id (position in roles.tsv order); empty for All"},
    {"role", COL_TEXT, "", "role name; All when the row sums every role"},
    {"level_id", COL_INT, "", "seniority level id (taxonomy order); empty for All"},
    {"level", COL_TEXT, "", "seniority level name; All when the row sums every level"},
    {"level_order", COL_INT, "", "1-based position of the level in the taxonomy (junior to senior)"},
    {"skill_id", COL_INT, "", "skill id (position in skills.tsv)"},
    {"skill", COL_TEXT, "", "canonical skill name"},
    {"category", COL_TEXT, "", "the skill's category"},
    {"alias", COL_TEXT, "", "a literal alias of the skill"},
    {"esco_uri", COL_TEXT, "", "the skill's ESCO concept URI; empty when none"},
    {"onet_codes", COL_TEXT, "", "the skill's O*NET commodity codes, separated by ';'"},
    {"month", COL_TEXT, "", "calendar month, YYYY-MM"},
    {"quarter", COL_TEXT, "", "calendar quarter, YYYY-Qn"},
    /* counts */
    {"slice_postings", COL_INT, "postings", "postings in the row's slice (role, level, period)"},
    {"skill_postings", COL_INT, "postings", "postings of the slice that mention the skill"},
    {"salaried_postings", COL_INT, "postings", "postings of the row with a salary in the index currency"},
    {"other_currency_postings", COL_INT, "postings", "postings of the row with a salary in another currency"},
    {"salary_sum", COL_INT, "currency units", "sum of the annualised salaries of salaried_postings"},
    /* shares and flags */
    {"rank", COL_INT, "", "1-based rank"},
    {"share", COL_REAL, "fraction", "skill_postings / slice_postings, 0 to 1"},
    {"tier", COL_TEXT, "", "critical, high, medium or nice-to-have"},
    {"ci_low", COL_REAL, "fraction", "lower bound of the 95 % Wilson interval of share"},
    {"ci_high", COL_REAL, "fraction", "upper bound of the 95 % Wilson interval of share"},
    {"low_n", COL_INT, "", "1 when the slice is under --min-postings, else 0"},
    /* salaries */
    {"mean", COL_REAL, "currency units", "exact mean annual salary"},
    {"p25", COL_REAL, "currency units", "first quartile: from the histogram, or exact with --where (linear between ranks)"},
    {"median", COL_REAL, "currency units", "median: from the histogram, or exact with --where"},
    {"p75", COL_REAL, "currency units", "third quartile: from the histogram, or exact with --where"},
    {"currency", COL_TEXT, "", "the index currency"},
    {"bin_width", COL_INT, "currency units", "histogram bin width"},
    {"open_ended", COL_INT, "", "1 when a quartile fell in the open last bin"},
    {"with_salaried", COL_INT, "postings", "salaried postings that mention the skill"},
    {"mean_with", COL_REAL, "currency units", "their mean salary"},
    {"without_salaried", COL_INT, "postings", "the slice's other salaried postings"},
    {"mean_without", COL_REAL, "currency units", "their mean salary"},
    {"premium", COL_REAL, "currency units", "mean_with - mean_without"},
    {"premium_ratio", COL_REAL, "fraction", "premium / mean_without"},
    /* growth */
    {"direction", COL_TEXT, "", "growing, declining or below_min_count"},
    {"period_from", COL_TEXT, "", "the earlier period, YYYY-MM or FIRST:LAST"},
    {"period_to", COL_TEXT, "", "the later period"},
    {"from_skill_postings", COL_INT, "postings", "skill_postings in period_from"},
    {"from_slice_postings", COL_INT, "postings", "dated postings in period_from"},
    {"from_share", COL_REAL, "fraction", "share in period_from"},
    {"to_skill_postings", COL_INT, "postings", "skill_postings in period_to"},
    {"to_slice_postings", COL_INT, "postings", "dated postings in period_to"},
    {"to_share", COL_REAL, "fraction", "share in period_to"},
    {"change", COL_REAL, "fraction", "to_share - from_share"},
    {"relative_change", COL_REAL, "fraction", "to_share / from_share - 1; inf (CSV) or null (JSON) when from_share is 0"},
    /* export-only */
    {"key", COL_TEXT, "", "meta: property name"},
    {"value", COL_TEXT, "", "meta: its value"},
    {"bin", COL_INT, "", "histogram bin"},
    {"lower", COL_INT, "currency units", "bin lower bound, inclusive"},
    {"upper", COL_INT, "currency units", "bin upper bound, exclusive; empty for the last"},
    {"cause", COL_TEXT, "", "skip or repair cause"},
    {"records", COL_INT, "records", "records (not postings)"},
    {"path", COL_TEXT, "", "shard path"},
    {"byte", COL_INT, "bytes", "byte offset of the fault; -1 when unknown"},
    {"fault", COL_TEXT, "", "what went wrong"},
    /* taxonomy lint --corpus */
    {"matches", COL_INT, "matches", "taxonomy lint --corpus: the skill's alias matches (after negatives, masked ones left out)"},
    {"counted_matches", COL_INT, "matches", "of matches, those in the title or a section that counts"},
    {"excluded_matches", COL_INT, "matches", "of matches, those in a company, benefits, legal or apply section"},
    {"excluded_share", COL_REAL, "fraction", "excluded_matches / matches"},
    {"company_matches", COL_INT, "matches", "of excluded_matches, those in company sections"},
    {"benefits_matches", COL_INT, "matches", "of excluded_matches, those in benefits sections"},
    {"legal_matches", COL_INT, "matches", "of excluded_matches, those in legal sections"},
    {"apply_matches", COL_INT, "matches", "of excluded_matches, those in apply sections"},
    {"excluded_postings", COL_INT, "postings", "postings with at least one excluded match of the skill"},
    {"examples", COL_TEXT, "", "example postings, one a line: FILE:LINE [id ID] [section] snippet, the match in [[ ]]"},
    {"selected_postings", COL_INT, "postings", "postings of the slice that satisfy --where"},
    {"slice_share", COL_REAL, "fraction", "the skill's share of the whole slice (without --where), 0 to 1"},
    {"lift", COL_REAL, "ratio", "share / slice_share: above 1 when the selection asks for the skill more than the slice does; empty when slice_share is 0"},
    {"posting_id", COL_INT, "", "posting number in the index (corpus order after duplicates, from 0); the same for the same index file"},
    {"shard", COL_TEXT, "", "the posting's shard, as given to skidx index"},
    {"line", COL_INT, "", "1-based line of the posting in its shard"},
    {"company", COL_TEXT, "", "the posting's company as the record gives it; empty when none"},
    {"location", COL_TEXT, "", "the posting's location as the record gives it; empty when none"},
    {"country", COL_TEXT, "", "the ISO 3166-1 alpha-2 code of the country the posting's location names (README, Countries), as the index stores it; empty when it names none or more than one, or has no location (--by country: the row of those postings), and in --list of an index of format 2 or 3"},
    {"salary", COL_INT, "currency units", "the posting's annualised salary in the index currency; empty when none or in another currency"},
    {"pair_postings", COL_INT, "postings", "--related: selected postings that ask for both the anchor skill and this one"},
    {"anchor_postings", COL_INT, "postings", "--related: selected postings that ask for the anchor skill"},
    {"conditional_share", COL_REAL, "fraction", "--related: pair_postings / anchor_postings, P(skill | anchor)"},
    {"jaccard", COL_REAL, "fraction", "--related: pair_postings / (anchor_postings + skill_postings - pair_postings)"},
    {"no_salary_postings", COL_INT, "postings", "postings of the row without a usable salary"},
    {"min", COL_REAL, "currency units", "smallest annual salary of the row's salaried postings"},
    {"max", COL_REAL, "currency units", "largest annual salary of the row's salaried postings"},
};

const struct column_def *column_registry(size_t *n)
{
    *n = sizeof(registry) / sizeof(registry[0]);
    return registry;
}

const struct column_def *column_find(const char *name)
{
    for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
        if (!strcmp(registry[i].name, name))
            return &registry[i];
    return NULL;
}

int parse_format(const char *s, enum out_format *f)
{
    if (!strcmp(s, "table"))
        *f = FMT_TABLE;
    else if (!strcmp(s, "csv"))
        *f = FMT_CSV;
    else if (!strcmp(s, "json"))
        *f = FMT_JSON;
    else if (!strcmp(s, "jsonl"))
        *f = FMT_JSONL;
    else if (!strcmp(s, "md") || !strcmp(s, "markdown"))
        *f = FMT_MD;
    else
        return -1;
    return 0;
}

void table_init(struct table *t, size_t n_cols, const char *const *names,
                const enum col_kind *kinds)
{
    memset(t, 0, sizeof(*t));
    t->n_cols = n_cols;
    t->names = names;
    t->kinds = kinds;
}

int table_add_row(struct table *t, const char *const *cells)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 64;
        char **c = realloc(t->cells, cap * t->n_cols * sizeof(*c));
        if (!c)
            return -1;
        t->cells = c;
        t->cap_rows = cap;
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        char *s = strdup(cells[i] ? cells[i] : "");
        if (!s) {
            while (i--)
                free(t->cells[t->n_rows * t->n_cols + i]);
            return -1;
        }
        t->cells[t->n_rows * t->n_cols + i] = s;
    }
    t->n_rows++;
    return 0;
}

const char *table_unregistered(const struct table *t)
{
    for (size_t c = 0; c < t->n_cols; c++)
        if (!column_find(t->names[c]))
            return t->names[c];
    return NULL;
}

void table_release(struct table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof(*t));
}

void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* A JSON number cell: as written, "null" when empty; CSV's "inf" (a
 * relative change from zero) has no JSON number, so it is null too. */
static void json_value(FILE *out, enum col_kind k, const char *v)
{
    if (k == COL_TEXT)
        json_string(out, v);
    else
        fputs(*v && strcmp(v, "inf") ? v : "null", out);
}

static void json_record(const struct table *t, size_t r, FILE *out)
{
    const size_t nc = t->n_cols;
    fputc('{', out);
    for (size_t c = 0; c < nc; c++) {
        if (c)
            fputs(", ", out);
        json_string(out, t->names[c]);
        fputs(": ", out);
        json_value(out, t->kinds[c], t->cells[r * nc + c]);
    }
    fputc('}', out);
}

/* Markdown: a pipe table; the characters Markdown would read as markup in
 * a cell are escaped, line breaks become spaces. */
static void md_field(FILE *out, const char *s)
{
    fputc(' ', out);
    for (; *s; s++) {
        if (strchr("\\*|`", *s))
            fputc('\\', out);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
    }
    fputs(" |", out);
}

static void html_text(FILE *out, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
}

/* Display width: count UTF-8 lead bytes (good enough for names). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

void table_print(const struct table *t, enum out_format f, FILE *out)
{
    size_t nc = t->n_cols;
    /* a machine format speaks the registry's names only (debug builds
     * prove it on every table the tests print) */
    assert(!format_is_machine(f) || !table_unregistered(t));
    if (f == FMT_CSV) {
        for (size_t c = 0; c < nc; c++) {
            if (c)
                fputc(',', out);
            csv_field(out, t->names[c]);
        }
        fputc('\n', out);
        for (size_t r = 0; r < t->n_rows; r++) {
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    fputc(',', out);
                csv_field(out, t->cells[r * nc + c]);
            }
            fputc('\n', out);
        }
        return;
    }
    if (f == FMT_JSON) {
        fputs("[", out);
        for (size_t r = 0; r < t->n_rows; r++) {
            fputs(r ? ",\n " : "\n ", out);
            json_record(t, r, out);
        }
        fputs(t->n_rows ? "\n]\n" : "]\n", out);
        return;
    }
    if (f == FMT_JSONL) {
        for (size_t r = 0; r < t->n_rows; r++) {
            json_record(t, r, out);
            fputc('\n', out);
        }
        return;
    }
    if (f == FMT_HTML) {
        fputs("<table>\n<tr>", out);
        for (size_t c = 0; c < nc; c++) {
            fputs(t->kinds[c] != COL_TEXT ? "<th class=\"n\">" : "<th>", out);
            html_text(out, t->names[c]);
            fputs("</th>", out);
        }
        fputs("</tr>\n", out);
        for (size_t r = 0; r < t->n_rows; r++) {
            fputs("<tr>", out);
            for (size_t c = 0; c < nc; c++) {
                fputs(t->kinds[c] != COL_TEXT ? "<td class=\"n\">" : "<td>",
                      out);
                html_text(out, t->cells[r * nc + c]);
                fputs("</td>", out);
            }
            fputs("</tr>\n", out);
        }
        fputs("</table>\n", out);
        return;
    }
    if (f == FMT_MD) {
        fputc('|', out);
        for (size_t c = 0; c < nc; c++)
            md_field(out, t->names[c]);
        fputs("\n|", out);
        for (size_t c = 0; c < nc; c++)
            fputs(t->kinds[c] == COL_TEXT ? "---|" : "---:|", out);
        fputc('\n', out);
        for (size_t r = 0; r < t->n_rows; r++) {
            fputc('|', out);
            for (size_t c = 0; c < nc; c++)
                md_field(out, t->cells[r * nc + c]);
            fputc('\n', out);
        }
        return;
    }
    size_t *w = calloc(nc ? nc : 1, sizeof(*w));
    if (!w)
        return;
    for (size_t c = 0; c < nc; c++)
        w[c] = width(t->names[c]);
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < nc; c++) {
            size_t x = width(t->cells[r * nc + c]);
            if (x > w[c])
                w[c] = x;
        }
    for (int pass = -1; pass < (int)t->n_rows; pass++) {
        for (size_t c = 0; c < nc; c++) {
            const char *v = pass < 0 ? t->names[c] : t->cells[pass * nc + c];
            size_t pad = w[c] - width(v);
            int right = t->kinds[c] != COL_TEXT;
            if (c)
                fputs("  ", out);
            if (right)
                fprintf(out, "%*s", (int)pad, "");
            for (const char *q = v; *q; q++) /* one line a row */
                fputc(*q == '\n' || *q == '\r' || *q == '\t' ? ' ' : *q, out);
            if (!right && c + 1 < nc)
                fprintf(out, "%*s", (int)pad, "");
        }
        fputc('\n', out);
        if (pass < 0) {
            for (size_t c = 0; c < nc; c++) {
                if (c)
                    fputs("  ", out);
                for (size_t i = 0; i < w[c]; i++)
                    fputc('-', out);
            }
            fputc('\n', out);
        }
    }
    free(w);
}
