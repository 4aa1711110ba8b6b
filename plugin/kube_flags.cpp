#include "kube_flags.h"

#include "flag_values.h"

namespace certdoctor {

KubeFlags kube_flags(const Options& o) {
    KubeFlags flags;
    flags.kubeconfig = o.kubeconfig;
    flags.context = o.context;
    flags.cluster = o.cluster;
    flags.user = o.user;
    flags.namespace_ = o.namespace_;
    flags.request_timeout = parse_duration(o.request_timeout, "--request-timeout");
    flags.server = o.server;
    flags.token = o.token;
    flags.certificate_authority = o.certificate_authority;
    flags.insecure_skip_tls_verify = o.insecure_skip_tls_verify;
    flags.impersonate_user = o.as;
    flags.impersonate_groups = o.as_groups;
    return flags;
}

}  // namespace certdoctor
