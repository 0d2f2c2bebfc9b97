import PostgresKit
import Testing

@testable import Persistence

/// The pool options that keep PostgresNIO's cancelled timers from piling up (``PostgresURL/configuration(database:)``):
/// with the library's defaults the directory's memory grew by about 1 KB per read for a minute.
struct PostgresPoolOptionsTests {
    @Test func poolClosesIdleConnectionsSoonAndRunsNoKeepAliveTimers() throws {
        let configuration = try PostgresURL("postgres://app@127.0.0.1:5432/provisio").configuration(database: "provisio")
        #expect(configuration.options.keepAliveBehavior == nil)
        #expect(configuration.options.connectionIdleTimeout == .seconds(10))
        #expect(configuration.options.minimumConnections == 0)
        #expect(configuration.options.maximumConnections == 20)
    }
}
