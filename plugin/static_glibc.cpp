// Linked into the portable (fully static) binary only. A static glibc can resolve names with
// its built-in "files" and "dns" services (/etc/hosts, resolv.conf with its search domains and
// options), but would dlopen any other service a host's nsswitch.conf lists (mdns4_minimal,
// myhostname, resolve, sss) from that host's glibc, which need not match ours. Pinning the
// lookups to the built-in services makes them behave as kubectl's (Go's) own resolver does.
#include <nss.h>

namespace {

__attribute__((constructor)) void use_builtin_name_services() {
    __nss_configure_lookup("hosts", "files dns");
    __nss_configure_lookup("services", "files");
    __nss_configure_lookup("passwd", "files");
    __nss_configure_lookup("group", "files");
}

}  // namespace
