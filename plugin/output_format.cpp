#include "output_format.h"

#include <yaml-cpp/yaml.h>

#include "util/error.h"
#include "util/escape.h"

namespace certdoctor {

OutputFormat parse_output_format(const std::string& typed) {
    std::string name = typed.size() > 1 && typed[0] == '=' ? typed.substr(1) : typed;
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (name == "text") return OutputFormat::text;
    if (name == "json") return OutputFormat::json;
    if (name == "yaml") return OutputFormat::yaml;
    if (name == "markdown") return OutputFormat::markdown;
    std::string allowed;
    for (const char* f : kOutputFormats) allowed += std::string(allowed.empty() ? "" : ", ") + f;
    throw Error("unable to match a printer suitable for the output format " + shell_quote(typed) +
                    ", allowed formats are: " + allowed,
                ExitCode::usage);
}

namespace {

// The schema's own keys (lower case, digits, '_') need no quotes; any other key gets them.
bool plain_key(const std::string& key) {
    if (key.empty() || !(key[0] >= 'a' && key[0] <= 'z')) return false;
    for (char c : key)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return key != "y" && key != "n" && key != "yes" && key != "no" && key != "on" && key != "off" &&
           key != "true" && key != "false" && key != "null";
}

void emit(YAML::Emitter& out, const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::object:
            out << YAML::BeginMap;
            for (const auto& [key, item] : value.items()) {
                if (plain_key(key))
                    out << YAML::Key << key << YAML::Value;
                else
                    out << YAML::Key << YAML::DoubleQuoted << key << YAML::Value;
                emit(out, item);
            }
            out << YAML::EndMap;
            return;
        case nlohmann::json::value_t::array:
            out << YAML::BeginSeq;
            for (const auto& item : value) emit(out, item);
            out << YAML::EndSeq;
            return;
        case nlohmann::json::value_t::string:
            out << YAML::DoubleQuoted << value.get<std::string>();
            return;
        case nlohmann::json::value_t::boolean:
            out << (value.get<bool>() ? "true" : "false");
            return;
        case nlohmann::json::value_t::null:
        case nlohmann::json::value_t::discarded:
            out << YAML::Null;
            return;
        default:
            out << value.dump();  // integers and floats, in JSON's (and YAML's) spelling
            return;
    }
}

}  // namespace

std::string json_to_yaml(const nlohmann::json& doc) {
    YAML::Emitter out;
    out.SetOutputCharset(YAML::EscapeNonAscii);
    emit(out, doc);
    return std::string(out.c_str()) + "\n";
}

}  // namespace certdoctor
