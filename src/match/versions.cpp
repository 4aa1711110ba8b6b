#include "match/versions.h"

#include <re2/re2.h>

namespace certdoctor {

double tekton_minor(const std::string& version) {
    static const RE2 re(R"(v?(\d+)\.(\d+))");
    int major = 0, minor = 0;
    if (!RE2::PartialMatch(version, re, &major, &minor)) return -1;
    return major * 1000 + minor;
}

bool version_in_range(const std::string& version, const std::string& range) {
    double v = tekton_minor(version);
    if (v < 0) return false;
    static const RE2 later(R"(v?(\d+\.\d+) and later)");
    static const RE2 between(R"(v?(\d+\.\d+) to v?(\d+\.\d+))");
    static const RE2 single(R"(v?(\d+\.\d+))");
    std::string a, b;
    if (RE2::FullMatch(range, later, &a)) return v >= tekton_minor(a);
    if (RE2::FullMatch(range, between, &a, &b)) return v >= tekton_minor(a) && v <= tekton_minor(b);
    if (RE2::FullMatch(range, single, &a)) return v == tekton_minor(a);
    return false;
}

}  // namespace certdoctor
