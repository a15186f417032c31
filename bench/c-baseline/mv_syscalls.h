/*
 * The part of Microvisor's system-call header that config fetch uses, restated from
 * docs/PROTOCOL.md (the vendor's stm32u5/mv_syscalls.h, API v0.7.0). Every enum of these
 * calls is 32 bits on the device (the header pins each with a ..._MAX = 0xffffffff member), so
 * they are plain uint32_t here, whatever -fshort-enums says.
 */
#ifndef MV_SYSCALLS_H
#define MV_SYSCALLS_H

#include <stdint.h>

typedef uint32_t MvStatus;
#define MV_STATUS_OKAY 0x00u
#define MV_STATUS_PARAMETERFAULT 0x02u
#define MV_STATUS_INVALIDBUFFERSIZE 0x03u
#define MV_STATUS_INVALIDHANDLE 0x07u
#define MV_STATUS_CHANNELCLOSED 0x0fu
#define MV_STATUS_REQUESTALREADYSENT 0x17u

typedef uint32_t MvNotificationHandle;
typedef uint32_t MvNetworkHandle;
typedef uint32_t MvChannelHandle;

typedef uint32_t MvEventType;
#define MV_EVENTTYPE_NOEVENT 0u
#define MV_EVENTTYPE_CHANNELDATAREADABLE 2u
#define MV_EVENTTYPE_CHANNELNOTCONNECTED 4u

typedef uint32_t MvChannelType;
#define MV_CHANNELTYPE_CONFIGFETCH 3u

typedef uint32_t MvConfigKeyFetchScope;
#define MV_CONFIGKEYFETCHSCOPE_ACCOUNT 0u
#define MV_CONFIGKEYFETCHSCOPE_DEVICE 1u

typedef uint32_t MvConfigKeyFetchStore;
#define MV_CONFIGKEYFETCHSTORE_SECRET 0u
#define MV_CONFIGKEYFETCHSTORE_CONFIG 1u

typedef uint32_t MvConfigFetchResult;
#define MV_CONFIGFETCHRESULT_OK 0u
#define MV_CONFIGFETCHRESULT_RESPONSETOOLARGE 1u

typedef uint32_t MvConfigKeyFetchResult;
#define MV_CONFIGKEYFETCHRESULT_OK 0u
#define MV_CONFIGKEYFETCHRESULT_KEYNOTFOUND 1u
#define MV_CONFIGKEYFETCHRESULT_SERVERERROR 2u

struct MvSizedString {
    const uint8_t *data;
    uint32_t length;
};

struct MvSizedStringBuffer {
    uint8_t *data;
    uint32_t size;
    uint32_t *length;
};

struct MvConfigKeyToFetch {
    MvConfigKeyFetchScope scope;
    MvConfigKeyFetchStore store;
    struct MvSizedString key;
};

struct MvConfigKeyFetchParams {
    uint32_t num_items;
    const struct MvConfigKeyToFetch *keys_to_fetch;
};

struct MvConfigResponseData {
    MvConfigFetchResult result;
    uint32_t num_items;
};

/* The header's order: item_index first (the vendor's web page shows result first). */
struct MvConfigResponseReadItemParams {
    uint32_t item_index;
    MvConfigKeyFetchResult *result;
    struct MvSizedStringBuffer buf;
};

struct MvNotification {
    uint64_t microseconds;
    MvEventType event_type;
    uint32_t tag;
};

struct MvNotificationSetup {
    uint32_t irq;
    struct MvNotification *buffer;
    uint32_t buffer_size;
};

struct MvOpenChannelParams_v1 {
    MvNotificationHandle notification_handle;
    uint32_t notification_tag;
    MvNetworkHandle network_handle;
    uint8_t *receive_buffer;
    uint32_t receive_buffer_len;
    uint8_t *send_buffer;
    uint32_t send_buffer_len;
    MvChannelType channel_type;
    struct MvSizedString endpoint;
};

struct MvOpenChannelParams {
    uint32_t version;
    struct MvOpenChannelParams_v1 v1;
};

MvStatus mvSetupNotifications(const struct MvNotificationSetup *setup,
                              MvNotificationHandle *handle);
MvStatus mvOpenChannel(const struct MvOpenChannelParams *params, MvChannelHandle *handle);
MvStatus mvSendConfigFetchRequest(MvChannelHandle handle,
                                  const struct MvConfigKeyFetchParams *params);
MvStatus mvReadConfigFetchResponseData(MvChannelHandle handle,
                                       struct MvConfigResponseData *data);
MvStatus mvReadConfigResponseItem(MvChannelHandle handle,
                                  const struct MvConfigResponseReadItemParams *params);
MvStatus mvCloseChannel(MvChannelHandle *handle);
MvStatus mvGetMicroseconds(uint64_t *microseconds);

#endif
