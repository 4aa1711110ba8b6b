// A dump's YAML (or JSON, which YAML reads too) turned into JSON trees one document at a time,
// through yaml-cpp's event parser and a TreeBuilder: only the shape the reader needs is built,
// within the node and depth budget of the text's size. Aliases are refused, since kubectl never
// writes them and expanding them is how a few hundred bytes become gigabytes.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "util/tree_builder.h"

namespace certdoctor {

// Calls `on_document` with each document's tree, in order. Every scalar becomes a string (or
// null for YAML's null). Throws Error (exit 3) as "SOURCE:LINE:COLUMN: why" for text that is not
// YAML, an alias, a key that is not a scalar, or a text over its budget.
void read_yaml_documents(std::string_view text, const std::string& source, const JsonShape& shape,
                         const std::function<void(nlohmann::json&&)>& on_document);

}  // namespace certdoctor
