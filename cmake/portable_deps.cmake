# The portable build's OpenSSL and libcurl: Debian 12's source packages (fetched and verified by
# cmake/debian_packages.sh, Debian's patches applied), configured with only what the plugin uses
# and linked statically, so the binary runs on any Linux with nothing of these installed.
# Defines the targets OpenSSL::SSL, OpenSSL::Crypto and CURL::libcurl the rest of the build uses.
#
# What stays working without the compiled-in paths of a distribution's build:
#   - trust store: the plugin finds the system bundle itself (src/util/system_ca.h);
#     OPENSSLDIR is Debian's, so a host's openssl.cnf is read where Debian keeps it.
#   - proxies: libcurl's own http_proxy/HTTPS_PROXY/NO_PROXY handling is kept.
#   - names: libcurl's threaded resolver calls getaddrinfo (see plugin/static_glibc.cpp).
include(ExternalProject)

set(CERTDOCTOR_DEBIAN_DIR ${CMAKE_BINARY_DIR}/debian CACHE PATH
    "Where cmake/debian_packages.sh keeps the Debian packages of the portable build")
set(debian_fetch ${PROJECT_SOURCE_DIR}/cmake/debian_packages.sh)
set(deps ${CMAKE_BINARY_DIR}/portable-deps)
set(openssl_source ${CERTDOCTOR_DEBIAN_DIR}/src/openssl)
set(curl_source ${CERTDOCTOR_DEBIAN_DIR}/src/curl)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(openssl_target linux-aarch64)
else()
  set(openssl_target linux-x86_64)
endif()
set(host_triple ${CMAKE_LIBRARY_ARCHITECTURE})

# The sources, once for every architecture.
add_custom_command(
  OUTPUT ${CERTDOCTOR_DEBIAN_DIR}/sources.stamp
  COMMAND bash ${debian_fetch} ${CERTDOCTOR_DEBIAN_DIR} source openssl/bookworm curl/bookworm
  COMMAND ${CMAKE_COMMAND} -E touch ${CERTDOCTOR_DEBIAN_DIR}/sources.stamp
  DEPENDS ${debian_fetch}
  COMMENT "Fetching Debian's OpenSSL and curl sources")
add_custom_target(portable_sources DEPENDS ${CERTDOCTOR_DEBIAN_DIR}/sources.stamp)

set(cc ${CMAKE_C_COMPILER})
set(cflags "-O2 -g0 -fPIC -ffunction-sections -fdata-sections")

# OpenSSL: no shared objects, no loadable modules or engines, TLS 1.2 and 1.3 only, without the
# algorithms neither the probe, Go's verifier nor a Kubernetes API server use.
ExternalProject_Add(openssl_static
  DEPENDS portable_sources
  SOURCE_DIR ${openssl_source}
  BINARY_DIR ${deps}/openssl-build
  INSTALL_DIR ${deps}
  DOWNLOAD_COMMAND ""
  CONFIGURE_COMMAND env CC=${cc} CFLAGS=${cflags}
    perl ${openssl_source}/Configure ${openssl_target} --prefix=<INSTALL_DIR> --libdir=lib
    --openssldir=/usr/lib/ssl no-shared no-module no-dso no-engine no-tests no-legacy no-comp
    no-ssl3 no-dtls no-weak-ssl-ciphers no-srp no-gost no-idea no-rc2 no-rc4 no-rc5 no-bf no-cast
    no-camellia no-seed no-aria no-sm2 no-sm3 no-sm4 no-whirlpool no-mdc2 no-md4 no-rmd160
    no-cms no-ts no-srtp no-sctp no-async no-afalgeng no-ui-console no-ec2m
  BUILD_COMMAND make -j2 build_libs
  INSTALL_COMMAND make install_dev
  BUILD_BYPRODUCTS <INSTALL_DIR>/lib/libssl.a <INSTALL_DIR>/lib/libcrypto.a
  LOG_CONFIGURE ON LOG_BUILD ON LOG_INSTALL ON LOG_OUTPUT_ON_FAILURE ON)

# libcurl: HTTP(S) only, through OpenSSL above, with zlib (gzip from the API server), proxies
# and the threaded resolver; no compiled-in CA paths (the plugin passes the bundle it found).
find_path(certdoctor_zlib_include zlib.h REQUIRED)
get_filename_component(zlib_libdir ${CERTDOCTOR_ZLIB} DIRECTORY)
ExternalProject_Add(curl_static
  DEPENDS portable_sources openssl_static
  SOURCE_DIR ${curl_source}
  BINARY_DIR ${deps}/curl-build
  INSTALL_DIR ${deps}
  DOWNLOAD_COMMAND ""
  CONFIGURE_COMMAND env CC=${cc} CFLAGS=${cflags} CPPFLAGS=-I${certdoctor_zlib_include}
    LDFLAGS=-L${zlib_libdir} LIBS=-pthread
    ${curl_source}/configure --host=${host_triple} --prefix=<INSTALL_DIR> --libdir=<INSTALL_DIR>/lib
    --disable-shared --enable-static --disable-dependency-tracking --disable-maintainer-mode
    --with-openssl=<INSTALL_DIR> --with-zlib --enable-threaded-resolver --enable-proxy
    --without-ca-bundle --without-ca-path --without-ca-fallback
    --without-libpsl --without-brotli --without-zstd --without-libidn2 --without-nghttp2
    --without-librtmp --without-libssh2 --without-libssh --without-gssapi --without-libgsasl
    --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp
    --disable-pop3 --disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt
    --disable-ftp --disable-file --disable-manual --disable-ntlm-wb --disable-alt-svc
    --disable-hsts --disable-cookies --disable-netrc --disable-progress-meter
  BUILD_COMMAND make -j2 -C lib
  INSTALL_COMMAND make -C lib install
  COMMAND make -C include install
  BUILD_BYPRODUCTS <INSTALL_DIR>/lib/libcurl.a
  LOG_CONFIGURE ON LOG_BUILD ON LOG_INSTALL ON LOG_OUTPUT_ON_FAILURE ON)

file(MAKE_DIRECTORY ${deps}/include)
add_library(OpenSSL::Crypto STATIC IMPORTED GLOBAL)
set_target_properties(OpenSSL::Crypto PROPERTIES IMPORTED_LOCATION ${deps}/lib/libcrypto.a
                      INTERFACE_INCLUDE_DIRECTORIES ${deps}/include INTERFACE_LINK_LIBRARIES Threads::Threads)
add_dependencies(OpenSSL::Crypto openssl_static)
add_library(OpenSSL::SSL STATIC IMPORTED GLOBAL)
set_target_properties(OpenSSL::SSL PROPERTIES IMPORTED_LOCATION ${deps}/lib/libssl.a
                      INTERFACE_INCLUDE_DIRECTORIES ${deps}/include INTERFACE_LINK_LIBRARIES OpenSSL::Crypto)
add_dependencies(OpenSSL::SSL openssl_static)
add_library(CURL::libcurl STATIC IMPORTED GLOBAL)
set_target_properties(CURL::libcurl PROPERTIES IMPORTED_LOCATION ${deps}/lib/libcurl.a
                      INTERFACE_INCLUDE_DIRECTORIES ${deps}/include INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB
                      INTERFACE_LINK_LIBRARIES "OpenSSL::SSL;${CERTDOCTOR_ZLIB};Threads::Threads")
add_dependencies(CURL::libcurl curl_static)
