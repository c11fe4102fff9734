/*
 * plan: Erlang A and Erlang C for one hour, the estimators over hourly
 * counts, and the greedy "same staff, better hours". plan.h has the
 * formulas, their sources and their limits; here is how they are computed
 * and the one derivation plan.h only states.
 *
 * The wait distribution. A visitor who must wait finds j >= 0 others ahead
 * with probability proportional to a^j / ((b+1)(b+2)..(b+j)): the stationary
 * law of the birth-death chain beyond n (arrivals lambda, departures
 * n mu + j theta), which an arrival sees by PASTA. With j ahead its offered
 * wait V (the wait it would have with infinite patience) is a sum of
 * independent exponentials of rates theta (b+i), i = j..0: one of the i ahead
 * leaves or is served, and at last a slot frees at rate n mu = theta b.
 * Summing the Laplace transforms over j gives
 *     E[e^-sV | W>0] = a^(-s/theta) gamma(b + s/theta, a) / gamma(b, a),
 * which is the transform of P(V > t | W>0) = gamma(b, a e^-theta t) / gamma(b, a)
 * (differentiate and substitute u = a e^-theta t). The visitor is served
 * within t when V <= t and its own patience outlasts V, probability
 * e^-theta V; integrating that against the law of V gives
 *     P(served, W <= t | W>0) = (b/a) [P(b+1, a) - P(b+1, a e^-theta t)] / P(b, a)
 * and at t = infinity (b/a)(1 - 1/A), GMR's P(served | W>0).
 *
 * Numerics: everything that can overflow or underflow is carried as a
 * logarithm (Erlang B, A(b,a), the incomplete gamma), so n = 1000 slots or
 * a load of thousands of Erlangs stays finite; only shares in [0, 1] are
 * formed from them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"
#include "plan.h"

#define REL_EPS 1e-16     /* series and continued fraction stop below this */
#define LENTZ_TINY 1e-300 /* keeps the modified Lentz method off zero */
#define LENTZ_MAX 10000000
#define TIE_EPS 1e-12 /* gains closer than this (contacts per week) are equal */

static bool in_range(double v, double lo, double hi)
{
    return isfinite(v) && v >= lo && v <= hi;
}

static bool load_ok(const struct plan_load *q)
{
    if (!q || !in_range(q->arrivals_per_h, 0, PLAN_ARRIVALS_MAX))
        return false;
    if (q->arrivals_per_h > 0 && !in_range(q->handle_s, PLAN_DURATION_MIN_S, PLAN_DURATION_MAX_S))
        return false;
    return q->patience_s == 0 || in_range(q->patience_s, PLAN_DURATION_MIN_S, PLAN_DURATION_MAX_S);
}

static bool target_ok(const struct plan_target *t)
{
    return t && in_range(t->wait_s, 0, PLAN_DURATION_MAX_S) && isfinite(t->share) && t->share > 0 &&
           t->share <= 1;
}

/* log P(s, x), the regularized lower incomplete gamma function; s > 0. */
static double log_gamma_p(double s, double x)
{
    if (x <= 0)
        return -INFINITY;
    double lead = s * log(x) - x;
    if (x < s + 1) {
        /* A&S 6.5.29: gamma(s,x) = x^s e^-x sum_k x^k / (s (s+1) .. (s+k)); the
         * ratio of terms x / (s+k) is below 1, so they only shrink. */
        double term = 1, sum = 1;
        for (long k = 1; term > sum * REL_EPS; k++) {
            term *= x / (s + (double)k);
            sum += term;
        }
        return lead - lgamma(s + 1) + log(sum);
    }
    /* A&S 6.5.31: Gamma(s,x) = e^-x x^s / (x+1-s - 1(1-s) / (x+3-s - 2(2-s) / ...)),
     * evaluated by the modified Lentz method; then P = 1 - Q, Q <= ~1/2 here. */
    double b = x + 1 - s, c = 1 / LENTZ_TINY, d = 1 / b, h = d;
    for (long i = 1; i < LENTZ_MAX; i++) {
        double an = -(double)i * ((double)i - s);
        b += 2;
        d = an * d + b;
        if (fabs(d) < LENTZ_TINY)
            d = LENTZ_TINY;
        c = b + an / c;
        if (fabs(c) < LENTZ_TINY)
            c = LENTZ_TINY;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < REL_EPS)
            break;
    }
    double log_q = fmin(0, lead - lgamma(s) + log(h));
    return log1p(-exp(log_q));
}

