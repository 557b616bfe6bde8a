#pragma once
// Why a store refused a request (as opposed to storage_error, which means a broken disk or a bug).

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace tether::storage {

enum class storage_errc {
  ok = 0,
  queue_full = 1,    // the device's downlink queue would exceed its capacity; nothing was queued
  not_found,         // no such queued item
  invalid_priority,  // a downlink priority above 6 (HIGHEST)
};

const boost::system::error_category& storage_category() noexcept;

inline boost::system::error_code make_error_code(storage_errc e) noexcept {
  return {static_cast<int>(e), storage_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace tether::storage

template <>
struct boost::system::is_error_code_enum<tether::storage::storage_errc> : std::true_type {};
