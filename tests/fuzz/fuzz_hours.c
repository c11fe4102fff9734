/* fuzz_hours: libFuzzer harness for the opening-hours grammar and its
 * evaluation: parse as hours/closed/extra, then ask every question once. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int tz_set;
    char text[256], err[160];
    struct schedule s;
    if (!tz_set) {
        setenv("TZ", "Europe/Helsinki", 1);
        tz_set = 1;
    }
    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    schedule_init(&s);
    int ok = schedule_parse_hours(&s, text, err, sizeof(err)) == 0;
    schedule_parse_closed(&s, text, err, sizeof(err));
    schedule_parse_extra(&s, text, err, sizeof(err));
    if (ok) {
        time_t now = 1795420800; /* 2026-11-23 10:00 +02:00 */
        time_t next = schedule_next_open(&s, now), closes = schedule_closes_at(&s, now);
        if (schedule_is_open(&s, now) ? next != -1 : closes != -1)
            abort(); /* next_open only when closed, closes_at only when open */
        if (schedule_open_seconds(&s, now, now + 86400) > 86400)
            abort();
    }
    return 0;
}