/* log of Erlang B(n, rho), rho > 0, by E_k = rho E_{k-1} / (k + rho E_{k-1}). */
static double log_erlang_b(int n, double rho)
{
    double le = 0, lr = log(rho);
    for (int k = 1; k <= n; k++)
        le = lr + le - log(k + rho * exp(le));
    return le;
}

static void erlang_c(double lam, double mu, int n, double log_e, double t, struct plan_result *r)
{
    double rho = lam / mu;
    if (rho >= n) {
        r->unstable = true;
        r->answered_share = n / rho;
        r->abandoned_share = 1 - r->answered_share;
        r->delay_share = 1;
        r->wait_share = 0;
        r->mean_wait_s = INFINITY;
        return;
    }
    double e = exp(log_e);
    double c = e / (1 - rho / n * (1 - e));
    double gap = n * mu - lam;
    r->answered_share = 1;
    r->abandoned_share = 0;
    r->delay_share = c;
    r->wait_share = 1 - c * exp(-gap * t);
    r->mean_wait_s = c / gap;
}

static void erlang_a(double lam, double mu, double patience_s, int n, double log_e, double t,
                     struct plan_result *r)
{
    double th = 1 / patience_s, a = lam / th, b = n * mu / th;
    double log_pb = log_gamma_p(b, a);
    double log_a = a + lgamma(b + 1) - b * log(a) + log_pb; /* log A(b,a) >= 0 */
    double served_if_wait = fmin(1, b / a * -expm1(-log_a));
    double pw = 1 / (1 + exp(log1p(-exp(log_e)) - log_a - log_e));
    double within = 0;
    if (t > 0) {
        double rest = exp(log_gamma_p(b + 1, a * exp(-th * t)) - log_pb);
        within = b / a * (-expm1(-log_a) - rest);
        within = fmax(0, fmin(served_if_wait, within));
    }
    r->abandoned_share = pw * (1 - served_if_wait);
    r->answered_share = 1 - r->abandoned_share;
    r->delay_share = pw;
    r->wait_share = (1 - pw) + pw * within;
    r->mean_wait_s = r->abandoned_share * patience_s;
}

int plan_eval(const struct plan_load *load, int slots, double target_wait_s,
              struct plan_result *out)
{
    if (!load_ok(load) || slots < 0 || slots > PLAN_SLOTS_MAX ||
        !in_range(target_wait_s, 0, PLAN_DURATION_MAX_S) || !out)
        return CHAT_ERR_BAD_REQUEST;
    memset(out, 0, sizeof(*out));
    if (load->arrivals_per_h == 0) {
        out->answered_share = out->wait_share = 1;
        return 0;
    }
    if (slots == 0) {
        out->abandoned_share = out->delay_share = 1;
        out->unstable = load->patience_s == 0;
        out->mean_wait_s = out->unstable ? INFINITY : load->patience_s;
        return 0;
    }
    double lam = load->arrivals_per_h / 3600, mu = 1 / load->handle_s;
    double log_e = log_erlang_b(slots, lam / mu);
    if (load->patience_s == 0)
        erlang_c(lam, mu, slots, log_e, target_wait_s, out);
    else
        erlang_a(lam, mu, load->patience_s, slots, log_e, target_wait_s, out);
    return 0;
}

