// The command table turned into a CLI11 parser, and Args filled from what it parsed. CLI11
// (Debian libcli11-dev, header-only) parses; this file adds the "did you mean" hint and keeps
// the exit codes of docs/cli.md.
#include "app/parser.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>
#include <string>

namespace softbms::app {
namespace {

// A subcommand as built: its table row, the CLI11 app and its positional options in order.
struct Node {
  const CommandSpec* spec = nullptr;
  CLI::App* app = nullptr;
  std::vector<CLI::Option*> positionals;
  std::vector<Node> children;
};

constexpr int kManyWords = CLI::detail::expected_max_vector_size;

void add_options(const CommandSpec& spec, Node& node) {
  for (const OptionGroup& group : spec.groups) {
    for (const OptionSpec& o : group.options) {
      const std::string help(o.help);
      CLI::Option* opt = o.value.empty() ? node.app->add_flag(std::string(o.names), help)
                                         : node.app->add_option(std::string(o.names), help);
      if (!o.value.empty()) {
        opt->type_name(std::string(o.value));
        opt->expected(1);
        opt->multi_option_policy(o.repeat ? CLI::MultiOptionPolicy::TakeAll
                                          : CLI::MultiOptionPolicy::TakeLast);
      }
      opt->group(std::string(group.title));
    }
  }
  for (const PositionalSpec& p : spec.positionals) {
    const std::string help(p.help);
    CLI::Option* opt = node.app->add_option(std::string(p.name), help);
    opt->expected(p.many ? 0 : 1, p.many ? kManyWords : 1);
    opt->type_name("");
    opt->allow_extra_args(p.many);
    node.positionals.push_back(opt);
  }
}

Node build(const CommandSpec& spec, CLI::App& parent) {
  Node node{
      &spec, parent.add_subcommand(std::string(spec.name), std::string(spec.summary)), {}, {}};
  node.app->allow_extras();
  // One subcommand per level: a later word that names another command is a word, not a jump.
  node.app->require_subcommand(0, 1);
  if (!spec.footer.empty()) node.app->footer(std::string(spec.footer));
  add_options(spec, node);
  for (const CommandSpec& child : spec.subcommands)
    node.children.push_back(build(child, *node.app));
  return node;
}

std::string path_of(const std::vector<const Node*>& path) {
  std::string out = "softbms";
  for (const Node* n : path) out += " " + std::string(n->spec->name);
  return out;
}

Args args_of(const Node& node) {
  Args a;
  for (const CLI::Option* o : node.app->get_options()) {
    if (o->count() == 0 || o->get_lnames().empty()) continue;
    const std::string& name = o->get_lnames().front();
    if (name == "help") continue;
    if (o->get_expected_max() == 0) {
      a.flags.push_back(name);
      continue;
    }
    for (const std::string& v : o->results()) a.values.emplace_back(name, v);
  }
  for (const CLI::Option* p : node.positionals) {
    for (const std::string& w : p->results()) a.words.push_back(w);
  }
  return a;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::Option* o : app.get_options()) {
    for (const auto& l : o->get_lnames()) out.push_back("--" + l);
    for (const auto& s : o->get_snames()) out.push_back("-" + s);
  }
  return out;
}

// The first word the parser left over at any level, told as an error with a hint.
int leftover(const std::vector<const Node*>& path, const CLI::App& root,
             std::span<const CommandSpec> commands, Io io) {
  const std::vector<std::string> top = root.remaining();
  if (!top.empty()) {
    const std::string& w = top.front();
    std::vector<std::string_view> known;
    for (const auto& c : commands) known.push_back(c.name);
    const std::string_view hint = w.starts_with("-") ? std::string_view{} : nearest(w, known);
    io.err << "softbms: unknown " << (w.starts_with("-") ? "option" : "command") << " '" << w << "'"
           << (hint.empty() ? "" : " (did you mean '" + std::string(hint) + "'?)")
           << "\nRun 'softbms --help' for the commands.\n";
    return kUsage;
  }
  for (std::size_t depth = 0; depth < path.size(); ++depth) {
    const Node& node = *path[depth];
    const std::vector<std::string> rest = node.app->remaining();
    if (rest.empty()) continue;
    const std::vector<const Node*> here(path.begin(), path.begin() + static_cast<long>(depth) + 1);
    const std::string where = path_of(here);
    const std::string& w = rest.front();
    if (w.starts_with("-") && w.size() > 1) {
      const std::vector<std::string> names = option_names(*node.app);
      const std::vector<std::string_view> known(names.begin(), names.end());
      const std::string_view hint = nearest(w.substr(0, w.find('=')), known);
      io.err << where << ": unknown option '" << w << "'"
             << (hint.empty() ? "" : " (did you mean '" + std::string(hint) + "'?)") << "\n";
    } else {
      std::vector<std::string_view> known;
      for (const Node& c : node.children) known.push_back(c.spec->name);
      const std::string_view hint = nearest(w, known);
      io.err << where << ": unexpected '" << w << "'"
             << (hint.empty() ? "" : " (did you mean '" + std::string(hint) + "'?)") << "\n";
    }
    io.err << "Run '" << where << " --help' for its options.\n";
    return kUsage;
  }
  return -1;
}

// The chain of subcommands the parser chose, outermost first.
std::vector<const Node*> chosen(const std::vector<Node>& nodes) {
  std::vector<const Node*> path;
  const std::vector<Node>* level = &nodes;
  for (bool found = true; found;) {
    found = false;
    for (const Node& n : *level) {
      if (n.app->parsed()) {
        path.push_back(&n);
        level = &n.children;
        found = true;
        break;
      }
    }
  }
  return path;
}

}  // namespace

