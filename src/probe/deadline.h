// One time budget for a whole probe: every network step asks how much is left.
#pragma once

#include <chrono>

namespace certdoctor {

class Deadline {
public:
    explicit Deadline(std::chrono::milliseconds budget) : end_(std::chrono::steady_clock::now() + budget) {}
    std::chrono::milliseconds left() const {
        auto d = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - std::chrono::steady_clock::now());
        return d.count() > 0 ? d : std::chrono::milliseconds(0);
    }
    bool passed() const { return left().count() == 0; }

private:
    std::chrono::steady_clock::time_point end_;
};

}  // namespace certdoctor
