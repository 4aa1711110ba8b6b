#include "run/run.h"

#include "diagnose/diagnose.h"
#include "input/dump_source.h"
#include "input/text_source.h"

namespace certdoctor {

Engine::Engine(const std::string& patterns_dir) : Engine(load_catalog_or_throw(patterns_dir)) {}

Engine::Engine(Catalog catalog)
    : catalog_(std::make_unique<Catalog>(std::move(catalog))),
      matcher_(std::make_unique<Matcher>(*catalog_)) {}

Report explain_text(const Engine& engine, const std::string& text, const std::string& source) {
    return diagnose(read_text(text, source), engine.matcher(), engine.catalog());
}

Report diagnose_dump(const Engine& engine, const std::string& text, const std::string& source) {
    return diagnose(read_dump(text, source), engine.matcher(), engine.catalog());
}

}  // namespace certdoctor
