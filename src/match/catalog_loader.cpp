// Reads catalog documents with yaml-cpp into the types of catalog.h. Every problem becomes a
// CatalogIssue with the file and line of the offending node.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "match/catalog.h"
#include "match/embedded_catalog.h"
#include "util/error.h"
#include "util/read_input.h"

namespace certdoctor {

std::string CatalogIssue::to_string() const {
    return file + ":" + std::to_string(line) + ": " + message;
}

const FixRule* Catalog::fix(const std::string& id) const {
    for (const auto& f : fixes)
        if (f.id == id) return &f;
    return nullptr;
}

const ChainRule* Catalog::chain(const std::string& id) const {
    for (const auto& c : chains)
        if (c.id == id) return &c;
    return nullptr;
}

const Rule* Catalog::rule(const std::string& id) const {
    for (const auto* list : {&sites, &causes})
        for (const auto& r : *list)
            if (r.id == id) return &r;
    return nullptr;
}

namespace {

// Thrown inside one document; turned into a CatalogIssue for that file.
struct DocumentError {
    int line;
    std::string message;
};

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

std::string get_string(const YAML::Node& map, const char* key, bool required, int doc_line) {
    YAML::Node node = map[key];
    if (!node) {
        if (required) throw DocumentError{doc_line, std::string("missing required field '") + key + "'"};
        return {};
    }
    if (!node.IsScalar())
        throw DocumentError{line_of(node), std::string("field '") + key + "' must be a string"};
    return node.as<std::string>();
}

// An optional scalar field of type T; `expected` says what it must be when it does not convert.
template <typename T>
T get_scalar(const YAML::Node& map, const char* key, T fallback, const char* expected) {
    YAML::Node node = map[key];
    if (!node) return fallback;
    try {
        return node.as<T>();
    } catch (const YAML::Exception&) {
        throw DocumentError{line_of(node), std::string("field '") + key + "' must be " + expected};
    }
}

bool get_bool(const YAML::Node& map, const char* key, bool fallback) {
    return get_scalar(map, key, fallback, "true or false");
}

int get_int(const YAML::Node& map, const char* key, int fallback) {
    return get_scalar(map, key, fallback, "a whole number");
}

std::vector<std::string> get_list(const YAML::Node& map, const char* key) {
    std::vector<std::string> out;
    YAML::Node node = map[key];
    if (!node) return out;
    if (!node.IsSequence())
        throw DocumentError{line_of(node), std::string("field '") + key + "' must be a list"};
    for (const auto& item : node) {
        if (!item.IsScalar())
            throw DocumentError{line_of(item), std::string("items of '") + key + "' must be strings"};
        out.push_back(item.as<std::string>());
    }
    return out;
}

void check_known_fields(const YAML::Node& map, std::initializer_list<const char*> known) {
    for (const auto& kv : map) {
        std::string key = kv.first.as<std::string>();
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
            std::string list;
            for (const char* k : known) list += std::string(list.empty() ? "" : ", ") + k;
            throw DocumentError{line_of(kv.first), "unknown field '" + key + "' (known: " + list + ")"};
        }
    }
}

std::vector<Example> read_examples(const YAML::Node& list, bool must_match) {
    std::vector<Example> out;
    if (!list) return out;
    if (!list.IsSequence()) throw DocumentError{line_of(list), "examples must be a list"};
    for (const auto& item : list) {
        Example ex;
        ex.line = line_of(item);
        if (item.IsScalar()) {
            ex.text = item.as<std::string>();
        } else if (item.IsMap()) {
            check_known_fields(item, {"text", "source", "reason", "expect"});
            ex.text = get_string(item, "text", true, ex.line);
            ex.source = get_string(item, "source", false, ex.line);
            ex.reason = get_string(item, "reason", false, ex.line);
            if (YAML::Node expect = item["expect"]) {
                if (!expect.IsMap()) throw DocumentError{line_of(expect), "expect must be a map"};
                for (const auto& kv : expect) {
                    std::string key = kv.first.as<std::string>();
                    if (key == "fixes") {
                        YAML::Node holder;
                        holder["fixes"] = kv.second;
                        ex.expect_fixes = get_list(holder, "fixes");
                    } else if (kv.second.IsScalar()) {
                        ex.expect[key] = kv.second.as<std::string>();
                    } else {
                        throw DocumentError{line_of(kv.second), "expect." + key + " must be a string"};
                    }
                }
            }
        } else {
            throw DocumentError{ex.line, "an example must be a string or a map with 'text'"};
        }
        if (!must_match && ex.reason.empty())
            throw DocumentError{ex.line, "a no_match example needs a 'reason'"};
        out.push_back(std::move(ex));
    }
    return out;
}

Rule read_rule(const YAML::Node& doc, RuleKind kind) {
    Rule r;
    r.kind = kind;
    r.line = line_of(doc);
    if (kind == RuleKind::site) {
        check_known_fields(doc, {"kind", "id", "title", "component", "stage", "chain", "versions",
                                 "tool", "caller", "lookalike", "priority", "regex", "context", "context_except",
                                 "confidence", "peer", "side", "explanation", "references", "examples"});
        r.component = get_string(doc, "component", true, r.line);
        r.stage = get_string(doc, "stage", true, r.line);
        r.chain = get_string(doc, "chain", true, r.line);
        r.versions = get_string(doc, "versions", false, r.line);
        r.tool = get_string(doc, "tool", false, r.line);
        r.caller = get_string(doc, "caller", false, r.line);
        r.context = get_string(doc, "context", false, r.line);
        r.context_except = get_list(doc, "context_except");
        if (doc["confidence"]) r.confidence = get_string(doc, "confidence", true, r.line);
        if (doc["peer"]) r.peer = get_string(doc, "peer", true, r.line);
        if (doc["side"]) r.side = get_string(doc, "side", true, r.line);
    } else {
        check_known_fields(doc, {"kind", "id", "title", "problem", "standalone", "side", "trust", "lookalike",
                                 "peer_answer", "reaches_peer", "names_no_registry", "priority", "regex", "explanation",
                                 "references", "examples"});
        r.peer_answer = get_bool(doc, "peer_answer", false);
        r.reaches_peer = get_bool(doc, "reaches_peer", true);
        r.names_no_registry = get_bool(doc, "names_no_registry", false);
        r.problem = get_string(doc, "problem", true, r.line);
        r.standalone = get_bool(doc, "standalone", true);
        if (doc["side"]) r.side = get_string(doc, "side", true, r.line);
        if (doc["trust"]) r.trust = get_string(doc, "trust", true, r.line);
    }
    r.id = get_string(doc, "id", true, r.line);
    r.title = get_string(doc, "title", true, r.line);
    r.lookalike = get_bool(doc, "lookalike", false);
    r.priority = get_int(doc, "priority", 0);
    // A site may name its caller from the text around a message alone (a context and no regex).
    r.regex = get_string(doc, "regex", kind != RuleKind::site || r.context.empty(), r.line);
    r.regex_line = doc["regex"] ? line_of(doc["regex"]) : r.line;
    r.explanation = get_string(doc, "explanation", true, r.line);
    r.references = get_list(doc, "references");
    YAML::Node examples = doc["examples"];
    if (!examples || !examples.IsMap())
        throw DocumentError{r.line, "missing 'examples' with 'match' and 'no_match' lists"};
    check_known_fields(examples, {"match", "no_match"});
    r.match_examples = read_examples(examples["match"], true);
    r.no_match_examples = read_examples(examples["no_match"], false);
    return r;
}

FixContent read_fix_content(const YAML::Node& node, int line) {
    FixContent c;
    c.description = get_string(node, "description", false, line);
    c.commands = get_string(node, "commands", false, line);
    c.manifest = get_string(node, "manifest", false, line);
    return c;
}

FixRule read_fix(const YAML::Node& doc) {
    FixRule f;
    f.line = line_of(doc);
    check_known_fields(doc, {"kind", "id", "title", "order", "applies_to", "registry_fix",
                             "lookalike_only", "stands_in_for", "needs_run", "adds_ca", "only_when", "description", "commands", "manifest", "variants",
                             "references", "operations"});
    f.id = get_string(doc, "id", true, f.line);
    f.title = get_string(doc, "title", true, f.line);
    f.order = get_int(doc, "order", 100);
    if (YAML::Node applies = doc["applies_to"]) {
        check_known_fields(applies, {"sites", "causes", "stages", "problems", "components", "not_causes", "also_causes"});
        f.sites = get_list(applies, "sites");
        f.causes = get_list(applies, "causes");
        f.not_causes = get_list(applies, "not_causes");
        f.also_causes = get_list(applies, "also_causes");
        f.stages = get_list(applies, "stages");
        f.problems = get_list(applies, "problems");
        f.components = get_list(applies, "components");
    }
    f.registry_fix = get_bool(doc, "registry_fix", false);
    f.lookalike_only = get_bool(doc, "lookalike_only", false);
    f.needs_run = get_bool(doc, "needs_run", false);
    f.stands_in_for = get_string(doc, "stands_in_for", false, f.line);
    f.adds_ca = get_bool(doc, "adds_ca", false);
    f.only_when = get_string(doc, "only_when", false, f.line);
    f.content = read_fix_content(doc, f.line);
    if (YAML::Node variants = doc["variants"]) {
        if (!variants.IsMap()) throw DocumentError{line_of(variants), "variants must be a map"};
        for (const auto& kv : variants) {
            check_known_fields(kv.second, {"description", "commands", "manifest"});
            f.variants[kv.first.as<std::string>()] = read_fix_content(kv.second, line_of(kv.second));
        }
    }
    f.references = get_list(doc, "references");
    if (YAML::Node ops = doc["operations"]) {
        if (!ops.IsSequence()) throw DocumentError{line_of(ops), "operations must be a list"};
        for (const auto& op : ops) {
            if (!op.IsMap()) throw DocumentError{line_of(op), "an operation is a map with `op` and its fields"};
            FixOperation o;
            o.line = line_of(op);
            for (const auto& kv : op) {
                if (!kv.second.IsScalar())
                    throw DocumentError{line_of(kv.second), "operation field '" + kv.first.as<std::string>() +
                                                                "' must be a single value"};
                if (kv.first.as<std::string>() == "op") o.op = kv.second.as<std::string>();
                else o.fields[kv.first.as<std::string>()] = kv.second.as<std::string>();
            }
            if (o.op.empty()) throw DocumentError{o.line, "an operation needs `op`"};
            f.operations.push_back(std::move(o));
        }
    }
    return f;
}

ChainRule read_chain(const YAML::Node& doc) {
    ChainRule c;
    c.line = line_of(doc);
    check_known_fields(doc, {"kind", "id", "title", "variants"});
    c.id = get_string(doc, "id", true, c.line);
    c.title = get_string(doc, "title", true, c.line);
    YAML::Node variants = doc["variants"];
    if (!variants || !variants.IsSequence() || variants.size() == 0)
        throw DocumentError{c.line, "a chain needs a non-empty 'variants' list"};
    for (const auto& v : variants) {
        check_known_fields(v, {"versions", "reasons", "frames"});
        ChainVariant cv;
        cv.versions = get_string(v, "versions", true, line_of(v));
        cv.reasons = get_list(v, "reasons");
        YAML::Node frames = v["frames"];
        if (!frames || !frames.IsSequence() || frames.size() == 0)
            throw DocumentError{line_of(v), "a chain variant needs a non-empty 'frames' list"};
        for (const auto& fr : frames) {
            check_known_fields(fr, {"function", "file", "fails", "fails_for"});
            ChainFrame frame;
            frame.function = get_string(fr, "function", true, line_of(fr));
            frame.file = get_string(fr, "file", false, line_of(fr));
            frame.failed = get_bool(fr, "fails", false);
            frame.fails_for = get_list(fr, "fails_for");
            cv.frames.push_back(std::move(frame));
        }
        c.variants.push_back(std::move(cv));
    }
    return c;
}

template <typename T>
void put(std::vector<T>& list, T item) {
    for (auto& existing : list) {
        if (existing.id == item.id) {
            existing = std::move(item);
            return;
        }
    }
    list.push_back(std::move(item));
}

void load_document(const YAML::Node& doc, const std::string& file, LoadResult& out) {
    if (!doc.IsMap()) throw DocumentError{line_of(doc), "a catalog document must be a map"};
    std::string kind = get_string(doc, "kind", true, line_of(doc));
    if (kind == "site" || kind == "cause") {
        Rule r = read_rule(doc, kind == "site" ? RuleKind::site : RuleKind::cause);
        r.file = file;
        put(kind == "site" ? out.catalog.sites : out.catalog.causes, std::move(r));
    } else if (kind == "fix") {
        FixRule f = read_fix(doc);
        f.file = file;
        put(out.catalog.fixes, std::move(f));
    } else if (kind == "chain") {
        ChainRule c = read_chain(doc);
        c.file = file;
        put(out.catalog.chains, std::move(c));
    } else if (kind == "fragments") {
        check_known_fields(doc, {"kind", "fragments"});
        YAML::Node frags = doc["fragments"];
        if (!frags || !frags.IsMap()) throw DocumentError{line_of(doc), "fragments must be a map"};
        for (const auto& kv : frags) {
            if (!kv.second.IsScalar())
                throw DocumentError{line_of(kv.second), "a fragment must be a string"};
            out.catalog.fragments[kv.first.as<std::string>()] = kv.second.as<std::string>();
        }
    } else {
        throw DocumentError{line_of(doc["kind"]),
                            "unknown kind '" + kind + "' (known: site, cause, fix, chain, fragments)"};
    }
}

// Replaces every {{name}} in a regex with the fragment of that name; an unknown name is an issue.
std::string expand(const std::string& re, const Rule& rule, int line, LoadResult& out) {
    std::string result;
    size_t pos = 0;
    for (;;) {
        size_t open = re.find("{{", pos);
        if (open == std::string::npos) break;
        size_t close = re.find("}}", open);
        if (close == std::string::npos) break;
        std::string name = re.substr(open + 2, close - open - 2);
        auto it = out.catalog.fragments.find(name);
        result += re.substr(pos, open - pos);
        if (it == out.catalog.fragments.end())
            out.issues.push_back({rule.file, line, "rule '" + rule.id + "': unknown fragment {{" + name + "}}"});
        else
            result += it->second;
        pos = close + 2;
    }
    return result + re.substr(pos);
}

// Expands the fragments of every rule's regex (into `expanded`) and of a site's context (in place).
void expand_fragments(LoadResult& out) {
    for (auto* list : {&out.catalog.sites, &out.catalog.causes}) {
        for (auto& rule : *list) {
            rule.expanded = expand(rule.regex, rule, rule.regex_line, out);
            if (!rule.context.empty()) rule.context = expand(rule.context, rule, rule.line, out);
        }
    }
}

}  // namespace

