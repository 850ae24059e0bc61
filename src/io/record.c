/*
 * record.c - the fields pulled out of a JSON line (io/jsonl.h) as the
 * values a posting is made of (core/posting.h): the one place that maps
 * JSON types to posting value types, shared by the indexer, `skidx match`
 * and the benchmarks.
 */
#include "core/posting.h"
#include "io/jsonl.h"

static void to_value(const struct skidx_jvalue *j, struct skidx_value *v)
{
    v->p = j->ptr;
    v->len = j->len;
    switch (j->type) {
    case SKIDX_J_ABSENT: v->type = SKIDX_V_ABSENT; break;
    case SKIDX_J_STRING: v->type = SKIDX_V_STRING; break;
    case SKIDX_J_NUMBER: v->type = SKIDX_V_NUMBER; break;
    case SKIDX_J_NULL:
        v->type = SKIDX_V_OTHER;
        v->p = "null";
        v->len = 4;
        break;
    default:
        v->type = SKIDX_V_OTHER;
        if (!v->p) {
            v->p = "";
            v->len = 0;
        }
        break;
    }
}

void skidx_jsonl_to_posting(const struct skidx_jsonl_record *rec,
                             struct skidx_posting *p)
{
    static const int map[SKIDX_P_COUNT] = {
        [SKIDX_P_TITLE] = SKIDX_F_TITLE,
        [SKIDX_P_DESCRIPTION] = SKIDX_F_DESCRIPTION,
        [SKIDX_P_COMPANY] = SKIDX_F_COMPANY,
        [SKIDX_P_SENIORITY] = SKIDX_F_SENIORITY,
        [SKIDX_P_POSTED] = SKIDX_F_POSTED,
        [SKIDX_P_SALARY_MIN] = SKIDX_F_SALARY_MIN,
        [SKIDX_P_SALARY_MAX] = SKIDX_F_SALARY_MAX,
        [SKIDX_P_SALARY_PERIOD] = SKIDX_F_SALARY_PERIOD,
        [SKIDX_P_CURRENCY] = SKIDX_F_CURRENCY,
    };
    for (int i = 0; i < SKIDX_P_COUNT; i++)
        to_value(&rec->f[map[i]], &p->v[i]);
}
