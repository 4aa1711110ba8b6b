// What the command line asked for, as plain data: argv -> Options -> the core -> an exit code.
#pragma once

#include <string>
#include <vector>

namespace certdoctor {

enum class OutputFormat { text, json, yaml, markdown };

struct Options {
    std::string command;     // explain | diagnose | analyze | probe | patterns list|lint|test|regexes | version | completion | help
    std::string output_text = "text";  // -o as typed; parse_output_format() reads it into `output`
    OutputFormat output = OutputFormat::text;
    bool show_version = false;       // --version
    std::string shell;               // completion SHELL
    std::vector<std::string> help_words;  // help COMMAND...
    std::string patterns_dir;
    bool no_color = false;
    bool brief = false;              // explain / diagnose / analyze --brief: the first fix of each problem
    bool redact = false;             // --redact: placeholders for names (src/redact)
    int verbose = 0;
    std::vector<std::string> text;   // explain: the words given
    std::string filename;            // diagnose -f
    std::vector<std::string> resource_args;  // diagnose TYPE/NAME, or TYPE NAME
    std::string resource;            // diagnose: TYPE/NAME from resource_args
    std::string target;              // probe
    std::vector<std::string> ca_files;
    bool no_system_roots = false;
    std::string server_name;
    std::string chain_file;          // probe --chain-file (offline)
    std::string at;                  // probe --at: RFC 3339 or +DURATION from now
    std::string timeout = "10s";
    bool probe = false;              // explain / diagnose --probe
    bool entrypoint = false;         // probe --entrypoint
    std::string registry_config;
    // Cluster access, with kubectl's flag names.
    std::string kubeconfig;
    std::string context;
    std::string cluster;
    std::string user;
    std::string namespace_;
    std::string server;              // -s, --server
    std::string token;               // --token (never printed)
    std::string certificate_authority;
    bool insecure_skip_tls_verify = false;
    std::string as;                  // --as
    std::vector<std::string> as_groups;  // --as-group
    std::string request_timeout = "30s";
    bool all_namespaces = false;
    std::string selector;
    std::string since;
    std::string expiry_warning = "30d";
    // Counts as typed: checked by parse_count (plugin/flag_values.h), never wrapped by a cast.
    std::string limit = "0";
    std::string chunk_size = "500";
    bool no_probe = false;
    // analyze
    std::vector<std::string> files;
    bool follow = false;
    bool from_cluster = false;
    std::string tail;  // "" when not given
    bool previous = false;
    std::string syntax = "re2";  // patterns regexes
    std::string export_dir;      // export DIR
    bool force = false;          // export --force: replace what DIR holds
    // diagnose --apply[=task]: "" when not asked, "cluster" for --apply, "task" for --apply=task.
    std::string apply;
    bool yes = false;            // --yes: apply without asking
    std::string dry_run = "none";  // --dry-run=none|server
    bool verify = false;         // --verify
    bool timeout_given = false;  // --timeout was typed (it bounds the rollout wait of --apply too)
};

}  // namespace certdoctor
