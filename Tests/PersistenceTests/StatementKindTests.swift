import Testing

@testable import Persistence

/// The statement label of the database metrics: the first keyword of a statement, read from its first 16 bytes
/// whatever its length, never its text.
@Suite("Statement kinds of the database metrics")
struct StatementKindTests {
    @Test(
        arguments: [
            ("SELECT 1", StatementKind.select), ("  select x FROM t", .select), ("(SELECT 1)", .select), ("insert into t", .insert),
            ("UPDATE t SET x = 1", .update), ("DELETE FROM t", .delete), ("BEGIN IMMEDIATE", .transaction), ("COMMIT", .transaction),
            ("SAVEPOINT provisio_write", .transaction), ("RELEASE provisio_write", .transaction), ("PRAGMA foreign_keys=ON", .other),
            ("", .other), ("WITH x AS (SELECT 1) DELETE FROM t", .other),
        ]
    )
    func kindIsTheFirstKeyword(sql: String, kind: StatementKind) {
        #expect(StatementKind(sql: sql) == kind)
    }

    @Test func aLongStatementIsReadOnlyAtItsStart() {
        #expect(StatementKind(sql: String(repeating: "x", count: 1_000_000)) == .other)
        #expect(StatementKind(sql: "SELECT " + String(repeating: "x", count: 1_000_000)) == .select)
    }
}
