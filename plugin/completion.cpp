#include "completion.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

#include "command_tree.h"
#include "kube/client.h"
#include "kube_flags.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/kube_names.h"
#include "util/text.h"

namespace certdoctor {
namespace {

constexpr std::chrono::milliseconds kClusterBound{2000};
constexpr int kMaxPages = 10;

struct Candidate {
    std::string value;
    std::string description;
};

struct Answer {
    std::vector<Candidate> candidates;
    int directive = kDirectiveNoFileComp;
};

// A candidate goes to the shell only when it holds no control character, C1 or bidi control
// (what visible() would escape): a kubeconfig's or a cluster's names cannot act on the terminal.
bool printable(const std::string& s) { return visible(s) == s && s.find('\t') == std::string::npos; }

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

CLI::App* subcommand_named(CLI::App& cmd, const std::string& word) {
    for (CLI::App* sub : cmd.get_subcommands([](CLI::App*) { return true; }))
        if (sub->check_name(word)) return sub;
    return nullptr;
}

const CLI::Option* option_below(const CLI::App& cmd, const std::string& name) {
    if (const CLI::Option* opt = cmd.get_option_no_throw(name)) return opt;
    for (const CLI::App* sub : cmd.get_subcommands([](const CLI::App*) { return true; }))
        if (const CLI::Option* opt = option_below(*sub, name)) return opt;
    return nullptr;
}

// The option a flag word names (--name, --name=value, -n, -nVALUE): on `cmd` or a parent, else
// on a command below it (`-n ci diagnose ...` names diagnose's -n before the command).
const CLI::Option* option_of(const CLI::App& cmd, const std::string& word) {
    std::string name = starts_with(word, "--") ? word.substr(0, word.find('=')) : word.substr(0, 2);
    for (const CLI::App* c = &cmd; c != nullptr; c = c->get_parent())
        if (const CLI::Option* opt = c->get_option_no_throw(name)) return opt;
    return option_below(cmd, name);
}

bool takes_value(const CLI::Option* opt) {
    return opt->get_type_size_max() > 0;
}

bool value_inline(const std::string& word) {
    return starts_with(word, "--") ? word.find('=') != std::string::npos : word.size() > 2;
}

std::string long_name(const CLI::Option* opt) {
    return opt->get_lnames().empty() ? opt->get_snames().front() : opt->get_lnames().front();
}

// Names in the kubeconfig files kubectl would read: contexts, clusters or users.
std::vector<std::string> kubeconfig_names(const Options& o, const std::string& list) {
    std::vector<std::string> paths;
    if (!o.kubeconfig.empty()) {
        paths.push_back(o.kubeconfig);
    } else if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
        std::string all = env;
        for (size_t start = 0; start <= all.size();) {
            size_t end = std::min(all.find(':', start), all.size());
            if (end > start) paths.push_back(all.substr(start, end - start));
            start = end + 1;
        }
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        paths.push_back(std::string(home) + "/.kube/config");
    }
    std::vector<std::string> names;
    for (const auto& path : paths) {
        struct stat st {};
        if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (16 << 20))
            continue;
        try {
            YAML::Node items = YAML::LoadFile(path)[list];
            if (!items || !items.IsSequence()) continue;
            for (const auto& item : items)
                if (item.IsMap() && item["name"] && item["name"].IsScalar())
                    names.push_back(item["name"].as<std::string>());
        } catch (const std::exception&) {
        }
    }
    return names;
}

void add_names_in(const nlohmann::json& list, std::vector<std::string>& names) {
    if (!list.contains("items") || !list["items"].is_array()) return;
    for (const auto& item : list["items"])
        if (item.contains("metadata") && item["metadata"].is_object() &&
            item["metadata"].contains("name") && item["metadata"]["name"].is_string())
            names.push_back(item["metadata"]["name"].get<std::string>());
}

// The names of a list, page after page (at most kMaxPages of 500, as kubectl's chunks).
std::vector<std::string> list_names(KubeClient& client, const std::string& path) {
    std::vector<std::string> names;
    std::string token;
    auto start = std::chrono::steady_clock::now();
    // A further page only while the lookup is within its bound: a slow server gives the names so
    // far.
    for (int page = 0;
         page < kMaxPages && std::chrono::steady_clock::now() - start < kClusterBound / 2; ++page) {
        nlohmann::json list = client.get(
            path + "?limit=500" + (token.empty() ? "" : "&continue=" + percent_encode(token)));
        add_names_in(list, names);
        const auto& meta = list.value("metadata", nlohmann::json::object());
        token = meta.is_object() && meta.contains("continue") && meta["continue"].is_string()
                    ? meta["continue"].get<std::string>()
                    : "";
        if (token.empty() || token.size() > 65536) break;
    }
    return names;
}

