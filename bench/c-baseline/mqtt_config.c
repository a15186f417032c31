/* The MQTT demo's schema as two const tables for the core in config_fetch.c. */
#include "mqtt_config.h"

#include <string.h>

#define KEY(scope, store, text)                                                                    \
    {MV_CONFIGKEYFETCHSCOPE_##scope, MV_CONFIGKEYFETCHSTORE_##store,                               \
     {(const uint8_t *)(text), sizeof(text) - 1}}

static const struct MvConfigKeyToFetch mqtt_keys[] = {
    KEY(DEVICE, CONFIG, "broker-host"),
    KEY(DEVICE, CONFIG, "broker-port"),
    KEY(DEVICE, CONFIG, "client-id"),
    KEY(DEVICE, CONFIG, "root-CA"),
    KEY(DEVICE, CONFIG, "cert"),
    KEY(DEVICE, SECRET, "private_key"),
    KEY(DEVICE, CONFIG, "username"),
    KEY(DEVICE, SECRET, "password"),
};

#define AT(member) ((uint16_t)offsetof(struct mqtt_config, member))
#define TEXT_LEN(member) ((uint16_t)(sizeof(((struct mqtt_config *)0)->member) - 1))
#define HEX_LEN(member) ((uint16_t)(2 * sizeof(((struct mqtt_config *)0)->member)))

static const struct cf_field mqtt_fields[] = {
    {AT(broker_host), 0, TEXT_LEN(broker_host), CF_TEXT, 0},
    {AT(broker_port), 0, 5, CF_U16, 0},
    {AT(client_id), AT(has_client_id), TEXT_LEN(client_id), CF_TEXT, CF_OPTIONAL},
    {AT(root_ca), AT(root_ca_len), HEX_LEN(root_ca), CF_HEX, 0},
    {AT(cert), AT(cert_len), HEX_LEN(cert), CF_HEX, 0},
    {AT(private_key), AT(private_key_len), HEX_LEN(private_key), CF_HEX, CF_SECRET},
    {AT(username), 0, TEXT_LEN(username), CF_TEXT, 0},
    {AT(password), 0, TEXT_LEN(password), CF_TEXT, CF_SECRET},
};

_Static_assert(sizeof mqtt_keys / sizeof mqtt_keys[0] == sizeof mqtt_fields / sizeof mqtt_fields[0],
               "one field per key");

static const struct cf_schema mqtt_schema = {
    .keys = mqtt_keys,
    .fields = mqtt_fields,
    .count = sizeof mqtt_keys / sizeof mqtt_keys[0],
    .size = sizeof(struct mqtt_config),
};

/* The longest value text accepted: the hex of the 1536-byte root CA and private key. */
#define MQTT_LONGEST_TEXT 3072u

/* Too big for the stack: one static staging copy, as the live settings are. */
static struct mqtt_config mqtt_staging;

int mqtt_config_fetch(MvNetworkHandle network, struct mqtt_config *live, struct cf_error *err)
{
    uint8_t buf[MQTT_LONGEST_TEXT + 1]; /* +1: the byte that tells a cut value */
    int rc = cf_fetch(&mqtt_schema, network, &mqtt_staging, buf, err);
    if (rc == CF_OK) {
        memcpy(live, &mqtt_staging, sizeof *live);
    }
    return rc;
}
