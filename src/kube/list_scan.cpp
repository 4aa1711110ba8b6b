#include "kube/list_scan.h"

#include <cstring>

namespace certdoctor {

ListScan scan_list(std::string_view body) {
    ListScan scan;
    int depth = 0;
    bool in_string = false;
    size_t string_start = 0;
    std::string_view last_string, key;
    size_t items_open = std::string_view::npos, items_close = std::string_view::npos;
    size_t item_start = 0;
    bool in_items = false;
    for (size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (in_string) {
            // Strings are most of a list: the next quote is looked for with memchr, and it ends
            // the string unless an odd number of backslashes (in the string) stand before it.
            const void* quote = std::memchr(body.data() + i, '"', body.size() - i);
            if (!quote) break;  // unterminated: not a list
            i = static_cast<size_t>(static_cast<const char*>(quote) - body.data());
            size_t backslashes = 0;
            while (i - backslashes > string_start && body[i - backslashes - 1] == '\\') ++backslashes;
            if (backslashes % 2 == 0) {
                in_string = false;
                last_string = body.substr(string_start, i - string_start);
            }
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                string_start = i + 1;
                break;
            case ':':
                if (depth == 1) key = last_string;
                break;
            case ',':
                if (depth == 1) key = {};
                break;
            case '{':
            case '[':
                ++depth;
                if (c == '[' && depth == 2 && key == "items" && items_open == std::string_view::npos) {
                    items_open = i;
                    in_items = true;
                } else if (c == '{' && depth == 3 && in_items) {
                    item_start = i;
                }
                break;
            case '}':
            case ']':
                if (c == '}' && depth == 3 && in_items) scan.items.push_back(body.substr(item_start, i + 1 - item_start));
                if (c == ']' && depth == 2 && in_items) {
                    items_close = i;
                    in_items = false;
                }
                --depth;
                if (depth < 0) return scan;
                break;
            default:
                break;
        }
    }
    if (depth != 0 || in_string || items_open == std::string_view::npos || items_close == std::string_view::npos) return scan;
    scan.skeleton.reserve(body.size() - (items_close - items_open) + 1);
    scan.skeleton.append(body.substr(0, items_open + 1));
    scan.skeleton.append(body.substr(items_close));
    scan.ok = true;
    return scan;
}

}  // namespace certdoctor
