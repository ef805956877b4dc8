//! The `iapz` command: argument parsing, exit codes and messages. All work is in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
