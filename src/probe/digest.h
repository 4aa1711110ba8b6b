// Content digests as the OCI image spec defines them ("algorithm:encoded"), checked before a
// digest from a registry's JSON goes into a request path: a digest such as "../../x?y=1" would
// otherwise name another resource than the one the index lists.
#pragma once

#include <string_view>

namespace certdoctor {

// The OCI grammar:
//   digest    ::= algorithm ":" encoded
//   algorithm ::= component (separator component)*,  component ::= [a-z0-9]+,  separator ::= [+._-]
//   encoded   ::= [a-zA-Z0-9=_-]+
// and for the registered algorithms the exact form: sha256 is 64, sha512 128 lowercase hex digits.
bool is_valid_digest(std::string_view digest);

// Whether `content` is what `digest` names, for sha256 and sha512 (what a registry is asked for
// by digest must hash to it, as go-containerregistry checks); true for other algorithms, which
// cannot be checked here.
bool content_matches_digest(std::string_view content, std::string_view digest);

}  // namespace certdoctor
