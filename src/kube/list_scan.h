// Splits a Kubernetes list response ({"kind": "...List", "metadata": {...}, "items": [...]}) into
// the text of each item and the rest, without building any JSON value, so that a sweep parses
// only the items that may matter. The scanner only tracks strings and nesting; it never judges
// the JSON's validity (the parts it returns are parsed properly afterwards).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace certdoctor {

struct ListScan {
    bool ok = false;                     // the text has the shape of a list
    std::string skeleton;                // the text with "items":[] emptied
    std::vector<std::string_view> items; // each item object, as text (points into the input)
};

ListScan scan_list(std::string_view body);

}  // namespace certdoctor
