//! The `hicp` binary: wires the command line to the library.

fn main() -> std::process::ExitCode {
    hicp::cli::main()
}
