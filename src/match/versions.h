// Tekton versions against the catalog's version ranges ("v0.47 and later", "v0.12 to v0.31",
// "v0.11"), as the chain variants name them.
#pragma once

#include <string>

namespace certdoctor {

// 56 for "v0.56.1" (major * 1000 + minor); -1 when `version` names none.
double tekton_minor(const std::string& version);

// True when `version` lies in `range`; false when either cannot be read.
bool version_in_range(const std::string& version, const std::string& range);

}  // namespace certdoctor
