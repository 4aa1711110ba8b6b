// How --apply shows a change: an object as YAML lines (its managedFields left out, private keys
// and credentials replaced by a marker, every value escaped for a terminal) and a unified diff of
// two such texts, as `diff -u` prints it. No I/O here.
//
//   std::string d = unified_diff(object_yaml(before), object_yaml(after), "configmap ns/name");
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace certdoctor {

// `object` as YAML: keys sorted, multi-line strings as literal blocks, metadata.managedFields
// dropped. A value holding a private key or named like a credential (token, password) is shown
// as "<redacted: N bytes>", so that a backup or a diff never prints one. null prints nothing.
std::string object_yaml(const nlohmann::json& object);

// The unified diff of `before` and `after` (three lines of context), with `label` in its
// `---`/`+++` header lines ("LABEL (now)", "LABEL (AFTER_NAME)"); "" when they are equal. A
// missing object is an empty text.
std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& label, const std::string& after_name = "after");

}  // namespace certdoctor
