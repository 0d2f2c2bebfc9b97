import NIOCore
import NIOPosix

/// The thread one SQLite connection runs on, as a Swift Concurrency task executor.
///
/// SQLite calls block, so they cannot run on the event loops that serve HTTP. Handing each statement to a thread
/// pool cost two thread switches per statement: a user created took four statements, so eight switches, all of
/// them while holding the single writer. Instead each connection is pinned to a thread of its own, and a read body
/// or a batch of write bodies runs there as a whole (`withTaskExecutorPreference`): every statement in it runs
/// inline, and the switches are one into the thread and one back per body or batch.
final class SQLiteConnectionThread: TaskExecutor {
    /// SQLite's threads, apart from the event loops that serve HTTP so that a long query never stalls a
    /// connection: one for the writer and one for each of the four readers a service opens by default. Connections
    /// are spread over them in turn (in tests, many storages share them). The group lives as long as the process.
    private static let threads = MultiThreadedEventLoopGroup(numberOfThreads: 5)

    let eventLoop: any EventLoop

    init() {
        eventLoop = Self.threads.next()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Runs `statement` on this thread: at once when called from it, otherwise by handing it over.
    func run<T: Sendable>(_ statement: @escaping @Sendable () throws -> T) async throws -> T {
        if eventLoop.inEventLoop { return try statement() }
        return try await eventLoop.submit(statement).get()
    }
}
