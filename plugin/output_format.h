// -o/--output as kubectl takes it (-o json, -o=json, -ojson, --output=json), and the YAML form
// of a JSON report: the same document, key for key, so one schema serves both.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "options.h"

namespace certdoctor {

// The formats -o takes, in the order the error and the completion list them.
inline constexpr const char* kOutputFormats[] = {"text", "json", "yaml", "markdown"};

// "json", "=json" (from -o=json), "JSON" -> OutputFormat; anything else is a one-line usage error
// listing the allowed formats.
OutputFormat parse_output_format(const std::string& typed);

// The YAML document of `doc`: mappings and lists in block style, every string double-quoted (so
// that "no", "1.0" or "null" stay strings), numbers, booleans and null as YAML reads them back.
std::string json_to_yaml(const nlohmann::json& doc);

}  // namespace certdoctor
