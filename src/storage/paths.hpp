#pragma once
// Where Tether keeps its files inside --data-dir. Every command opens the database through here.

#include <filesystem>

namespace tether::storage {

// <data-dir>/tether.db
std::filesystem::path database_path(const std::filesystem::path& data_dir);

}  // namespace tether::storage