// Names from the cluster: "namespaces", or "taskruns" / "pipelineruns" of the namespace the
// words chose. Each request is bounded by 2 s (and at most kMaxPages are read); any failure
// means no candidates.
std::vector<std::string> cluster_names(const Options& o, const std::string& plural) {
    try {
        KubeFlags flags = kube_flags(o);
        flags.request_timeout = std::min(flags.request_timeout, kClusterBound);
        RestConfig rc = load_rest_config(flags);
        std::string ns = rc.namespace_;
        KubeClient client(std::move(rc));
        if (plural == "namespaces") return list_names(client, "/api/v1/namespaces");
        if (!is_dns_label(ns)) return {};
        for (const char* version : {"v1", "v1beta1"}) {
            try {
                return list_names(client, std::string("/apis/tekton.dev/") + version +
                                              "/namespaces/" + ns + "/" + plural);
            } catch (const ApiError& e) {
                if (e.status() != 404) return {};
            }
        }
    } catch (const std::exception&) {
    }
    return {};
}

const std::set<std::string> kTaskRunTypes = {
    "taskrun", "taskruns", "tr", "trs", "taskrun.tekton.dev", "taskruns.tekton.dev"};
const std::set<std::string> kPipelineRunTypes = {
    "pipelinerun", "pipelineruns",           "pr",
    "prs",         "pipelinerun.tekton.dev", "pipelineruns.tekton.dev"};

void add_names(Answer& a, const std::vector<std::string>& names, const std::string& prefix) {
    for (const auto& n : names) a.candidates.push_back({prefix + n, ""});
}

// Values for a flag, by its long name.
Answer flag_values(const std::string& name, const Options& o) {
    Answer a;
    if (name == "output")
        for (const char* f : kOutputFormats) a.candidates.push_back({f, ""});
    else if (name == "context" || name == "cluster" || name == "user")
        add_names(a,
                  kubeconfig_names(o, name == "context"   ? "contexts"
                                      : name == "cluster" ? "clusters"
                                                          : "users"),
                  "");
    else if (name == "namespace")
        add_names(a, cluster_names(o, "namespaces"), "");
    else if (name == "syntax")
        a.candidates = {{"re2", "RE2, as rg -f reads it"}, {"ere", "POSIX ERE, for grep -E -f"}};
    else if (name == "kubeconfig" || name == "filename" || name == "ca-file" ||
             name == "certificate-authority" || name == "chain-file" || name == "registry-config" ||
             name == "patterns-dir")
        a.directive = kDirectiveDefault;
    return a;
}

// The positional argument of `cmd` after `given` of them.
Answer positional_values(const CLI::App& app, const CLI::App& cmd, const Options& o,
                         const std::vector<std::string>& positionals, const std::string& partial) {
    Answer a;
    std::string name = cmd.get_name();
    if (name == "diagnose") {
        const auto& given = o.resource_args;
        if (given.empty()) {
            size_t slash = partial.find('/');
            if (slash != std::string::npos) {
                std::string type = partial.substr(0, slash);
                if (kTaskRunTypes.count(type))
                    add_names(a, cluster_names(o, "taskruns"), type + "/");
                else if (kPipelineRunTypes.count(type))
                    add_names(a, cluster_names(o, "pipelineruns"), type + "/");
                return a;
            }
            a.candidates = {{"taskrun", "a TaskRun: taskrun NAME or taskrun/NAME"},
                            {"pipelinerun", "a PipelineRun: pipelinerun NAME or pipelinerun/NAME"},
                            {"taskruns", "every failed TaskRun of the namespace (-A: of all)"},
                            {"tr", "short for taskrun"},
                            {"pr", "short for pipelinerun"}};
            return a;
        }
        if (given.size() == 1 && given[0].find('/') == std::string::npos &&
            given[0] != "taskruns") {
            if (kTaskRunTypes.count(given[0]))
                add_names(a, cluster_names(o, "taskruns"), "");
            else if (kPipelineRunTypes.count(given[0]))
                add_names(a, cluster_names(o, "pipelineruns"), "");
        }
        return a;
    }
    if (name == "completion" && o.shell.empty()) {
        a.candidates = {{"bash", ""}, {"zsh", ""}, {"fish", ""}};
        return a;
    }
    if (name == "help") {
        const CLI::App* at = &app;
        for (const auto& word : positionals) {
            const CLI::App* next = nullptr;
            for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; }))
                if (sub->check_name(word)) next = sub;
            if (next == nullptr) return a;
            at = next;
        }
        for (const CLI::App* sub :
             at->get_subcommands([](const CLI::App* c) { return !c->get_group().empty(); }))
            a.candidates.push_back({sub->get_name(), sub->get_description()});
        return a;
    }
    if (name == "analyze") a.directive = kDirectiveDefault;  // log files
    return a;
}

}  // namespace

