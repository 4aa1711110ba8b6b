#include "match/templates.h"

#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <set>
#include <unordered_map>

#include "util/escape.h"
#include "util/text.h"

namespace certdoctor {

namespace mustache = kainjow::mustache;

namespace {

// The values a manifest may hold unescaped: a checked registry name and the PEM block the fix
// plan makes; anything else could add a line.
const std::set<std::string> kRawManifestValues = {"registry",         "registry_host",   "registry_port",
                                                  "registry_address", "registry_dir",    "registry_server",
                                                  "ca_pem_block"};

}  // namespace

mustache::mustache& compiled_template(const std::string& tmpl) {
    static thread_local std::unordered_map<std::string, std::unique_ptr<mustache::mustache>> cache;
    auto it = cache.find(tmpl);
    if (it == cache.end()) it = cache.emplace(tmpl, std::make_unique<mustache::mustache>(tmpl)).first;
    return *it->second;
}

std::string template_prose(const std::string& value) { return visible(value); }

std::string raw_tag_error(const std::string& tmpl, const char* field, bool manifest) {
    static const RE2 raw_tag(R"(\{\{(?:\{\s*([^}\s]+)\s*\}|&\s*([^}\s]+)\s*)\}\})");
    re2::StringPiece input(tmpl);
    std::string triple, ampersand;
    while (RE2::FindAndConsume(&input, raw_tag, &triple, &ampersand)) {
        std::string name = triple.empty() ? ampersand : triple;
        if (!manifest || !kRawManifestValues.count(name))
            return std::string("{{{") + name + "}}} in " + field + " is not escaped; use {{" + name + "}}";
    }
    return {};
}

std::string check_fix_templates(const FixRule& fix) {
    mustache::mustache title{fix.title};
    if (!title.is_valid()) return title.error_message();
    if (std::string e = raw_tag_error(fix.title, "the title", false); !e.empty()) return e;
    for (const FixContent* c : fix.contents()) {
        for (const std::string* t : {&c->description, &c->commands, &c->manifest}) {
            mustache::mustache m{*t};
            if (!m.is_valid()) return m.error_message();
        }
        for (auto [t, field] : {std::pair{&c->description, "the description"}, std::pair{&c->commands, "the commands"}})
            if (std::string e = raw_tag_error(*t, field, false); !e.empty()) return e;
        if (std::string e = raw_tag_error(c->manifest, "the manifest", true); !e.empty()) return e;
    }
    return {};
}

bool only_explanation_sections(const std::string& tmpl) {
    static const RE2 tag(R"(\{\{([#^/]?)\s*([^}]*?)\s*\}\})");
    re2::StringPiece rest(tmpl);
    std::string kind, name;
    while (RE2::FindAndConsume(&rest, tag, &kind, &name))
        if (kind.empty() || std::find(kExplanationSections.begin(), kExplanationSections.end(), name) ==
                                kExplanationSections.end())
            return false;
    return true;
}

std::string render_explanation(const std::string& tmpl,
                               const std::vector<std::pair<std::string, std::string>>& values,
                               const std::vector<std::pair<std::string, bool>>& flags) {
    mustache::mustache& m = compiled_template(tmpl);
    if (!m.is_valid()) return "broken template: " + m.error_message();
    m.set_custom_escape(template_prose);
    mustache::data d;
    for (const auto& [k, v] : values) d.set(k, v);
    for (const auto& [k, on] : flags) d.set(k, on ? mustache::data::type::bool_true : mustache::data::type::bool_false);
    std::string text = m.render(d);
    return std::string(trim(text));
}

}  // namespace certdoctor