LoadResult load_catalog(const std::vector<SourceFile>& files) {
    LoadResult out;
    struct Seen {
        std::string file;
        int line;
        RuleOrigin origin;
    };
    std::map<std::string, Seen> seen;  // kind/id -> where it was defined last
    for (const auto& file : files) {
        try {
            YAML::Node doc = YAML::Load(file.text);
            if (!doc || doc.IsNull()) continue;
            load_document(doc, file.path, out);
            if (doc["id"] && doc["kind"]) {
                std::string key = doc["kind"].as<std::string>() + "/" + doc["id"].as<std::string>();
                auto [it, inserted] = seen.emplace(key, Seen{file.path, line_of(doc), file.origin});
                // Overriding a built-in rule from --patterns-dir is intended; two files of one
                // origin with the same id are a mistake. The origin is stated, not read from the path.
                if (!inserted && it->second.origin == file.origin)
                    out.issues.push_back({file.path, line_of(doc["id"]),
                                          "duplicate id '" + doc["id"].as<std::string>() +
                                              "', first defined at " + it->second.file + ":" +
                                              std::to_string(it->second.line)});
                it->second = {file.path, line_of(doc), file.origin};
            }
        } catch (const DocumentError& e) {
            out.issues.push_back({file.path, e.line, e.message});
        } catch (const YAML::Exception& e) {
            out.issues.push_back({file.path, e.mark.line + 1, e.msg});
        }
    }
    expand_fragments(out);
    return out;
}

std::vector<SourceFile> catalog_sources(const std::string& patterns_dir) {
    std::vector<SourceFile> files;
    for (const auto& f : embedded_catalog())
        files.push_back({std::string(f.path), std::string(f.text), RuleOrigin::builtin});
    if (patterns_dir.empty()) return files;
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(patterns_dir, ec))
        throw Error("--patterns-dir " + patterns_dir + ": not a directory", ExitCode::usage);
    std::vector<std::string> paths;
    for (auto it = fs::recursive_directory_iterator(patterns_dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        auto ext = it->path().extension();
        if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) paths.push_back(it->path().string());
    }
    if (ec) throw Error("--patterns-dir " + patterns_dir + ": " + ec.message());
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) files.push_back({p, read_input(p, 1u << 20), RuleOrigin::user});
    return files;
}

}  // namespace certdoctor
