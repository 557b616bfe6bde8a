#pragma once
// Little-endian writer and reader for the small binary records stores keep in BLOB columns. The
// reader refuses to read past the end with a storage_error naming the record, so a damaged blob is a
// clear error, never undefined behaviour.

#include "storage/sqlite.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tether::storage {

class byte_writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) { little(v, 2); }
  void u32(std::uint32_t v) { little(v, 4); }
  void u64(std::uint64_t v) { little(v, 8); }
  void raw(std::string_view bytes) { out_.append(bytes); }
  // A length (u32) followed by the bytes.
  void sized(std::string_view bytes) {
    u32(static_cast<std::uint32_t>(bytes.size()));
    raw(bytes);
  }
  std::string take() { return std::move(out_); }

 private:
  void little(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

class byte_reader {
 public:
  // `what` names the record in errors ("device session app1/dev1").
  byte_reader(std::string_view bytes, std::string what) : in_(bytes), what_(std::move(what)) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(little(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(little(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(little(4)); }
  std::uint64_t u64() { return little(8); }
  std::string_view raw(std::size_t n) {
    need(n);
    auto v = in_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  std::string_view sized() { return raw(u32()); }
  // Throws unless every byte was read.
  void finish() const {
    if (pos_ != in_.size()) fail(std::to_string(in_.size() - pos_) + " trailing bytes");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw storage_error("cannot read " + what_ + ": " + why);
  }

 private:
  void need(std::size_t n) const {
    if (in_.size() - pos_ < n) fail("truncated record");
  }
  std::uint64_t little(int n) {
    need(static_cast<std::size_t>(n));
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t{static_cast<unsigned char>(in_[pos_ + i])} << (8 * i);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string what_;
};

}  // namespace tether::storage
