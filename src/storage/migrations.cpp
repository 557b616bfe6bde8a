#include "storage/migrations.hpp"

#include <array>
#include <string>

namespace tether::storage {

namespace {

// Append only: never edit a step that has shipped; add a new one.
constexpr std::array all_migrations{
    migration{1, R"sql(
      CREATE TABLE mqtt_sessions (
        realm TEXT NOT NULL, client_id TEXT NOT NULL,
        PRIMARY KEY (realm, client_id)) WITHOUT ROWID;
      CREATE TABLE mqtt_subscriptions (
        realm TEXT NOT NULL, client_id TEXT NOT NULL, filter TEXT NOT NULL, qos INTEGER NOT NULL,
        PRIMARY KEY (realm, client_id, filter)) WITHOUT ROWID;
      CREATE TABLE mqtt_queue (
        realm TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER NOT NULL,
        topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL,
        released INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (realm, client_id, seq)) WITHOUT ROWID;
      CREATE TABLE mqtt_retained (
        realm TEXT NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL,
        PRIMARY KEY (realm, topic)) WITHOUT ROWID;
    )sql"},
    // Registry (src/registry): gateways, applications, end devices, API keys (hashed secrets), and a
    // version counter bumped in the same transaction as every registry write, which running servers poll.
    migration{2, R"sql(
      CREATE TABLE registry_version (
        id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
      INSERT INTO registry_version (id, version) VALUES (1, 0);
      CREATE TABLE gateways (
        gateway_id TEXT PRIMARY KEY, eui BLOB UNIQUE, frequency_plan_id TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        latitude TEXT, longitude TEXT, altitude TEXT,
        created_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE applications (
        application_id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE end_devices (
        application_id TEXT NOT NULL REFERENCES applications (application_id) ON DELETE CASCADE,
        device_id TEXT NOT NULL,
        activation TEXT NOT NULL CHECK (activation IN ('OTAA', 'ABP')),
        dev_eui BLOB, join_eui BLOB, app_key BLOB, dev_addr BLOB, nwk_s_key BLOB, app_s_key BLOB,
        lorawan_version TEXT NOT NULL, device_class TEXT NOT NULL CHECK (device_class IN ('A', 'C')),
        frequency_plan_id TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        PRIMARY KEY (application_id, device_id)) WITHOUT ROWID;
      CREATE UNIQUE INDEX end_devices_join_eui_dev_eui ON end_devices (join_eui, dev_eui) WHERE join_eui IS NOT NULL;
      CREATE INDEX end_devices_dev_addr ON end_devices (dev_addr) WHERE dev_addr IS NOT NULL;
      CREATE TABLE api_keys (
        key_id TEXT PRIMARY KEY,
        gateway_id TEXT REFERENCES gateways (gateway_id) ON DELETE CASCADE,
        application_id TEXT REFERENCES applications (application_id) ON DELETE CASCADE,
        secret_hash BLOB NOT NULL, rights TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        CHECK ((gateway_id IS NULL) <> (application_id IS NULL))) WITHOUT ROWID;
      CREATE INDEX api_keys_gateway ON api_keys (gateway_id) WHERE gateway_id IS NOT NULL;
      CREATE INDEX api_keys_application ON api_keys (application_id) WHERE application_id IS NOT NULL;
    )sql"},
    // Device sessions (network core state per device: join nonces, keys, DevAddr, frame counters, MAC
    // state) in the versioned `state` format of storage/device_session_codec.hpp. dev_addr repeats the
    // active session's DevAddr for lookups; NULL until the device has a session.
    migration{3, R"sql(
      CREATE TABLE device_sessions (
        application_id TEXT NOT NULL, device_id TEXT NOT NULL,
        dev_addr BLOB, state BLOB NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (application_id, device_id)) WITHOUT ROWID;
      CREATE INDEX device_sessions_dev_addr ON device_sessions (dev_addr) WHERE dev_addr IS NOT NULL;
    )sql"},
    // Downlink queues: one row per queued downlink, ordered per device by priority then arrival.
    migration{4, R"sql(
      CREATE TABLE downlink_queue (
        application_id TEXT NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
        priority INTEGER NOT NULL, item BLOB NOT NULL,
        PRIMARY KEY (application_id, device_id, seq)) WITHOUT ROWID;
    )sql"},
    // The append-only event log (replayed to outbound connectors), trimmed by age and count.
    // AUTOINCREMENT: a seq is never reused, even after trimming emptied the log.
    migration{5, R"sql(
      CREATE TABLE event_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, at INTEGER NOT NULL,
        payload BLOB NOT NULL);
      CREATE INDEX event_log_stream ON event_log (stream, seq);
      CREATE INDEX event_log_at ON event_log (at);
    )sql"},
    // What a running server knows of each gateway's connection (status, counters), for
    // `tether gateway show`.
    migration{6, R"sql(
      CREATE TABLE gateway_state (
        gateway_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
    )sql"},
    // Queued and retained MQTT messages get a rowid: a WITHOUT ROWID row keeps at most ~1,000 bytes in
    // its B-tree page and spills the rest to a 4 KiB overflow page of its own, so messages just over
    // 1 KiB cost a page each (persisted QoS 1 fell from 49,000 to 12,800 messages/s). The key stays as
    // a unique index; rows are copied as they are.
    migration{7, R"sql(
      CREATE TABLE mqtt_queue_rowid (
        realm TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER NOT NULL,
        topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL,
        released INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (realm, client_id, seq));
      INSERT INTO mqtt_queue_rowid (realm, client_id, seq, topic, payload, qos, retain, released)
        SELECT realm, client_id, seq, topic, payload, qos, retain, released FROM mqtt_queue;
      DROP TABLE mqtt_queue;
      ALTER TABLE mqtt_queue_rowid RENAME TO mqtt_queue;
      CREATE TABLE mqtt_retained_rowid (
        realm TEXT NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL,
        PRIMARY KEY (realm, topic));
      INSERT INTO mqtt_retained_rowid (realm, topic, payload, qos)
        SELECT realm, topic, payload, qos FROM mqtt_retained;
      DROP TABLE mqtt_retained;
      ALTER TABLE mqtt_retained_rowid RENAME TO mqtt_retained;
    )sql"},
    // The event log numbers each stream's entries 1, 2, 3, ... (stream_seq): a reader resuming after
    // number n knows that n + 1 comes next, so an entry trimmed before it was read shows as a gap.
    // event_streams remembers each stream's last number (written with the entries), so numbers go on
    // even when retention emptied a stream. event_cursors: where each named reader stands in each
    // stream (storage/cursor_store). Entries logged before this step are numbered in seq order.
    // Trimming by age walks the oldest rows (seq order, in which append times grow), so the `at`
    // index goes: one B-tree fewer per append.
    migration{8, R"sql(
      ALTER TABLE event_log ADD COLUMN stream_seq INTEGER NOT NULL DEFAULT 0;
      UPDATE event_log SET stream_seq =
        (SELECT count(*) FROM event_log AS e WHERE e.stream = event_log.stream AND e.seq <= event_log.seq);
      DROP INDEX event_log_stream;
      DROP INDEX event_log_at;
      CREATE UNIQUE INDEX event_log_stream_seq ON event_log (stream, stream_seq);
      CREATE TABLE event_streams (
        stream TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO event_streams (stream, last_seq)
        SELECT stream, max(stream_seq) FROM event_log GROUP BY stream;
      CREATE TABLE event_cursors (
        reader TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (reader, stream)) WITHOUT ROWID;
    )sql"},
    // The IoT platform registry (src/iotp/registry_*): organizations, device types, devices and gateways
    // (auth tokens as salt || SHA-256(salt || token)), resource groups with their members and the
    // gateways that act for them, and applications' API keys. How each device was registered, and what a
    // running server last saw of its connection (written behind, without bumping the registry version).
    migration{9, R"sql(
      CREATE TABLE iot_orgs (
        org_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE iot_types (
        org_id TEXT NOT NULL REFERENCES iot_orgs (org_id) ON DELETE CASCADE,
        type_id TEXT NOT NULL, class TEXT NOT NULL CHECK (class IN ('device', 'gateway')),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (org_id, type_id)) WITHOUT ROWID;
      CREATE TABLE iot_devices (
        org_id TEXT NOT NULL, type_id TEXT NOT NULL, device_id TEXT NOT NULL,
        token_hash BLOB NOT NULL,
        role TEXT CHECK (role IN ('standard', 'privileged')),
        registered_via TEXT NOT NULL CHECK (registered_via IN ('cli', 'api', 'gateway')),
        registered_by TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        connected INTEGER NOT NULL DEFAULT 0, last_connect_at INTEGER, last_disconnect_at INTEGER,
        last_location TEXT,
        PRIMARY KEY (org_id, type_id, device_id),
        FOREIGN KEY (org_id, type_id) REFERENCES iot_types (org_id, type_id) ON DELETE CASCADE) WITHOUT ROWID;
      CREATE TABLE iot_groups (
        org_id TEXT NOT NULL REFERENCES iot_orgs (org_id) ON DELETE CASCADE,
        group_id TEXT NOT NULL,
        gateway_type TEXT, gateway_id TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (org_id, group_id),
        FOREIGN KEY (org_id, gateway_type, gateway_id)
          REFERENCES iot_devices (org_id, type_id, device_id) ON DELETE CASCADE) WITHOUT ROWID;
      CREATE TABLE iot_group_members (
        org_id TEXT NOT NULL, group_id TEXT NOT NULL, type_id TEXT NOT NULL, device_id TEXT NOT NULL,
        PRIMARY KEY (org_id, group_id, type_id, device_id),
        FOREIGN KEY (org_id, group_id) REFERENCES iot_groups (org_id, group_id) ON DELETE CASCADE,
        FOREIGN KEY (org_id, type_id, device_id)
          REFERENCES iot_devices (org_id, type_id, device_id) ON DELETE CASCADE) WITHOUT ROWID;
      CREATE INDEX iot_group_members_device ON iot_group_members (org_id, type_id, device_id);
      CREATE TABLE iot_gateway_groups (
        org_id TEXT NOT NULL, gateway_type TEXT NOT NULL, gateway_id TEXT NOT NULL,
        group_id TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (org_id, gateway_type, gateway_id, group_id),
        FOREIGN KEY (org_id, group_id) REFERENCES iot_groups (org_id, group_id) ON DELETE CASCADE,
        FOREIGN KEY (org_id, gateway_type, gateway_id)
          REFERENCES iot_devices (org_id, type_id, device_id) ON DELETE CASCADE) WITHOUT ROWID;
      CREATE INDEX iot_gateway_groups_group ON iot_gateway_groups (org_id, group_id);
      CREATE TABLE iot_api_keys (
        api_key TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES iot_orgs (org_id) ON DELETE CASCADE,
        token_hash BLOB NOT NULL, role TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX iot_api_keys_org ON iot_api_keys (org_id);
    )sql"},
    // Admin API keys (registry/key_store with entity_kind::admin): keys of the HTTP admin API, owned by
    // no gateway or application, so they live apart from api_keys and its one-owner CHECK.
    migration{10, R"sql(
      CREATE TABLE admin_keys (
        key_id TEXT PRIMARY KEY, secret_hash BLOB NOT NULL, rights TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL) WITHOUT ROWID;
    )sql"},
    // Outbound MQTT connectors (application/connector/connector_store): where an application's events are
    // published, in the Everynet Data API. Deleted with their application. Writes bump registry_version.
    migration{11, R"sql(
      CREATE TABLE connectors (
        application_id TEXT NOT NULL REFERENCES applications (application_id) ON DELETE CASCADE,
        name TEXT NOT NULL, uri TEXT NOT NULL, topic_up TEXT NOT NULL, topic_down TEXT NOT NULL DEFAULT '',
        types TEXT NOT NULL, ca_file TEXT NOT NULL DEFAULT '', client_id TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        PRIMARY KEY (application_id, name)) WITHOUT ROWID;
    )sql"},
};

}  // namespace

std::span<const migration> schema_migrations() { return all_migrations; }

int schema_version(database& db) {
  auto s = db.prepare("PRAGMA user_version");
  s.step();
  return static_cast<int>(s.column_int(0));
}

void migrate(database& db, std::span<const migration> steps) {
  const int current = schema_version(db);
  const int known = steps.empty() ? 0 : steps.back().version;
  if (current > known) {
    throw storage_error("the database has schema version " + std::to_string(current) +
                        " but this tether knows only " + std::to_string(known) + ": upgrade tether");
  }
  for (const auto& step : steps) {
    if (step.version <= current) continue;
    transaction t(db);
    db.exec(step.sql);
    db.exec("PRAGMA user_version = " + std::to_string(step.version));
    t.commit();
  }
}

}  // namespace tether::storage
