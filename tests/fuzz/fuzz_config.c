/* fuzz_config: libFuzzer harness for the INI config parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct config *cfg = NULL;
    FILE *devnull = fopen("/dev/null", "w");
    if (!text || !devnull)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    if (config_load_text("fuzz.ini", text, 0, &cfg, devnull) == 0 && cfg->ntopics == 0)
        abort(); /* a config without topics must be refused */
    config_free(cfg);
    fclose(devnull);
    free(text);
    return 0;
}