int plan_slots_needed(const struct plan_load *load, double target_wait_s, double target_share,
                      int *slots, struct plan_result *out)
{
    struct plan_result r;
    int rc = plan_eval(load, 0, target_wait_s, &r);
    if (rc != 0 || !slots || !isfinite(target_share) || target_share <= 0 || target_share > 1)
        return rc != 0 ? rc : CHAT_ERR_BAD_REQUEST;
    /* Nobody is answered beyond the throughput n mu, so wait_share <= n / rho:
     * no n below target_share * rho can do. */
    int n = 0;
    if (load->arrivals_per_h > 0) {
        double floor_n = floor(target_share * load->arrivals_per_h * load->handle_s / 3600);
        n = floor_n > PLAN_SLOTS_MAX ? PLAN_SLOTS_MAX + 1 : (int)floor_n;
    }
    for (; n <= PLAN_SLOTS_MAX; n++) {
        if ((rc = plan_eval(load, n, target_wait_s, &r)) != 0)
            return rc;
        if (r.wait_share >= target_share) {
            *slots = n;
            if (out)
                *out = r;
            return 0;
        }
    }
    return CHAT_ERR_NOT_FOUND;
}

int plan_answered_at(const struct plan_load *load, double slots, double *share)
{
    if (!share || !in_range(slots, 0, PLAN_SLOTS_MAX))
        return CHAT_ERR_BAD_REQUEST;
    int lo = (int)floor(slots);
    double w = slots - lo;
    struct plan_result r0, r1;
    int rc = plan_eval(load, lo, 0, &r0);
    if (rc == 0 && w > 0)
        rc = plan_eval(load, lo + 1, 0, &r1);
    if (rc != 0)
        return rc;
    *share =
        w > 0 ? r0.answered_share + w * (r1.answered_share - r0.answered_share) : r0.answered_share;
    return 0;
}

int plan_load_merge(const struct plan_load *loads, int n, struct plan_load *out)
{
    if (!loads || n < 0 || !out)
        return CHAT_ERR_BAD_REQUEST;
    double lam = 0, offered = 0, patient = 0, patience = 0;
    for (int i = 0; i < n; i++) {
        const struct plan_load *q = &loads[i];
        if (!load_ok(q))
            return CHAT_ERR_BAD_REQUEST;
        if (q->arrivals_per_h == 0)
            continue;
        lam += q->arrivals_per_h;
        offered += q->arrivals_per_h * q->handle_s;
        if (q->patience_s > 0) {
            patient += q->arrivals_per_h;
            patience += q->arrivals_per_h * q->patience_s;
        }
    }
    *out = (struct plan_load){0};
    if (lam == 0)
        return 0;
    out->arrivals_per_h = lam;
    out->handle_s = offered / lam;
    out->patience_s = patient > 0 ? patience / patient : 0;
    return load_ok(out) ? 0 : CHAT_ERR_BAD_REQUEST;
}

int plan_estimate(const struct plan_counts *c, const struct plan_pooled *pooled,
                  struct plan_estimate *out)
{
    if (!c || !out || c->hours < 1 || c->joins < 0 || c->answered < 0 || c->abandoned < 0 ||
        c->wait_answered_s < 0 || c->wait_abandoned_s < 0 || c->chats < 0 || c->chat_s < 0 ||
        c->wrapups < 0 || c->wrapup_s < 0 || c->slot_s < 0 || c->worker_s < 0 || c->open_s < 0)
        return CHAT_ERR_BAD_REQUEST;
    if (pooled && (!in_range(pooled->handle_s, 0, PLAN_DURATION_MAX_S) ||
                   !in_range(pooled->patience_s, 0, PLAN_DURATION_MAX_S)))
        return CHAT_ERR_BAD_REQUEST;
    memset(out, 0, sizeof(*out));
    out->load.arrivals_per_h = (double)c->joins / (double)c->hours;

    out->thin_handle = c->chats < PLAN_MIN_CHATS;
    if (out->thin_handle && pooled)
        out->load.handle_s = pooled->handle_s;
    else if (c->chats > 0)
        out->load.handle_s =
            fmax(PLAN_DURATION_MIN_S,
                 (double)c->chat_s / (double)c->chats +
                     (c->wrapups > 0 ? (double)c->wrapup_s / (double)c->wrapups : 0));

    out->thin_patience = c->abandoned < PLAN_MIN_ABANDONS;
    if (out->thin_patience && pooled)
        out->load.patience_s = pooled->patience_s;
    else if (c->abandoned > 0)
        out->load.patience_s =
            fmax(PLAN_DURATION_MIN_S,
                 (double)(c->wait_answered_s + c->wait_abandoned_s) / (double)c->abandoned);
    out->thin = out->thin_handle || out->thin_patience;

