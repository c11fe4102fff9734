/*
 * rota: a week's need and its optimal shifts; see rota.h.
 *
 * The programme has one column per (start, length) that fits in the week
 * and one row per hour with a need; an hour without need has no row (a
 * shift may run through it). GLPK's branch and cut starts from the
 * simplex's relaxation, which is already whole here, so it ends at once.
 */
#include "rota.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>

#include "chat_err.h"

bool rota_week_ok(time_t week)
{
    struct tm tm;
    localtime_r(&week, &tm);
    return tm.tm_wday == 1 && tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0;
}

int rota_week_hours(time_t week)
{
    struct tm tm;
    localtime_r(&week, &tm);
    tm.tm_mday += 7;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int)((mktime(&tm) - week) / 3600);
}

void rota_need(const int slots[PLAN_WEEK_HOURS], time_t week, int nhours, int capacity, int *need)
{
    for (int h = 0; h < nhours; h++) {
        time_t t = week + (time_t)h * 3600;
        struct tm tm;
        localtime_r(&t, &tm);
        int s = slots[((tm.tm_wday + 6) % 7) * 24 + tm.tm_hour];
        int w = s > 0 ? (s + capacity - 1) / capacity : 0;
        need[h] = w > ROTA_WORKERS_MAX ? ROTA_WORKERS_MAX : w;
    }
}

/* A kind of shift: a column of the programme. */
struct kind {
    int start, len;
};

int rota_solve(const int *need, int nhours, int min_h, int max_h, struct rota_shift *out,
               size_t max, size_t *n, long *total_h)
{
    *n = 0;
    *total_h = 0;
    if (min_h < 1 || max_h < min_h || max_h > ROTA_SHIFT_LIMIT_H || nhours < min_h ||
        nhours > ROTA_HOURS_MAX)
        return CHAT_ERR_BAD_REQUEST;
    int rows = 0;
    for (int h = 0; h < nhours; h++) {
        if (need[h] < 0 || need[h] > ROTA_WORKERS_MAX)
            return CHAT_ERR_BAD_REQUEST;
        rows += need[h] > 0;
    }
    if (rows == 0)
        return 0;
    size_t nkinds = 0, cap = (size_t)nhours * (size_t)(max_h - min_h + 1);
    struct kind *kinds = calloc(cap + 1, sizeof(*kinds));
    int *row_of = calloc((size_t)nhours, sizeof(int)); /* hour -> row (1-based), 0 = none */
    /* the matrix: at most max_h entries a column, 1-based as GLPK wants */
    size_t nz = cap * (size_t)max_h + 1;
    int *ia = calloc(nz, sizeof(int)), *ja = calloc(nz, sizeof(int));
    double *ar = calloc(nz, sizeof(double));
    glp_prob *lp = NULL;
    int rc = kinds && row_of && ia && ja && ar ? 0 : CHAT_ERR_NOMEM;
    if (rc == 0) {
        glp_term_out(GLP_OFF);
        lp = glp_create_prob();
        glp_set_obj_dir(lp, GLP_MIN);
        glp_add_rows(lp, rows);
        for (int h = 0, r = 0; h < nhours; h++)
            if (need[h] > 0) {
                row_of[h] = ++r;
                glp_set_row_bnds(lp, r, GLP_LO, need[h], 0);
            }
        for (int s = 0; s < nhours; s++)
            for (int len = min_h; len <= max_h && s + len <= nhours; len++)
                kinds[++nkinds] = (struct kind){s, len};
        glp_add_cols(lp, (int)nkinds);
        size_t k = 0;
        for (size_t c = 1; c <= nkinds; c++) {
            glp_set_col_kind(lp, (int)c, GLP_IV);
            glp_set_col_bnds(lp, (int)c, GLP_LO, 0, 0);
            glp_set_obj_coef(lp, (int)c, kinds[c].len);
            for (int h = kinds[c].start; h < kinds[c].start + kinds[c].len; h++)
                if (row_of[h]) {
                    k++;
                    ia[k] = row_of[h];
                    ja[k] = (int)c;
                    ar[k] = 1;
                }
        }
        glp_load_matrix(lp, (int)k, ia, ja, ar);
        glp_iocp parm;
        glp_init_iocp(&parm);
        parm.presolve = GLP_ON;
        parm.msg_lev = GLP_MSG_OFF;
        if (glp_intopt(lp, &parm) != 0 || glp_mip_status(lp) != GLP_OPT)
            rc = CHAT_ERR_INTERNAL;
    }
    for (size_t c = 1; rc == 0 && c <= nkinds; c++) {
        long x = lround(glp_mip_col_val(lp, (int)c));
        if (x <= 0)
            continue;
        if (*n >= max) {
            rc = CHAT_ERR_INTERNAL;
            break;
        }
        out[(*n)++] = (struct rota_shift){kinds[c].start, kinds[c].len, (int)x};
        *total_h += x * kinds[c].len;
    }
    if (lp) {
        glp_delete_prob(lp);
        glp_free_env(); /* GLPK's memory of this thread: none is kept between calls */
    }
    free(kinds);
    free(row_of);
    free(ia);
    free(ja);
    free(ar);
    if (rc != 0) {
        *n = 0;
        *total_h = 0;
    }
    return rc;
}
