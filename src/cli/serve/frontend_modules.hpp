#pragma once
// The frontends `tether serve` offers, in the order their flags appear and their realms are built.

#include "cli/serve/frontend_module.hpp"

#include <memory>
#include <vector>

namespace tether::cli {

using frontend_modules = std::vector<std::unique_ptr<frontend_module>>;

frontend_modules make_frontend_modules();

}  // namespace tether::cli
