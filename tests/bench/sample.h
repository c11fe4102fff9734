/*
 * sample: a growing set of measurements (milliseconds, rates) and the
 * figures drawn from it, plus the one line format results are reported in.
 *
 * Results go to stdout as "result NAME VALUE", one per line, for bench.sh;
 * everything else the generator says goes to stderr.
 */
#ifndef SAMPLE_H
#define SAMPLE_H

#include <stdbool.h>
#include <stddef.h>

struct sample {
    double *v;
    size_t n, cap;
    bool sorted;
};

void sample_init(struct sample *s);
void sample_fini(struct sample *s);
void sample_add(struct sample *s, double x);

/* The q-quantile (0..1) by nearest rank; 0 when empty. Sorts s. */
double sample_quantile(struct sample *s, double q);
double sample_max(struct sample *s);

/* Prints "result name value". */
void sample_report(const char *name, double value);

#endif
