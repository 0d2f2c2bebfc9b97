import Metrics

/// A storage's metrics, with their handles made once per storage:
/// - `provisio_db_operation_duration_seconds{engine, kind}`: a read, a lookup or a write transaction from the call to
///   its end, waits included;
/// - `provisio_db_statement_duration_seconds{engine, statement}`: one statement, by its kind (``StatementKind``),
///   never its text;
/// - `provisio_db_pool_wait_seconds{engine}`: how long a query waited for a connection (PostgreSQL's pool) or a write
///   for the writer (SQLite's group commit queue);
/// - `provisio_db_sqlite_group_commit_batch_size`: the writes one SQLite transaction committed together.
struct DatabaseMetrics: Sendable {
    let read: Timer
    let lookup: Timer
    let write: Timer
    let poolWait: Timer
    private let statements: [Timer]

    init(engine: SQLEngine) {
        let engineLabel = ("engine", engine.rawValue)
        func operation(_ kind: String) -> Timer {
            Timer(label: "provisio_db_operation_duration_seconds", dimensions: [engineLabel, ("kind", kind)])
        }
        read = operation("read")
        lookup = operation("lookup")
        write = operation("write")
        poolWait = Timer(label: "provisio_db_pool_wait_seconds", dimensions: [engineLabel])
        statements = StatementKind.allCases.map { kind in
            Timer(label: "provisio_db_statement_duration_seconds", dimensions: [engineLabel, ("statement", kind.rawValue)])
        }
    }

    func statement(_ kind: StatementKind) -> Timer { statements[kind.index] }

    /// Runs `body` and records its time in `timer`, whether it succeeds or throws.
    func measure<T>(_ timer: Timer, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer { timer.record(duration: ContinuousClock.now - start) }
        return try await body()
    }

    /// SQLite's group commit batch sizes (one handle for the process).
    static let groupCommitBatchSize = Recorder(label: "provisio_db_sqlite_group_commit_batch_size", aggregate: true)
}

/// What a statement does, from its first keyword: the label of its latency, which never carries its text.
enum StatementKind: String, CaseIterable, Sendable {
    case select, insert, update, delete, transaction, other

    var index: Int {
        switch self {
        case .select: 0
        case .insert: 1
        case .update: 2
        case .delete: 3
        case .transaction: 4
        case .other: 5
        }
    }

    /// Reads at most the first 16 bytes of `sql`.
    init(sql: String) {
        var word: [UInt8] = []
        for byte in sql.utf8.prefix(16) {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "(") {
                if word.isEmpty { continue }
                break
            }
            word.append(byte | 0x20)  // ASCII lower case
        }
        switch String(decoding: word, as: UTF8.self) {
        case "select": self = .select
        case "insert": self = .insert
        case "update": self = .update
        case "delete": self = .delete
        case "begin", "commit", "rollback", "savepoint", "release": self = .transaction
        default: self = .other
        }
    }
}
