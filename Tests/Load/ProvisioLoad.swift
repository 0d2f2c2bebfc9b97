import ArgumentParser
import NIOCore
import NIOPosix

/// The entry point: Swift Concurrency runs on NIO's event loops, as in the services (`ServiceMain`), so the floor
/// servers and the client pay the same scheduling costs as the stack they are compared with.
@main
enum ProvisioLoadMain {
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await ProvisioLoad.main()
    }
}

/// `provisio-load`: load scenarios against a running Provisio stack (or one it starts itself).
///
/// Each scenario is a subcommand; they share ``TargetOptions`` (which stack) and ``OutputOptions`` (how to print).
/// Everything stays on loopback, every loop is bounded, and a stack started with `--start` is stopped at the end.
struct ProvisioLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provisio-load",
        abstract: "Load scenarios against a Provisio stack; prints req/s and p50/p99 latencies.",
        subcommands: [ScaleScenario.self, MembershipScenario.self, ReadAPIScenario.self, FloorServer.self]
    )
}

struct TargetOptions: ParsableArguments {
    @Option(help: "demo.json of a running stack (reads scimBaseURL and token).")
    var demo: String?

    @Flag(help: "Start a stack: runs `provisio up` from the folder of this executable, stops it with SIGTERM at the end.")
    var start = false

    @Option(help: "Data folder of the stack started with --start (created when missing).")
    var dataDir: String?

    @Option(help: "With --start: PostgreSQL URL for all four services (`provisio up --postgres`); SQLite files in --data-dir otherwise.")
    var postgres: String?

    @Option(help: "Connections the client may open to the gateway.")
    var connections = 32

    func validate() throws {
        if start == (demo != nil) { throw ValidationError("Give either --demo PATH or --start --data-dir DIR.") }
        if start && dataDir == nil { throw ValidationError("--start needs --data-dir DIR.") }
        if postgres != nil && !start { throw ValidationError("--postgres only applies to a stack started with --start.") }
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(help: "Also print the results as Markdown tables (for BENCHMARKS.md).")
    var markdown = false
}
