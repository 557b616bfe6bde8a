#include "storage/paths.hpp"

namespace tether::storage {

std::filesystem::path database_path(const std::filesystem::path& data_dir) { return data_dir / "tether.db"; }

}  // namespace tether::storage
