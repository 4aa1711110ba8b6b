#include "logscan/literal_scan.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "util/error.h"

namespace certdoctor {

namespace {

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

__attribute__((target("avx2,popcnt"))) size_t count_newlines_avx2(const char* p, const char* end) {
    size_t n = 0;
    const __m256i nl = _mm256_set1_epi8('\n');
    for (; end - p >= 32; p += 32) {
        __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        n += static_cast<size_t>(__builtin_popcount(static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl)))));
    }
    return n + static_cast<size_t>(std::count(p, end, '\n'));
}

__attribute__((target("avx2"))) inline __m256i broadcast_table(const std::array<uint8_t, 16>& t) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data())));
}

// The buckets whose needle byte could stand at each of 32 positions.
__attribute__((target("avx2"))) inline __m256i bucket_bits(__m256i v, __m256i lo, __m256i hi) {
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    __m256i l = _mm256_and_si256(v, nibble);
    __m256i h = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
    return _mm256_and_si256(_mm256_shuffle_epi8(lo, l), _mm256_shuffle_epi8(hi, h));
}

bool cpu_has_avx2() {
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    return has;
}

}  // namespace

size_t count_newlines(const char* begin, const char* end) {
    if (cpu_has_avx2()) return count_newlines_avx2(begin, end);
    return static_cast<size_t>(std::count(begin, end, '\n'));
}

LiteralScanner::LiteralScanner(const std::vector<std::string>& needles) : avx2_(cpu_has_avx2()) {
    if (needles.empty()) throw Error("the literal prefilter needs at least one needle");
    for (size_t i = 0; i < needles.size(); ++i) {
        const std::string& n = needles[i];
        if (n.size() < 3) throw Error("prefilter needle '" + n + "' is shorter than 3 bytes");
        std::string lower(n);
        std::transform(lower.begin(), lower.end(), lower.begin(), lower_ascii);
        // Needles that share their first bytes share a bucket, so a passing position is compared
        // with few needles.
        size_t bucket = (static_cast<uint8_t>(lower[0]) * 31u + static_cast<uint8_t>(lower[1])) % 8;
        buckets_[bucket].push_back({lower});
        uint8_t bit = static_cast<uint8_t>(1u << bucket);
        for (size_t k = 0; k < 3; ++k) {
            unsigned char c = static_cast<unsigned char>(lower[k]);
            for (unsigned char variant : {c, static_cast<unsigned char>(c >= 'a' && c <= 'z' ? c - 32 : c)}) {
                low_[k][variant & 0x0f] |= bit;
                high_[k][variant >> 4] |= bit;
                byte_[k][variant] |= bit;
            }
        }
    }
}

bool LiteralScanner::verify(const char* at, const char* end, uint8_t buckets) const {
    for (size_t b = 0; b < 8; ++b) {
        if (!(buckets & (1u << b))) continue;
        for (const auto& n : buckets_[b]) {
            if (static_cast<size_t>(end - at) < n.lower.size()) continue;
            size_t i = 0;
            while (i < n.lower.size() && lower_ascii(at[i]) == n.lower[i]) ++i;
            if (i == n.lower.size()) return true;
        }
    }
    return false;
}

const char* LiteralScanner::find_portable(const char* p, const char* end) const {
    for (; end - p >= 3; ++p) {
        uint8_t m = byte_[0][static_cast<unsigned char>(p[0])];
        if (!m) continue;
        m &= byte_[1][static_cast<unsigned char>(p[1])] & byte_[2][static_cast<unsigned char>(p[2])];
        if (m && verify(p, end, m)) return p;
    }
    return end;
}

__attribute__((target("avx2"))) const char* LiteralScanner::find_avx2(const char* p, const char* end) const {
    const __m256i lo0 = broadcast_table(low_[0]), lo1 = broadcast_table(low_[1]), lo2 = broadcast_table(low_[2]);
    const __m256i hi0 = broadcast_table(high_[0]), hi1 = broadcast_table(high_[1]), hi2 = broadcast_table(high_[2]);
    const __m256i zero = _mm256_setzero_si256();
    alignas(32) uint8_t lanes[32];
    while (end - p >= 34) {
        __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
        __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2));
        __m256i r = _mm256_and_si256(bucket_bits(v0, lo0, hi0), _mm256_and_si256(bucket_bits(v1, lo1, hi1), bucket_bits(v2, lo2, hi2)));
        unsigned bits = ~static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(r, zero)));
        if (bits) {
            _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), r);
            while (bits) {
                int i = __builtin_ctz(bits);
                bits &= bits - 1;
                if (verify(p + i, end, lanes[i])) return p + i;
            }
        }
        p += 32;
    }
    return find_portable(p, end);
}

const char* LiteralScanner::find(const char* begin, const char* end) const {
    return avx2_ ? find_avx2(begin, end) : find_portable(begin, end);
}

}  // namespace certdoctor
