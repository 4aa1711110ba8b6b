// The engine over the shipped catalog, built once for all unit tests.
#pragma once

#include "run/run.h"

namespace certdoctor::test {

inline const Engine& shipped_engine() {
    static const Engine engine("");
    return engine;
}

}  // namespace certdoctor::test
