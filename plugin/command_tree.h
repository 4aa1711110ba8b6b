// The command tree of kubectl tekton-certdoctor (CLI11), built over one Options: what main.cpp
// parses with, and what the shell completion and the man page are generated from.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "options.h"
#include "output_format.h"

namespace certdoctor {

inline constexpr const char* kName = "kubectl tekton-certdoctor";
inline constexpr const char* kBinaryName = "kubectl-tekton_certdoctor";
inline constexpr const char* kGlobalGroup = "Global flags";
inline constexpr const char* kClusterGroup = "Cluster";
extern const char* const kExitCodes;

void build_command_tree(CLI::App& app, Options& o);

// -o, --patterns-dir, --no-color and -v, on the root and (under kGlobalGroup) on every command.
void add_global_flags(CLI::App* cmd, Options& o, const std::string& group);

// kubectl's connection flags: --kubeconfig, --context, -s/--server, --token, --as, ...
void add_connection_flags(CLI::App* cmd, Options& o);

// `app` and every command under it, hidden ones too, parents first.
void for_each_command(CLI::App& app, const std::function<void(CLI::App&)>& visit);

// "kubectl tekton-certdoctor patterns list"
std::string command_path(const CLI::App& cmd);

}  // namespace certdoctor
