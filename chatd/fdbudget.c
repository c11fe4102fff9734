/* fdbudget: see fdbudget.h. */
#include "fdbudget.h"

struct fdbudget fdbudget_of(long nofile, long max_conns_per_source)
{
    struct fdbudget b = {nofile - FDBUDGET_RESERVE, 0, 0};
    if (max_conns_per_source <= 0 || b.conns < FDBUDGET_MIN_CONNS)
        return b;
    long share = b.conns / FDBUDGET_SOURCE_SHARE; /* config: max_conns_per_source <= 10^6 */
    b.tcp_per_source = 2 * max_conns_per_source < share ? 2 * max_conns_per_source : share;
    b.ws_per_source =
        max_conns_per_source < b.tcp_per_source ? max_conns_per_source : b.tcp_per_source;
    return b;
}
