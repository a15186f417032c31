/* The table-driven core of the C baseline: see config_fetch.h. */
#include "config_fetch.h"

#include <string.h>

/* Notification records: 16 bytes each, 8-byte aligned, as the vendor's demos have them. */
#define CF_RECORDS 8u
static volatile struct MvNotification cf_records[CF_RECORDS] __attribute__((aligned(8)));
static uint32_t cf_next_record;
static MvNotificationHandle cf_notification_handle;
/* One bit per channel tag, set by the interrupt, cleared when a channel opens. */
static volatile uint32_t cf_readable;
static volatile uint32_t cf_not_connected;

/* The channel's buffers: 512-byte aligned, sizes a multiple of 512, as in the vendor's demos. */
static uint8_t cf_send_buffer[4096] __attribute__((aligned(512)));
static uint8_t cf_receive_buffer[7168] __attribute__((aligned(512)));

MvStatus cf_notifications_setup(void)
{
    struct MvNotificationSetup setup = {
        .irq = CF_IRQ,
        .buffer = (struct MvNotification *)cf_records,
        .buffer_size = sizeof cf_records,
    };
    return mvSetupNotifications(&setup, &cf_notification_handle);
}

void cf_notification_isr(void)
{
    for (uint32_t i = 0; i < CF_RECORDS; i++) {
        volatile struct MvNotification *record = &cf_records[cf_next_record];
        MvEventType type = record->event_type;
        if (type == MV_EVENTTYPE_NOEVENT) {
            break;
        }
        uint32_t bit = 1u << (record->tag & 31u);
        if (type == MV_EVENTTYPE_CHANNELDATAREADABLE) {
            cf_readable |= bit;
        } else if (type == MV_EVENTTYPE_CHANNELNOTCONNECTED) {
            cf_not_connected |= bit;
        }
        record->event_type = MV_EVENTTYPE_NOEVENT;
        cf_next_record = (cf_next_record + 1u) % CF_RECORDS;
    }
}

static int cf_fail(struct cf_error *err, uint32_t code, uint32_t index, uint32_t status)
{
    err->code = code;
    err->index = index;
    err->status = status;
    return (int)code;
}

/* Zeroes bytes in a way the compiler may not drop. */
static void cf_wipe(void *p, size_t n)
{
    volatile uint8_t *b = p;
    while (n--) {
        *b++ = 0;
    }
}

static int cf_hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20; /* fold A-F onto a-f */
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Strict unsigned decimal no greater than max. */
static bool cf_parse_unsigned(const uint8_t *text, uint32_t len, uint32_t max, uint32_t *out)
{
    uint32_t value = 0;
    if (len == 0) {
        return false;
    }
    for (uint32_t i = 0; i < len; i++) {
        uint32_t digit = (uint32_t)text[i] - '0';
        if (digit > 9u || value > (max - digit) / 10u) {
            return false;
        }
        value = value * 10u + digit;
    }
    *out = value;
    return true;
}

/* Checks one value's text and stores it in the staging struct. */
static bool cf_store(const struct cf_field *f, const uint8_t *text, uint32_t len, uint8_t *staging)
{
    uint8_t *dst = staging + f->offset;
    switch (f->kind) {
    case CF_TEXT:
        for (uint32_t i = 0; i < len; i++) {
            if (text[i] == 0) {
                return false;
            }
        }
        memcpy(dst, text, len);
        dst[len] = 0;
        return true;
    case CF_HEX: {
        if (len % 2u != 0) {
            return false;
        }
        for (uint32_t i = 0; i < len; i += 2) {
            int high = cf_hex_digit(text[i]);
            int low = cf_hex_digit(text[i + 1]);
            if (high < 0 || low < 0) {
                return false;
            }
            dst[i / 2] = (uint8_t)(high << 4 | low);
        }
        uint16_t n = (uint16_t)(len / 2);
        memcpy(staging + f->aux, &n, sizeof n);
        return true;
    }
    case CF_U8:
    case CF_U16:
    case CF_U32: {
        static const uint32_t max[] = {UINT8_MAX, UINT16_MAX, UINT32_MAX};
        uint32_t v;
        if (!cf_parse_unsigned(text, len, max[f->kind - CF_U8], &v)) {
            return false;
        }
        if (f->kind == CF_U8) {
            *dst = (uint8_t)v;
        } else if (f->kind == CF_U16) {
            uint16_t v16 = (uint16_t)v;
            memcpy(dst, &v16, sizeof v16);
        } else {
            memcpy(dst, &v, sizeof v);
        }
        return true;
    }
    case CF_I16:
    case CF_I32: {
        bool negative = len > 0 && text[0] == '-';
        uint32_t skip = (len > 0 && (text[0] == '-' || text[0] == '+')) ? 1u : 0u;
        uint32_t limit = f->kind == CF_I16 ? (uint32_t)INT16_MAX : (uint32_t)INT32_MAX;
        uint32_t magnitude;
        if (!cf_parse_unsigned(text + skip, len - skip, limit + (negative ? 1u : 0u), &magnitude)) {
            return false;
        }
        int32_t v = negative ? (int32_t)(0u - magnitude) : (int32_t)magnitude;
        if (f->kind == CF_I16) {
            int16_t v16 = (int16_t)v;
            memcpy(dst, &v16, sizeof v16);
        } else {
            memcpy(dst, &v, sizeof v);
        }
        return true;
    }
    default:
        return false;
    }
}

