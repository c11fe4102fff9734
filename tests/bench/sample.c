/*
 * sample: measurements and their quantiles.
 */
#include "sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void sample_init(struct sample *s)
{
    s->v = NULL;
    s->n = s->cap = 0;
    s->sorted = true;
}

void sample_fini(struct sample *s)
{
    free(s->v);
    sample_init(s);
}

void sample_add(struct sample *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        double *nv = realloc(s->v, cap * sizeof(*nv));
        if (!nv)
            return; /* a lost sample; the count shows it */
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    s->sorted = false;
}

static int sample_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double sample_quantile(struct sample *s, double q)
{
    if (!s->n)
        return 0;
    if (!s->sorted) {
        qsort(s->v, s->n, sizeof(*s->v), sample_cmp);
        s->sorted = true;
    }
    size_t rank = (size_t)ceil(q * (double)s->n);
    if (rank < 1)
        rank = 1;
    if (rank > s->n)
        rank = s->n;
    return s->v[rank - 1];
}

double sample_max(struct sample *s)
{
    return sample_quantile(s, 1.0);
}

void sample_report(const char *name, double value)
{
    printf("result %s %.6g\n", name, value);
    fflush(stdout);
}
