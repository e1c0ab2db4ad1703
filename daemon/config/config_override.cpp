#include "flowfeat/config/config_override.hpp"

#include <stdexcept>
#include <utility>

#include "config_fields.hpp"

namespace flowfeat {

Config apply_config_overrides(Config base, const std::vector<ConfigOverride>& overrides, const std::string& source) {
  std::vector<ConfigError::Problem> problems;
  for (const ConfigOverride& o : overrides) {
    const config_detail::Field* field = config_detail::find_field(o.key);
    if (field == nullptr) throw std::invalid_argument("not a configuration key: " + o.key);
    if (auto problem = field->assign(base, o.value)) {
      problems.push_back({o.origin, *problem + " (allowed: " + std::string(field->allowed) + ")", 0});
    }
  }
  if (!problems.empty()) throw ConfigError(source, std::move(problems));
  return base;
}

}  // namespace flowfeat