std::string_view nearest(std::string_view word, std::span<const std::string_view> known) {
  std::string_view best;
  std::size_t best_d = std::string_view::npos;
  std::vector<std::size_t> row(word.size() + 1);
  for (const std::string_view k : known) {
    // Levenshtein distance, one row at a time.
    for (std::size_t j = 0; j <= word.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= k.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= word.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (k[i - 1] == word[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    if (row[word.size()] < best_d) {
      best_d = row[word.size()];
      best = k;
    }
  }
  // Close: at most 2 edits, or a third of the word for long names.
  return best_d <= std::max<std::size_t>(2, word.size() / 3) ? best : std::string_view{};
}

int dispatch(std::span<const CommandSpec> commands, int argc, const char* const* argv, Io io) {
  CLI::App root("softbms: the JK smart BMS family as software (docs/cli.md)", "softbms");
  root.allow_extras();
  root.require_subcommand(0, 1);
  const std::string version_help = "print the version and exit";
  const CLI::Option* version = root.add_flag("--version", version_help);
  std::vector<Node> nodes;
  for (const CommandSpec& c : commands) nodes.push_back(build(c, root));
  root.footer("Run 'softbms COMMAND --help' for a command's options and arguments.");
  if (argc < 2) {
    io.err << root.help();
    return kUsage;
  }
  if (argc == 2 && std::string_view(argv[1]) == "help") {
    io.out << root.help();
    return kOk;
  }
  try {
    root.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return root.exit(e, io.out, io.err);
  } catch (const CLI::CallForAllHelp& e) {
    return root.exit(e, io.out, io.err);
  } catch (const CLI::ParseError& e) {
    io.err << path_of(chosen(nodes)) << ": " << e.what() << "\n";
    return kUsage;
  }
  const std::vector<const Node*> path = chosen(nodes);
  if (const int rc = leftover(path, root, commands, io); rc >= 0) return rc;
  if (version->count() > 0 && path.empty()) return cmd_version({}, io);
  if (path.empty()) {
    io.err << root.help();
    return kUsage;
  }
  const Node& node = *path.back();
  if (node.spec->run == nullptr) {
    io.err << path_of(path) << ": say which: ";
    for (const Node& c : node.children)
      io.err << c.spec->name << (&c == &node.children.back() ? "\n" : ", ");
    io.err << node.app->help(path_of({path.begin(), path.end() - 1}));
    return kUsage;
  }
  return node.spec->run(args_of(node), io);
}

}  // namespace softbms::app
