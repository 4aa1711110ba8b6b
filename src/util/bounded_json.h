// JSON from outside (API answers, pasted log lines, registry documents) parsed within a node and
// depth budget, keeping only the shape a reader needs. Reports a status instead of throwing, so
// that each caller says in its own words what was wrong (and with its own exit code).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/tree_builder.h"

namespace certdoctor {

struct BoundedJson {
    enum class Status { ok, not_json, over_budget };
    Status status = Status::not_json;
    nlohmann::json value;      // null unless ok
    std::string problem;       // why it is not ok: the parser's message, or the budget exceeded

    bool ok() const { return status == Status::ok; }
};

// Parses one JSON value (nothing but white space after it). The budget defaults to
// TreeBudget::for_input(text.size(), 8): a whole API object kept as it is fits in it (compact
// JSON with managedFields takes about 7.6 times its size in nlohmann::json, indented JSON 3),
// a text made to inflate (`[{},{},...]` would take 37 times) does not.
BoundedJson parse_json_bounded(std::string_view text, const JsonShape& shape = JsonShape::everything());
BoundedJson parse_json_bounded(std::string_view text, const JsonShape& shape, TreeBudget budget);

}  // namespace certdoctor
