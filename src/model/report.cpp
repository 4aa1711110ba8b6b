#include "model/report.h"

namespace certdoctor {

const char* to_string(ReportStatus status) {
    switch (status) {
        case ReportStatus::problems_found: return "problems-found";
        case ReportStatus::no_problems: return "no-problems";
        case ReportStatus::unrecognized: return "unrecognized";
    }
    return "unrecognized";
}

}  // namespace certdoctor