    out->slots_had = (double)(c->slot_s > 0 ? c->slot_s : c->worker_s) / 3600 / (double)c->hours;
    out->answered_share = c->joins > 0 ? fmin(1, (double)c->answered / (double)c->joins) : -1;
    return 0;
}

int plan_row(const struct plan_estimate *e, const struct plan_target *t, struct plan_row *out)
{
    if (!e || !out || !target_ok(t) || !in_range(e->slots_had, 0, PLAN_SLOTS_MAX - 1))
        return CHAT_ERR_BAD_REQUEST;
    double a0, a1;
    int rc = plan_answered_at(&e->load, e->slots_had, &a0);
    if (rc == 0)
        rc = plan_answered_at(&e->load, e->slots_had + 1, &a1);
    if (rc != 0)
        return rc;
    out->gain_per_slot = e->load.arrivals_per_h * (a1 - a0);
    struct plan_result r;
    rc = plan_slots_needed(&e->load, t->wait_s, t->share, &out->slots_needed, &r);
    if (rc != 0) {
        out->slots_needed = -1;
        out->answered_share_at_needed = out->wait_share_at_needed = -1;
        return rc;
    }
    out->answered_share_at_needed = r.answered_share;
    out->wait_share_at_needed = r.wait_share;
    return 0;
}

bool plan_short(double slots_had, int slots_needed, bool has_row, double arrivals_per_h, bool open)
{
    if (!has_row || (!open && arrivals_per_h < PLAN_SHORT_MIN_ARRIVALS))
        return false;
    return slots_needed < 0 || slots_needed > slots_had;
}

/* --- plan_redistribute ------------------------------------------------- */

#define WEEK PLAN_WEEK_HOURS

/* The moves below (a new 2-hour block, one more hour on a block) and the
 * block test build on blocks of exactly this minimum. */
_Static_assert(PLAN_BLOCK_MIN_H == 2, "plan_redistribute assumes 2-hour blocks");

/* What one more slot in an hour would add per week, with n slots now. */
struct margin {
    bool full;       /* the hour has PLAN_SLOTS_MAX: it cannot take one more */
    double answered; /* answered contacts */
    double within;   /* answered within the target wait */
};

static int margin_at(const struct plan_hour *h, int n, double wait_s, struct margin *m)
{
    struct plan_result r0, r1;
    if (n >= PLAN_SLOTS_MAX) {
        *m = (struct margin){.full = true};
        return 0;
    }
    int rc = plan_eval(&h->load, n, wait_s, &r0);
    if (rc == 0)
        rc = plan_eval(&h->load, n + 1, wait_s, &r1);
    if (rc != 0)
        return rc;
    m->full = false;
    m->answered = h->load.arrivals_per_h * (r1.answered_share - r0.answered_share);
    m->within = h->load.arrivals_per_h * (r1.wait_share - r0.wait_share);
    return 0;
}

/* Whether the extra slots around p still split into blocks of >= 2 hours at p:
 * the blocks starting at p and those ending at p must be different ones. */
static bool blocks_hold_at(const int *extra, int p)
{
    int x = extra[p], l = extra[(p + WEEK - 1) % WEEK], r = extra[(p + 1) % WEEK];
    return (x > l ? x - l : 0) + (x > r ? x - r : 0) <= x;
}

static bool single_fits(int *extra, int h)
{
    extra[h]++;
    bool ok = blocks_hold_at(extra, (h + WEEK - 1) % WEEK) && blocks_hold_at(extra, h) &&
              blocks_hold_at(extra, (h + 1) % WEEK);
    extra[h]--;
    return ok;
}

/* The best move so far: one more slot at `hour` (and hour + 1 when pair). */
struct move {
    int hour;
    bool pair;
    double answered, within; /* per slot-hour */
};