int run_complete(std::vector<std::string> words) {
    std::string partial = words.empty() ? std::string() : words.back();
    if (!words.empty()) words.pop_back();
    Options o;
    CLI::App app;
    build_command_tree(app, o);

    // Walk the words as the parser will: which command, and whether a flag waits for its value.
    CLI::App* cmd = &app;
    const CLI::Option* pending = nullptr;
    bool only_positionals = false;
    std::vector<std::string> path, flags, positionals;  // positionals: of the innermost command
    for (const auto& w : words) {
        if (pending != nullptr) {
            pending = nullptr;
            flags.push_back(w);
        } else if (w == "--") {
            only_positionals = true;
        } else if (!only_positionals && w.size() > 1 && w[0] == '-') {
            const CLI::Option* opt = option_of(*cmd, w);
            if (opt != nullptr && takes_value(opt) && !value_inline(w)) pending = opt;
            flags.push_back(w);
        } else if (CLI::App* sub = only_positionals || cmd->get_name() == "help"
                                       ? nullptr
                                       : subcommand_named(*cmd, w)) {
            cmd = sub;
            path.push_back(w);
            positionals.clear();
        } else {
            positionals.push_back(w);
        }
    }
    // The flags given so far (--namespace, --context, --kubeconfig, ...) fill `o`, wherever they
    // stood: after the command, where it takes them.
    if (pending != nullptr) flags.pop_back();
    std::vector<std::string> given = path;
    given.insert(given.end(), flags.begin(), flags.end());
    if (!positionals.empty()) given.push_back("--");
    given.insert(given.end(), positionals.begin(), positionals.end());
    std::reverse(given.begin(), given.end());
    try {
        app.parse(given);
    } catch (const std::exception&) {
    }

    Answer a;
    if (pending != nullptr) {
        a = flag_values(long_name(pending), o);
    } else if (starts_with(partial, "--") && partial.find('=') != std::string::npos) {
        std::string flag = partial.substr(0, partial.find('=') + 1);
        if (const CLI::Option* opt = option_of(*cmd, partial)) {
            a = flag_values(long_name(opt), o);
            for (auto& c : a.candidates) c.value = flag + c.value;
        }
    } else if (starts_with(partial, "-") && !only_positionals) {
        for (const CLI::Option* opt : cmd->get_options()) {
            if (opt->get_positional()) continue;
            for (const auto& l : opt->get_lnames())
                a.candidates.push_back({"--" + l, opt->get_description()});
            if (partial.size() <= 2)
                for (const auto& s : opt->get_snames())
                    a.candidates.push_back({"-" + s, opt->get_description()});
        }
    } else {
        auto subs = cmd->get_subcommands([](CLI::App* c) { return !c->get_group().empty(); });
        if (!subs.empty() && !only_positionals)
            for (const CLI::App* sub : subs)
                a.candidates.push_back({sub->get_name(), sub->get_description()});
        else
            a = positional_values(app, *cmd, o, positionals, partial);
    }

    for (const auto& c : a.candidates) {
        if (!starts_with(c.value, partial) || !printable(c.value)) continue;
        std::string description = c.description.substr(0, c.description.find('\n'));
        std::cout << c.value
                  << (description.empty() || !printable(description) ? "" : "\t" + description)
                  << "\n";
    }
    std::cout << ":" << a.directive << "\n";
    return 0;
}

}  // namespace certdoctor
