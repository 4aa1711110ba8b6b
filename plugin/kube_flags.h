// kubectl's connection flags, from the parsed command line to the kube layer's KubeFlags.
#pragma once

#include "kube/kubeconfig.h"
#include "options.h"

namespace certdoctor {

KubeFlags kube_flags(const Options& o);

}  // namespace certdoctor
