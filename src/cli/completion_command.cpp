// `segmint completion bash|zsh|fish`: a completion script written from the command line's own definition (the
// commands and their options as CLI11 holds them), so it never falls behind a new option.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"

namespace segmint::cli {

namespace {

struct CommandWords {
    std::string name;
    std::string description;
    std::vector<std::string> options;  // --long and -s forms
};

std::vector<CommandWords> words_of(const CLI::App& app) {
    std::vector<CommandWords> out;
    for (const CLI::App* command : app.get_subcommands({})) {
        CommandWords words{command->get_name(), command->get_description(), {}};
        for (const CLI::Option* option : command->get_options()) {
            for (const auto& name : option->get_lnames()) words.options.push_back("--" + name);
            for (const auto& name : option->get_snames()) words.options.push_back("-" + name);
        }
        for (const CLI::Option* option : app.get_options()) {  // --quiet works after the command too
            for (const auto& name : option->get_lnames()) {
                if (name != "help" && name != "version") words.options.push_back("--" + name);
            }
        }
        out.push_back(std::move(words));
    }
    return out;
}

std::string bash_script(const std::vector<CommandWords>& commands) {
    std::vector<std::string> names;
    std::string cases;
    for (const auto& command : commands) {
        names.push_back(command.name);
        cases += fmt::format("        {}) options=\"{}\" ;;\n", command.name, fmt::join(command.options, " "));
    }
    return fmt::format(R"(# bash completion for segmint (`source <(segmint completion bash)`, or save it as
# /usr/share/bash-completion/completions/segmint).
_segmint() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} options=""
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "{} --help --version --quiet" -- "$cur"))
        return
    fi
    case "${{COMP_WORDS[1]}}" in
{}    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _segmint segmint
)",
                       fmt::join(names, " "), cases);
}

// zsh runs the bash function through bashcompinit, so both shells offer the same words.
std::string zsh_script(const std::vector<CommandWords>& commands) {
    return "#compdef segmint\n# zsh completion for segmint (`source <(segmint completion zsh)`).\n"
           "autoload -U +X bashcompinit && bashcompinit\n" +
           bash_script(commands);
}

std::string fish_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += (c == '\'' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return out + "'";
}

std::string fish_script(const std::vector<CommandWords>& commands) {
    std::vector<std::string> names;
    for (const auto& command : commands) names.push_back(command.name);
    std::string out = "# fish completion for segmint (`segmint completion fish | source`).\n";
    for (const auto& command : commands) {
        out += fmt::format("complete -c segmint -n '__fish_use_subcommand' -f -a {} -d {}\n", command.name,
                           fish_quote(command.description));
    }
    for (const auto& command : commands) {
        for (const auto& option : command.options) {
            const bool is_long = option.rfind("--", 0) == 0;
            out += fmt::format("complete -c segmint -n '__fish_seen_subcommand_from {}' -{} {}\n", command.name,
                               is_long ? "l" : "s", option.substr(is_long ? 2 : 1));
        }
    }
    return out;
}

}  // namespace

void add_completion_command(CLI::App& app, CommandRunner& runner) {
    auto shell = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
    command->add_option("shell", *shell, "The shell")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
    command->callback([shell, &runner, &app] {
        const auto commands = words_of(app);
        write_out(*shell == "bash"  ? bash_script(commands)
                  : *shell == "zsh" ? zsh_script(commands)
                                    : fish_script(commands));
        runner.exit_code = finish_output();
    });
}

}  // namespace segmint::cli
