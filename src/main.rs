fn main() -> std::process::ExitCode {
    leadbox::cli::main()
}
