// Assertions on a planned fix, shared by the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "model/report.h"

namespace certdoctor::test {

// Some command of `fix` holds `piece`; on failure the message lists the commands.
inline ::testing::AssertionResult a_command_holds(const FixView& fix, const std::string& piece) {
    for (const auto& c : fix.commands)
        if (c.find(piece) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << fix.id << " has no command with " << piece << ": "
                                         << ::testing::PrintToString(fix.commands);
}

}  // namespace certdoctor::test
