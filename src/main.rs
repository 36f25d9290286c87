// The import hands every record from its parser thread to the store's thread; glibc's
// allocator pays for each such cross-thread free, mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    leadbox::cli::main()
}
