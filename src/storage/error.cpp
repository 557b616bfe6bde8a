#include "storage/error.hpp"

#include <string>

namespace tether::storage {
namespace {

class storage_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "tether.storage"; }
  std::string message(int ev) const override {
    switch (static_cast<storage_errc>(ev)) {
      case storage_errc::ok:
        return "success";
      case storage_errc::queue_full:
        return "downlink queue full";
      case storage_errc::not_found:
        return "no such queued downlink";
      case storage_errc::invalid_priority:
        return "invalid downlink priority (0 LOWEST to 6 HIGHEST)";
    }
    return "unknown storage error";
  }
};

}  // namespace

const boost::system::error_category& storage_category() noexcept {
  static const storage_category_impl instance;
  return instance;
}

}  // namespace tether::storage
