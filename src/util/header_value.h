// Values that go into an HTTP request header (a bearer token, a user name): a CR or LF would
// end the header and start another one the server reads as ours, and a NUL would cut the value.
#pragma once

#include <string_view>

namespace certdoctor {

// True when `value` holds no CR, LF or NUL and so can be sent as one header value.
inline bool is_header_safe(std::string_view value) {
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace certdoctor
