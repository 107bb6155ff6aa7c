// nexus rules check: parse, type-check and compile a rule directory.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "rules/compiler.hpp"

#include <cstdio>

namespace nexus::app {

void add_rules_command(CLI::App& app) {
  auto* rules_command = app.add_subcommand("rules", "Work with rule packs");
  rules_command->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto* check = rules_command->add_subcommand(
      "check", "Parse, type-check and compile a rule directory; exit 0 when clean");
  check->add_option("dir", *dir, "Rule directory (default: shipped packs)");
  check->callback([dir] {
    const std::filesystem::path path =
        dir->empty() ? default_rules_dir() : std::filesystem::path(*dir);
    auto compiled = rules::compile_rule_dir(path);
    if (!compiled) {
      std::printf("%s\nFAILED: %s\n", compiled.error().message.c_str(), path.c_str());
      std::exit(1);
    }
    const auto& set = *compiled.value();
    std::printf("OK %s: %zu files, %zu lists, %zu aggregates, %zu rules, content hash %s\n",
                path.c_str(), set.files.size(), set.lists.size(), set.aggregates.size(),
                set.rules.size(), set.content_hash.c_str());
    for (const auto& rule : set.rules) {
      std::printf("  %-28s v%-3u %s\n", rule.id.c_str(), rule.version, rule.title.c_str());
    }
    std::exit(0);
  });
}

}  // namespace nexus::app
