// JSON views shared by the report and probe renderers (internal to render/): the probe object is
// the same whether `probe -o json` prints it or a finding carries it.
#pragma once

#include <nlohmann/json.hpp>

#include "model/probe_result.h"

namespace certdoctor {

nlohmann::json probe_json(const ProbeResult& result);

}  // namespace certdoctor
