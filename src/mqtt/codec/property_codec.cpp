// MQTT 5 property lists (section 2.2.2): one table row per identifier with its wire type, the member
// that holds it and the packets that may carry it (Table 2-4).

#include "mqtt/codec/property_codec.hpp"

#include "mqtt/codec/byte_writer.hpp"
#include "mqtt/codec/topic.hpp"

#include <array>

namespace tether::mqtt::codec::detail {
namespace {

using pc = property_context;
using ps = property_set;

constexpr std::uint16_t in(std::initializer_list<pc> contexts) {
  std::uint16_t mask = 0;
  for (const auto c : contexts) mask = static_cast<std::uint16_t>(mask | (1u << static_cast<unsigned>(c)));
  return mask;
}

constexpr std::uint16_t message = in({pc::will, pc::publish, pc::publish_from_server});
constexpr std::uint16_t publish_only = in({pc::publish, pc::publish_from_server});
constexpr std::uint16_t with_reason_string =
    in({pc::connack, pc::ack, pc::suback, pc::unsuback, pc::disconnect, pc::auth});
constexpr std::uint16_t everywhere = 0xFFFF;

template <class T>
struct row {
  property_id id;
  std::optional<T> ps::*member;
  std::uint16_t allowed;
};

// Every byte property is a flag: 0 or 1, anything else a protocol error
// (sections 3.1.2.11, 3.2.2.3, 3.3.2.3).
constexpr std::array<row<std::uint8_t>, 8> byte_rows{{
    {property_id::payload_format_indicator, &ps::payload_format_indicator, message},
    {property_id::request_problem_information, &ps::request_problem_information, in({pc::connect})},
    {property_id::request_response_information, &ps::request_response_information, in({pc::connect})},
    {property_id::maximum_qos, &ps::maximum_qos, in({pc::connack})},
    {property_id::retain_available, &ps::retain_available, in({pc::connack})},
    {property_id::wildcard_subscription_available, &ps::wildcard_subscription_available, in({pc::connack})},
    {property_id::subscription_identifier_available, &ps::subscription_identifier_available,
     in({pc::connack})},
    {property_id::shared_subscription_available, &ps::shared_subscription_available, in({pc::connack})},
}};

constexpr std::array<row<std::uint16_t>, 4> two_byte_rows{{
    {property_id::server_keep_alive, &ps::server_keep_alive, in({pc::connack})},
    {property_id::receive_maximum, &ps::receive_maximum, in({pc::connect, pc::connack})},
    {property_id::topic_alias_maximum, &ps::topic_alias_maximum, in({pc::connect, pc::connack})},
    {property_id::topic_alias, &ps::topic_alias, publish_only},
}};

constexpr std::array<row<std::uint32_t>, 4> four_byte_rows{{
    {property_id::message_expiry_interval, &ps::message_expiry_interval, message},
    {property_id::session_expiry_interval, &ps::session_expiry_interval,
     in({pc::connect, pc::connack, pc::disconnect})},
    {property_id::will_delay_interval, &ps::will_delay_interval, in({pc::will})},
    {property_id::maximum_packet_size, &ps::maximum_packet_size, in({pc::connect, pc::connack})},
}};

// UTF-8 strings and binary data share the member type; `utf8` says which.
struct string_row {
  property_id id;
  std::optional<std::string> ps::*member;
  std::uint16_t allowed;
  bool utf8;
};
constexpr std::array<string_row, 9> string_rows{{
    {property_id::content_type, &ps::content_type, message, true},
    {property_id::response_topic, &ps::response_topic, message, true},
    {property_id::correlation_data, &ps::correlation_data, message, false},
    {property_id::assigned_client_identifier, &ps::assigned_client_identifier, in({pc::connack}), true},
    {property_id::authentication_method, &ps::authentication_method, in({pc::connect, pc::connack, pc::auth}),
     true},
    {property_id::authentication_data, &ps::authentication_data, in({pc::connect, pc::connack, pc::auth}),
     false},
    {property_id::response_information, &ps::response_information, in({pc::connack}), true},
    {property_id::server_reference, &ps::server_reference, in({pc::connack, pc::disconnect}), true},
    {property_id::reason_string, &ps::reason_string, with_reason_string, true},
}};

constexpr std::uint16_t subscription_id_allowed = in({pc::publish, pc::publish_from_server, pc::subscribe});

template <class Rows>
auto find_row(const Rows& rows, std::uint8_t id) noexcept -> const typename Rows::value_type* {
  for (const auto& r : rows) {
    if (static_cast<std::uint8_t>(r.id) == id) return &r;
  }
  return nullptr;
}

bool allowed(std::uint16_t mask, pc where) noexcept { return (mask >> static_cast<unsigned>(where)) & 1u; }

template <class T>
boost::system::error_code store(std::optional<T>& slot, T value) {
  if (slot) return codec_error::duplicate_property;
  slot = std::move(value);
  return {};
}

// Reads one integer property (byte, two-byte or four-byte) into its slot.
template <class T>
boost::system::error_code read_integer(byte_reader& r, std::optional<T>& slot) {
  result<T> v = make_error_code(codec_error::truncated);
  if constexpr (sizeof(T) == 1) {
    v = r.read_u8();
  } else if constexpr (sizeof(T) == 2) {
    v = r.read_u16();
  } else {
    v = r.read_u32();
  }
  if (!v) return v.error();
  return store(slot, *v);
}

boost::system::error_code read_string(byte_reader& r, const string_row& row, property_set& out) {
  auto s = row.utf8 ? r.read_utf8() : r.read_binary();
  if (!s) return s.error();
  return store(out.*row.member, std::string(*s));
}

boost::system::error_code read_user_property(byte_reader& r, property_set& out) {
  auto name = r.read_utf8();
  if (!name) return name.error();
  auto value = r.read_utf8();
  if (!value) return value.error();
  out.user_properties.push_back({std::string(*name), std::string(*value)});
  return {};
}

boost::system::error_code read_subscription_id(byte_reader& r, pc where, property_set& out) {
  auto id = r.read_varint();
  if (!id) return id.error();
  // Value 0 is outside the range (section 3.8.2.1.2); Mosquitto's data answers it as malformed.
  if (*id == 0) return codec_error::invalid_subscription_id;
  if (where != pc::publish_from_server && !out.subscription_identifiers.empty())
    return codec_error::duplicate_property;
  out.subscription_identifiers.push_back(*id);
  return {};
}

// Reads one property and returns its allowed-contexts mask through `mask`.
boost::system::error_code read_one(byte_reader& r, pc where, property_set& out, std::uint16_t& mask) {
  auto id = r.read_varint();  // identifiers are a variable byte integer, all defined ones fit one byte
  if (!id) return id.error();
  if (*id > 0xFF) return codec_error::unknown_property;
  const auto b = static_cast<std::uint8_t>(*id);
  if (const auto* row = find_row(byte_rows, b)) return mask = row->allowed, read_integer(r, out.*row->member);
  if (const auto* row = find_row(two_byte_rows, b))
    return mask = row->allowed, read_integer(r, out.*row->member);
  if (const auto* row = find_row(four_byte_rows, b))
    return mask = row->allowed, read_integer(r, out.*row->member);
  if (const auto* row = find_row(string_rows, b)) return mask = row->allowed, read_string(r, *row, out);
  if (b == static_cast<std::uint8_t>(property_id::user_property))
    return mask = everywhere, read_user_property(r, out);
  if (b == static_cast<std::uint8_t>(property_id::subscription_identifier))
    return mask = subscription_id_allowed, read_subscription_id(r, where, out);
  return codec_error::unknown_property;
}

bool is_flag(const std::optional<std::uint8_t>& v) noexcept { return !v || *v <= 1; }

// Ranges the standard fixes for individual values; all are protocol errors.
boost::system::error_code check_values(const property_set& p) {
  for (const auto& row : byte_rows) {
    if (!is_flag(p.*row.member)) return codec_error::invalid_property_value;
  }
  if (p.receive_maximum == 0 || p.maximum_packet_size == 0) return codec_error::invalid_property_value;
  if (p.response_topic && validate_topic_name(*p.response_topic)) return codec_error::invalid_response_topic;
  return {};
}

template <class T>
std::size_t integer_size(const std::optional<T>& v) noexcept {
  return v ? 1 + sizeof(T) : 0;
}

std::size_t varint_size(std::size_t v) noexcept { return remaining_length_size(v); }

template <class T>
void put_integer(std::string& out, property_id id, const std::optional<T>& v) {
  if (!v) return;
  put_u8(out, static_cast<std::uint8_t>(id));
  if constexpr (sizeof(T) == 1) {
    put_u8(out, *v);
  } else if constexpr (sizeof(T) == 2) {
    put_u16(out, *v);
  } else {
    put_u32(out, *v);
  }
}

}  // namespace

boost::system::error_code read_properties(byte_reader& r, property_context where, property_set& out) {
  auto length = r.read_varint();
  if (!length) return length.error();
  auto bytes = r.read_bytes(*length);
  if (!bytes) return bytes.error();
  byte_reader list(*bytes);
  bool misplaced = false;
  while (!list.at_end()) {
    std::uint16_t mask = 0;
    if (auto ec = read_one(list, where, out, mask)) return ec;
    misplaced = misplaced || !allowed(mask, where);
  }
  if (misplaced) {
    const bool subscription = where == pc::subscribe || where == pc::unsubscribe;
    return subscription ? codec_error::subscribe_property_not_allowed : codec_error::property_not_allowed;
  }
  return check_values(out);
}

std::size_t properties_size(const property_set& p) noexcept {
  std::size_t n = 0;
  for (const auto& row : byte_rows) n += integer_size(p.*row.member);
  for (const auto& row : two_byte_rows) n += integer_size(p.*row.member);
  for (const auto& row : four_byte_rows) n += integer_size(p.*row.member);
  for (const auto& row : string_rows) n += (p.*row.member) ? 1 + field_size(*(p.*row.member)) : 0;
  for (const auto id : p.subscription_identifiers) n += 1 + varint_size(id);
  for (const auto& u : p.user_properties) n += 1 + field_size(u.name) + field_size(u.value);
  return n;
}

std::size_t property_list_size(const property_set& p) noexcept {
  const std::size_t n = properties_size(p);
  return varint_size(n) + n;
}

void put_properties(std::string& out, const property_set& p) {
  put_varint(out, properties_size(p));
  for (const auto& row : byte_rows) put_integer(out, row.id, p.*row.member);
  for (const auto& row : two_byte_rows) put_integer(out, row.id, p.*row.member);
  for (const auto& row : four_byte_rows) put_integer(out, row.id, p.*row.member);
  for (const auto& row : string_rows) {
    if (!(p.*row.member)) continue;
    put_u8(out, static_cast<std::uint8_t>(row.id));
    put_field(out, *(p.*row.member));
  }
  for (const auto id : p.subscription_identifiers) {
    put_u8(out, static_cast<std::uint8_t>(property_id::subscription_identifier));
    put_varint(out, id);
  }
  for (const auto& u : p.user_properties) {
    put_u8(out, static_cast<std::uint8_t>(property_id::user_property));
    put_field(out, u.name);
    put_field(out, u.value);
  }
}

}  // namespace tether::mqtt::codec::detail