static void consider(struct move *best, int hour, bool pair, double answered, double within)
{
    bool better = best->hour < 0 || answered > best->answered + TIE_EPS ||
                  (answered >= best->answered - TIE_EPS && within > best->within + TIE_EPS);
    if (better)
        *best = (struct move){hour, pair, answered, within};
}

static int week_check(const struct plan_hour *week, const struct plan_target *t)
{
    if (!week || !target_ok(t))
        return CHAT_ERR_BAD_REQUEST;
    for (int h = 0; h < WEEK; h++) {
        const struct plan_hour *x = &week[h];
        struct plan_result r;
        if (plan_eval(&x->load, 0, 0, &r) != 0 || !in_range(x->slots_had, 0, PLAN_SLOTS_MAX) ||
            x->min_slots < 0 || x->min_slots > PLAN_SLOTS_MAX || (!x->may_open && x->min_slots))
            return CHAT_ERR_BAD_REQUEST;
    }
    return 0;
}

/* Fills needed[], answered_now, answered_planned and planned_slot_hours. */
static int week_now_and_plan(const struct plan_hour *week, const struct plan_target *t,
                             struct plan_redistribution *out)
{
    double sum_had = 0;
    for (int h = 0; h < WEEK; h++) {
        const struct plan_hour *x = &week[h];
        double share;
        int n, rc = plan_answered_at(&x->load, x->slots_had, &share);
        if (rc != 0)
            return rc;
        out->answered_now += x->load.arrivals_per_h * share;
        sum_had += x->slots_had;
        rc = plan_slots_needed(&x->load, t->wait_s, t->share, &n, NULL);
        if (rc == CHAT_ERR_NOT_FOUND)
            n = PLAN_SLOTS_MAX;
        else if (rc != 0)
            return rc;
        out->needed[h] = n;
        int planned = !x->may_open ? 0 : n > x->min_slots ? n : x->min_slots;
        if ((rc = plan_answered_at(&x->load, planned, &share)) != 0)
            return rc;
        out->answered_planned += x->load.arrivals_per_h * share;
        out->planned_slot_hours += planned;
    }
    out->slot_hours = lround(sum_had);
    return 0;
}

int plan_redistribute(const struct plan_hour week[PLAN_WEEK_HOURS], const struct plan_target *t,
                      struct plan_redistribution *out)
{
    int rc = week_check(week, t);
    if (rc != 0 || !out)
        return rc != 0 ? rc : CHAT_ERR_BAD_REQUEST;
    memset(out, 0, sizeof(*out));
    if ((rc = week_now_and_plan(week, t, out)) != 0)
        return rc;

    int extra[WEEK] = {0};
    struct margin m[WEEK];
    long left = out->slot_hours;
    for (int h = 0; h < WEEK; h++) {
        out->slots[h] = week[h].may_open ? week[h].min_slots : 0;
        left -= out->slots[h];
        if ((rc = margin_at(&week[h], out->slots[h], t->wait_s, &m[h])) != 0)
            return rc;
    }
    while (left > 0) {
        struct move best = {.hour = -1};
        for (int h = 0; h < WEEK; h++) {
            int h2 = (h + 1) % WEEK;
            if (!week[h].may_open || m[h].full)
                continue;
            if (single_fits(extra, h))
                consider(&best, h, false, m[h].answered, m[h].within);
            if (left >= 2 && week[h2].may_open && !m[h2].full)
                consider(&best, h, true, (m[h].answered + m[h2].answered) / 2,
                         (m[h].within + m[h2].within) / 2);
        }
        if (best.hour < 0)
            break;
        for (int k = 0; k < (best.pair ? 2 : 1); k++) {
            int h = (best.hour + k) % WEEK;
            extra[h]++;
            out->slots[h]++;
            left--;
            if ((rc = margin_at(&week[h], out->slots[h], t->wait_s, &m[h])) != 0)
                return rc;
        }
    }
    out->unplaced = left;
    for (int h = 0; h < WEEK; h++) {
        double share;
        if ((rc = plan_answered_at(&week[h].load, out->slots[h], &share)) != 0)
            return rc;
        out->answered_redistributed += week[h].load.arrivals_per_h * share;
    }
    return 0;
}
