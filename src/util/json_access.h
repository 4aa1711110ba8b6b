// Read-only access to API objects and dumps as nlohmann::json, where any field may be missing or
// null; and their text for a command line.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

namespace certdoctor {

// The value at `path`, or a null value when any step is missing or not an object.
inline const nlohmann::json& json_at(const nlohmann::json& j, std::initializer_list<const char*> path) {
    static const nlohmann::json null_value;
    const nlohmann::json* p = &j;
    for (const char* k : path) {
        if (!p->is_object()) return null_value;
        auto it = p->find(k);
        if (it == p->end()) return null_value;
        p = &*it;
    }
    return *p;
}

// JSON text for a command line or a message: bytes that are not UTF-8 (a PEM block kept as
// written may hold any) become U+FFFD instead of throwing.
inline std::string json_text(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The string at `path`, or "".
inline std::string text_at(const nlohmann::json& j, std::initializer_list<const char*> path) {
    const nlohmann::json& v = json_at(j, path);
    return v.is_string() ? v.get<std::string>() : std::string();
}

}  // namespace certdoctor