/* Waits for the channel's CHANNELDATAREADABLE, within CF_TIMEOUT_US. */
static int cf_wait(struct cf_error *err)
{
    uint64_t start;
    uint64_t now;
    MvStatus status = mvGetMicroseconds(&start);
    if (status != MV_STATUS_OKAY) {
        return cf_fail(err, CF_E_CLOCK, 0, status);
    }
    for (;;) {
        if (cf_readable & (1u << CF_TAG)) {
            return CF_OK;
        }
        if (cf_not_connected & (1u << CF_TAG)) {
            return cf_fail(err, CF_E_CLOSED, 0, 0);
        }
        status = mvGetMicroseconds(&now);
        if (status != MV_STATUS_OKAY) {
            return cf_fail(err, CF_E_CLOCK, 0, status);
        }
        if (now - start >= CF_TIMEOUT_US) {
            return cf_fail(err, CF_E_TIMEOUT, 0, 0);
        }
    }
}

/* Everything between opening and closing the channel. */
static int cf_exchange(const struct cf_schema *schema, MvChannelHandle channel, uint8_t *staging,
                       uint8_t *buf, uint32_t *secret_extent, struct cf_error *err)
{
    struct MvConfigKeyFetchParams request = {
        .num_items = schema->count,
        .keys_to_fetch = schema->keys,
    };
    MvStatus status = mvSendConfigFetchRequest(channel, &request);
    if (status != MV_STATUS_OKAY) {
        return cf_fail(err, CF_E_SEND, 0, status);
    }
    int rc = cf_wait(err);
    if (rc != CF_OK) {
        return rc;
    }
    struct MvConfigResponseData response;
    status = mvReadConfigFetchResponseData(channel, &response);
    if (status != MV_STATUS_OKAY) {
        return cf_fail(err, CF_E_RESPONSE, 0, status);
    }
    if (response.result == MV_CONFIGFETCHRESULT_RESPONSETOOLARGE) {
        return cf_fail(err, CF_E_TOO_LARGE, 0, 0);
    }
    if (response.result != MV_CONFIGFETCHRESULT_OK) {
        return cf_fail(err, CF_E_RESULT, 0, response.result);
    }
    if (response.num_items != schema->count) {
        return cf_fail(err, CF_E_COUNT, 0, response.num_items);
    }
    for (uint32_t i = 0; i < schema->count; i++) {
        const struct cf_field *f = &schema->fields[i];
        uint32_t offered = f->max_len + 1u; /* the extra byte tells a cut value */
        MvConfigKeyFetchResult result = 0xffffffffu;
        uint32_t len = 0;
        struct MvConfigResponseReadItemParams item = {
            .item_index = i,
            .result = &result,
            .buf = {.data = buf, .size = offered, .length = &len},
        };
        if ((f->flags & CF_SECRET) && offered > *secret_extent) {
            *secret_extent = offered;
        }
        status = mvReadConfigResponseItem(channel, &item);
        if (status != MV_STATUS_OKAY) {
            return cf_fail(err, CF_E_READ, i, status);
        }
        if (result == MV_CONFIGKEYFETCHRESULT_KEYNOTFOUND && (f->flags & CF_OPTIONAL)) {
            staging[f->aux] = false;
            continue;
        }
        if (result == MV_CONFIGKEYFETCHRESULT_KEYNOTFOUND) {
            return cf_fail(err, CF_E_NOT_FOUND, i, 0);
        }
        if (result == MV_CONFIGKEYFETCHRESULT_SERVERERROR) {
            return cf_fail(err, CF_E_SERVER, i, 0);
        }
        if (result != MV_CONFIGKEYFETCHRESULT_OK) {
            return cf_fail(err, CF_E_ITEM_RESULT, i, result);
        }
        if (len >= offered) {
            return cf_fail(err, CF_E_TOO_LONG, i, len);
        }
        if (!cf_store(f, buf, len, staging)) {
            return cf_fail(err, CF_E_INVALID, i, 0);
        }
        if (f->flags & CF_OPTIONAL) {
            staging[f->aux] = true;
        }
    }
    return CF_OK;
}

int cf_fetch(const struct cf_schema *schema, MvNetworkHandle network, void *staging,
             uint8_t *buf, struct cf_error *err)
{
    struct MvOpenChannelParams params = {
        .version = 1,
        .v1 = {
            .notification_handle = cf_notification_handle,
            .notification_tag = CF_TAG,
            .network_handle = network,
            .receive_buffer = cf_receive_buffer,
            .receive_buffer_len = sizeof cf_receive_buffer,
            .send_buffer = cf_send_buffer,
            .send_buffer_len = sizeof cf_send_buffer,
            .channel_type = MV_CHANNELTYPE_CONFIGFETCH,
            .endpoint = {.data = (const uint8_t *)"", .length = 0},
        },
    };
    MvChannelHandle channel = 0;
    uint32_t secret_extent = 0;
    /* Cleared before the request leaves, so the response's event cannot be lost. */
    cf_readable &= ~(1u << CF_TAG);
    cf_not_connected &= ~(1u << CF_TAG);
    MvStatus status = mvOpenChannel(&params, &channel);
    if (status != MV_STATUS_OKAY) {
        return cf_fail(err, CF_E_OPEN, 0, status);
    }
    int rc = cf_exchange(schema, channel, staging, buf, &secret_extent, err);
    (void)mvCloseChannel(&channel);
    cf_wipe(buf, secret_extent);
    if (rc != CF_OK) {
        cf_wipe(staging, schema->size);
    }
    return rc;
}
