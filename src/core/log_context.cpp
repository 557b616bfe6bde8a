#include "core/log_context.hpp"

namespace tether::core {
namespace {

struct thread_fields {
  std::array<log_field, log_scope::max_fields> fields{};
  std::size_t size = 0;
};

thread_fields& here() noexcept {
  thread_local thread_fields f;
  return f;
}

}  // namespace

std::string join_correlation_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (id.empty()) continue;
    if (!out.empty()) out += correlation_id_separator;
    out += id;
  }
  return out;
}

log_scope::log_scope(std::initializer_list<log_field> fields) noexcept {
  auto& f = here();
  restore_ = f.size;
  for (const auto& field : fields) {
    if (field.value.empty() || f.size == max_fields) continue;
    f.fields[f.size++] = field;
  }
}

log_scope::~log_scope() { here().size = restore_; }

std::span<const log_field> log_scope::current() noexcept {
  auto& f = here();
  return {f.fields.data(), f.size};
}

}  // namespace tether::core
