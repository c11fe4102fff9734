/* fuzz_proto: libFuzzer harness for the wire decoder, for all three roles.
 * Any input must decode or be refused without a crash, leak or UB. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int role = PROTO_VISITOR; role <= PROTO_STATUS; role++) {
        struct proto_req r;
        int rc =
            proto_decode(&proto_langs_base, (enum proto_role)role, (const char *)data, size, &r);
        if (rc == 0 && r.type == PT_MSG && proto_utf8_len(r.text) > PROTO_TEXT_MAX)
            abort(); /* the decoder let an over-long message through */
        free(proto_error(rc ? rc : CHAT_ERR_BAD_STATE, r.ref, NULL));
        proto_req_fini(&r);
    }
    return 0;
}
