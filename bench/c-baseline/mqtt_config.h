/* The vendor's MQTT demo settings (docs/PROTOCOL.md), fetched by the C baseline. */
#ifndef MQTT_CONFIG_H
#define MQTT_CONFIG_H

#include "config_fetch.h"

struct mqtt_config {
    char broker_host[128 + 1];
    char client_id[34 + 1];
    bool has_client_id;
    uint16_t broker_port;
    char username[128 + 1];
    char password[128 + 1];
    uint16_t root_ca_len;
    uint16_t cert_len;
    uint16_t private_key_len;
    uint8_t root_ca[1536];
    uint8_t cert[1024];
    uint8_t private_key[1536];
};

/*
 * Fetches every setting on a new channel of `network` and, only if all are good, copies them
 * over `live`. Returns CF_OK or an error code, with `err` filled.
 */
int mqtt_config_fetch(MvNetworkHandle network, struct mqtt_config *live, struct cf_error *err);

#endif
