// The uplink token as The Things Stack's UplinkToken message (spec tts-v3 §1.6), by hand: the realm
// stamps one on every uplink, and the bytes equal what protobuf would serialize (the unit tests compare).

#include "gateway/uplink_token.hpp"

#include "registry/ids.hpp"

#include <chrono>

namespace tether::gateway {
namespace {

void put_varint(network::bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void put_tag(network::bytes& out, std::uint32_t field, std::uint32_t wire_type) {
  put_varint(out, (field << 3) | wire_type);
}

constexpr std::uint32_t varint_type = 0;
constexpr std::uint32_t fixed64_type = 1;
constexpr std::uint32_t length_type = 2;
constexpr std::uint32_t fixed32_type = 5;

// ±9223372035 s still fits in int64 nanoseconds once any nanos are added.
constexpr std::int64_t max_seconds = 9'223'372'035;
constexpr std::int32_t max_nanos = 999'999'999;

// Reads protobuf wire format field by field. Unknown fields are skipped as protobuf does; a known field
// with the wrong wire type, or anything truncated, fails the whole read.
class wire_reader {
 public:
  explicit wire_reader(std::span<const std::uint8_t> in) : in_(in) {}

  bool done() const { return pos_ == in_.size(); }
  bool failed() const { return failed_; }

  // The next field's number and wire type; false at the end or on malformed input.
  bool next(std::uint32_t& field, std::uint32_t& type) {
    if (failed_ || done()) return false;
    std::uint64_t tag = 0;
    if (!varint(tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return fail();
    field = static_cast<std::uint32_t>(tag >> 3);
    type = static_cast<std::uint32_t>(tag & 7);
    return true;
  }
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ == in_.size()) return fail();
      const std::uint8_t b = in_[pos_++];
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return fail();
  }
  bool length_delimited(std::span<const std::uint8_t>& out) {
    std::uint64_t n = 0;
    if (!varint(n) || n > in_.size() - pos_) return fail();
    out = in_.subspan(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return true;
  }
  bool skip(std::uint32_t type) {
    std::uint64_t ignored = 0;
    std::span<const std::uint8_t> ignored_bytes;
    switch (type) {
      case varint_type:
        return varint(ignored);
      case fixed64_type:
        return advance(8);
      case length_type:
        return length_delimited(ignored_bytes);
      case fixed32_type:
        return advance(4);
      default:
        return fail();
    }
  }
  bool fail() {
    failed_ = true;
    return false;
  }

 private:
  bool advance(std::size_t n) {
    if (n > in_.size() - pos_) return fail();
    pos_ += n;
    return true;
  }

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

// Calls on_field(reader, field, type) for each field; it returns false to have the field skipped.
template <class OnField>
bool read_message(std::span<const std::uint8_t> bytes, OnField on_field) {
  wire_reader r(bytes);
  std::uint32_t field = 0, type = 0;
  while (r.next(field, type)) {
    if (!on_field(r, field, type) && !r.failed()) r.skip(type);
  }
  return !r.failed();
}

// A length-delimited field read into `out`, or the whole read failed.
bool read_bytes(wire_reader& r, std::uint32_t type, std::span<const std::uint8_t>& out) {
  if (type != length_type) return r.fail();
  return r.length_delimited(out);
}

bool read_varint(wire_reader& r, std::uint32_t type, std::uint64_t& out) {
  if (type != varint_type) return r.fail();
  return r.varint(out);
}

// GatewayAntennaIdentifiers{gateway_ids=1{gateway_id=1}, antenna_index=2}
bool read_ids(std::span<const std::uint8_t> bytes, uplink_token& t) {
  return read_message(bytes, [&](wire_reader& r, std::uint32_t field, std::uint32_t type) {
    std::span<const std::uint8_t> sub;
    std::uint64_t v = 0;
    if (field == 1 && read_bytes(r, type, sub)) {
      return read_message(sub,
                          [&](wire_reader& inner, std::uint32_t f, std::uint32_t ty) {
                            std::span<const std::uint8_t> id;
                            if (f != 1 || !read_bytes(inner, ty, id)) return false;
                            t.gateway_id.assign(id.begin(), id.end());
                            return true;
                          }) ||
             r.fail();
    }
    if (field == 2 && read_varint(r, type, v)) {
      t.antenna_index = static_cast<std::uint32_t>(v);
      return true;
    }
    return false;
  });
}

// google.protobuf.Timestamp{seconds=1, nanos=2}, refused outside what a nanosecond clock holds.
bool read_time(std::span<const std::uint8_t> bytes, network::time_point& out) {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  const bool read = read_message(bytes, [&](wire_reader& r, std::uint32_t field, std::uint32_t type) {
    std::uint64_t v = 0;
    if ((field != 1 && field != 2) || !read_varint(r, type, v)) return false;
    if (field == 1) seconds = static_cast<std::int64_t>(v);
    if (field == 2) nanos = static_cast<std::int32_t>(static_cast<std::uint32_t>(v));  // int32: low 32 bits
    return true;
  });
  if (!read || seconds < -max_seconds || seconds > max_seconds || nanos < 0 || nanos > max_nanos)
    return false;
  const std::chrono::nanoseconds ns{seconds * 1'000'000'000 + nanos};
  out = network::time_point{std::chrono::duration_cast<network::time_point::duration>(ns)};
  return true;
}

}  // namespace

network::bytes encode_uplink_token(const uplink_token& t) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.server_time.time_since_epoch()).count();
  std::int64_t seconds = ns / 1'000'000'000;
  std::int64_t nanos = ns % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    --seconds;
  }
  // GatewayAntennaIdentifiers{gateway_ids=1{gateway_id=1}, antenna_index=2}
  const std::size_t gateway_ids_size =
      t.gateway_id.empty() ? 0 : 1 + varint_size(t.gateway_id.size()) + t.gateway_id.size();
  const std::size_t ids_size = 1 + varint_size(gateway_ids_size) + gateway_ids_size +
                               (t.antenna_index != 0 ? 1 + varint_size(t.antenna_index) : 0);
  // Timestamp{seconds=1, nanos=2}; int64 and int32 varints sign-extend to 64 bits.
  const auto seconds_bits = static_cast<std::uint64_t>(seconds);
  const auto nanos_bits = static_cast<std::uint64_t>(nanos);
  const std::size_t time_size =
      (seconds != 0 ? 1 + varint_size(seconds_bits) : 0) + (nanos != 0 ? 1 + varint_size(nanos_bits) : 0);

  network::bytes out;
  out.reserve(2 + ids_size + 6 + 2 + time_size + 4);
  put_tag(out, 1, length_type);
  put_varint(out, ids_size);
  put_tag(out, 1, length_type);
  put_varint(out, gateway_ids_size);
  if (!t.gateway_id.empty()) {
    put_tag(out, 1, length_type);
    put_varint(out, t.gateway_id.size());
    out.insert(out.end(), t.gateway_id.begin(), t.gateway_id.end());
  }
  if (t.antenna_index != 0) {
    put_tag(out, 2, varint_type);
    put_varint(out, t.antenna_index);
  }
  if (t.timestamp != 0) {
    put_tag(out, 2, varint_type);
    put_varint(out, t.timestamp);
  }
  put_tag(out, 3, length_type);
  put_varint(out, time_size);
  if (seconds != 0) {
    put_tag(out, 1, varint_type);
    put_varint(out, seconds_bits);
  }
  if (nanos != 0) {
    put_tag(out, 2, varint_type);
    put_varint(out, nanos_bits);
  }
  return out;
}

std::optional<uplink_token> decode_uplink_token(std::span<const std::uint8_t> bytes) {
  uplink_token t;
  bool has_ids = false, has_time = false, times_valid = true;
  // UplinkToken{ids=1, timestamp=2, server_time=3}
  const bool read = read_message(bytes, [&](wire_reader& r, std::uint32_t field, std::uint32_t type) {
    std::span<const std::uint8_t> sub;
    std::uint64_t v = 0;
    switch (field) {
      case 1:
        if (!read_bytes(r, type, sub)) return false;
        has_ids = true;
        return read_ids(sub, t) || r.fail();
      case 2:
        if (!read_varint(r, type, v)) return false;
        t.timestamp = static_cast<std::uint32_t>(v);
        return true;
      case 3:
        if (!read_bytes(r, type, sub)) return false;
        has_time = true;
        times_valid = read_time(sub, t.server_time);
        return true;
      default:
        return false;
    }
  });
  if (!read || !has_ids || !has_time || !times_valid || !registry::is_valid_id(t.gateway_id))
    return std::nullopt;
  return t;
}

void stamp_uplink_tokens(network::gateway_uplink& up, std::string_view gateway_id) {
  for (auto& md : up.rx_metadata) {
    md.uplink_token.clear();
    if (md.antenna_index == 0) {
      md.uplink_token = encode_uplink_token({std::string(gateway_id), 0, md.timestamp, up.received_at});
    }
  }
}

}  // namespace tether::gateway
