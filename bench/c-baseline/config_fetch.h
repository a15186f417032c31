/*
 * A table-driven config fetch in C, as a careful engineer would write it after the vendor's
 * MQTT demo: one batched request for every key, one wait on the notification interrupt with a
 * timeout, one read per item in request order into a stack buffer one byte longer than the
 * longest accepted value (a value that reaches that byte may have been cut, and is refused),
 * strict parsing (decimal digits only with a range check, hex of even length with hex digits
 * only, text without NUL bytes), everything into a staging struct that is copied over the live
 * one only when every item is good. The channel is closed on every path; the read buffer is
 * wiped when it held a secret, and the staging struct on failure.
 *
 * The one core (config_fetch.c) serves any schema through two const tables: the request (the
 * vendor's MvConfigKeyToFetch array) and one cf_field per key saying where its value goes and
 * how to check it.
 */
#ifndef CONFIG_FETCH_H
#define CONFIG_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_syscalls.h"

/* The channel tag of config fetch, and the interrupt its notifications pend. */
#define CF_TAG 2u
#define CF_IRQ 52u
/* How long a fetch waits for the response, in microseconds. */
#define CF_TIMEOUT_US 10000000u

/* How a value's text is checked and stored. */
enum cf_kind {
    CF_TEXT, /* char[max_len + 1], NUL-terminated; no NUL inside */
    CF_HEX,  /* uint8_t[max_len / 2], length in the uint16_t at `aux` */
    CF_U8,   /* strict decimal, no sign */
    CF_U16,
    CF_U32,
    CF_I16, /* strict decimal, optional '-' or '+' */
    CF_I32,
};

/* cf_field.flags */
#define CF_OPTIONAL 0x01u /* a missing key is fine: the bool at `aux` says present or not */
#define CF_SECRET 0x02u   /* from the secret store: wipe the read buffer afterwards */

struct cf_field {
    uint16_t offset;  /* of the value in the staging struct */
    uint16_t aux;     /* CF_HEX: offset of the length; CF_OPTIONAL: offset of the flag */
    uint16_t max_len; /* longest text accepted, in bytes */
    uint8_t kind;     /* enum cf_kind */
    uint8_t flags;
};

struct cf_schema {
    const struct MvConfigKeyToFetch *keys;
    const struct cf_field *fields;
    uint32_t count;
    uint32_t size; /* of the settings struct */
};

/* What went wrong, and where. */
enum cf_error_code {
    CF_OK = 0,
    CF_E_OPEN,           /* mvOpenChannel failed: status */
    CF_E_SEND,           /* mvSendConfigFetchRequest failed: status */
    CF_E_TIMEOUT,        /* no response in CF_TIMEOUT_US */
    CF_E_CLOSED,         /* the channel closed before the response */
    CF_E_CLOCK,          /* mvGetMicroseconds failed: status */
    CF_E_RESPONSE,       /* mvReadConfigFetchResponseData failed: status */
    CF_E_TOO_LARGE,      /* RESPONSETOOLARGE */
    CF_E_RESULT,         /* an unknown overall result: status holds it */
    CF_E_COUNT,          /* the response has `status` items, not one per key */
    CF_E_READ,           /* mvReadConfigResponseItem failed: status, index */
    CF_E_NOT_FOUND,      /* a required key is missing: index */
    CF_E_SERVER,         /* SERVERERROR: index */
    CF_E_ITEM_RESULT,    /* an unknown item result: status holds it, index */
    CF_E_TOO_LONG,       /* the value reached the truncation byte: status holds the length */
    CF_E_INVALID,        /* the text is not valid for the field: index */
};

struct cf_error {
    uint32_t code;   /* enum cf_error_code */
    uint32_t index;  /* the item, for item errors */
    uint32_t status; /* the Microvisor status or the number that goes with the code */
};

/* Registers the notification buffer for CF_IRQ (mvSetupNotifications). */
MvStatus cf_notifications_setup(void);

/* The interrupt handler of CF_IRQ: records which channel tags have data or closed. */
void cf_notification_isr(void);

/*
 * Fetches `schema` on a new channel of `network` into `staging` (schema->size bytes), reading
 * through `buf` (at least the longest max_len + 1 bytes). Returns CF_OK, or the error code
 * with `err` filled. The channel is closed on every path; `staging` is wiped on failure.
 */
int cf_fetch(const struct cf_schema *schema, MvNetworkHandle network, void *staging,
             uint8_t *buf, struct cf_error *err);

#endif
