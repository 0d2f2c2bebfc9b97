import Configuration
import Foundation
import Logging

/// The settings every Provisio service reads at start, from command-line flags and environment variables.
///
/// Keys (flag / environment variable):
/// - `http.host` (`--http-host` / `HTTP_HOST`, default `127.0.0.1`): bind address.
/// - `http.port` (`--http-port` / `HTTP_PORT`, default per service): bind port.
/// - `internal.key` (`--internal-key` / `INTERNAL_KEY`, required, secret): the shared credential of internal calls.
/// - `data.dir` (`--data-dir` / `DATA_DIR`, default `./.provisio`): where SQLite files live.
/// - `database.url` (`--database-url` / `DATABASE_URL`, optional): overrides the SQLite file (`sqlite:///path`, `postgres://…`).
/// - `token.url`, `directory.url`, `mapping.url` (`TOKEN_URL`, `DIRECTORY_URL`, `MAPPING_URL`): peer base URLs, plain
///   `http://host[:port]` on the internal network (a service refuses to start with any other).
/// - `log.level` (`--log-level` / `LOG_LEVEL`, default `info`).
/// - `sqlite.synchronous` (`--sqlite-synchronous` / `SQLITE_SYNCHRONOUS`, default `NORMAL`): `NORMAL` or `FULL`, what a
///   SQLite commit waits for (README, *Durability*).
/// - `shutdown.timeout` (`--shutdown-timeout` / `SHUTDOWN_TIMEOUT`, seconds, default 20): how long a graceful shutdown
///   (SIGTERM) may take before what is still running is cancelled. Kubernetes kills a pod `terminationGracePeriodSeconds`
///   (30) after it starts stopping it, preStop hook (5 s) included: 5 + 20 leaves the service time to close its store
///   before that.
/// - `metrics.tenant.label` (`METRICS_TENANT_LABEL`, default `false`): `true` adds the route's tenant as a label of the
///   HTTP request metrics (one series per tenant: mind the cardinality).
package struct ServiceConfiguration: Sendable {
    package var serviceName: String
    package var host: String
    package var port: Int
    package var internalKey: String
    package var dataDirectory: String
    package var databaseURL: String?
    package var tokenServiceURL: String
    package var directoryServiceURL: String
    package var mappingServiceURL: String
    package var logLevel: Logger.Level
    /// `NORMAL` or `FULL` (upper case).
    package var sqliteSynchronous: String
    /// How long a graceful shutdown may take before the services still running are cancelled.
    package var shutdownTimeout: Duration
    /// Whether the HTTP request metrics carry a `tenant` label.
    package var metricsTenantLabel = false

    /// The default of `shutdown.timeout`, in seconds.
    package static let defaultShutdownTimeout = 20

    /// The values `sqlite.synchronous` accepts.
    package static let sqliteSynchronousSettings = ["NORMAL", "FULL"]

    /// Default ports on loopback: the gateway 8080, then token, directory and mapping.
    package enum DefaultPort {
        package static let gateway = 8080
        package static let token = 8081
        package static let directory = 8082
        package static let mapping = 8083
    }

    package struct Invalid: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    package init(
        serviceName: String,
        host: String = "127.0.0.1",
        port: Int,
        internalKey: String,
        dataDirectory: String = ".provisio",
        databaseURL: String? = nil,
        tokenServiceURL: String = "http://127.0.0.1:\(DefaultPort.token)",
        directoryServiceURL: String = "http://127.0.0.1:\(DefaultPort.directory)",
        mappingServiceURL: String = "http://127.0.0.1:\(DefaultPort.mapping)",
        logLevel: Logger.Level = .info,
        sqliteSynchronous: String = "NORMAL",
        shutdownTimeout: Duration = .seconds(defaultShutdownTimeout)
    ) {
        self.serviceName = serviceName
        self.host = host
        self.port = port
        self.internalKey = internalKey
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.tokenServiceURL = tokenServiceURL
        self.directoryServiceURL = directoryServiceURL
        self.mappingServiceURL = mappingServiceURL
        self.logLevel = logLevel
        self.sqliteSynchronous = sqliteSynchronous
        self.shutdownTimeout = shutdownTimeout
    }

    /// Reads and validates the configuration; a missing or malformed value stops the service at start.
    package init(reader: ConfigReader, serviceName: String, defaultPort: Int) throws {
        guard let internalKey = reader.string(forKey: "internal.key", isSecret: true), internalKey.utf8.count >= 16 else {
            throw Invalid(description: "INTERNAL_KEY (or --internal-key) must be set to a secret of at least 16 characters.")
        }
        let port = reader.int(forKey: "http.port", default: defaultPort)
        guard (0...65535).contains(port) else { throw Invalid(description: "http.port \(port) is out of range.") }
        let levelText = reader.string(forKey: "log.level", default: "info")
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw Invalid(description: "log.level '\(levelText)' is not one of trace, debug, info, notice, warning, error, critical.")
        }
        let synchronous = reader.string(forKey: "sqlite.synchronous", default: "NORMAL").uppercased()
        guard Self.sqliteSynchronousSettings.contains(synchronous) else {
            throw Invalid(description: "sqlite.synchronous '\(synchronous)' is not NORMAL or FULL.")
        }
        let shutdownTimeout = reader.int(forKey: "shutdown.timeout", default: Self.defaultShutdownTimeout)
        guard (1...3600).contains(shutdownTimeout) else {
            throw Invalid(description: "shutdown.timeout \(shutdownTimeout) is not a number of seconds from 1 to 3600.")
        }
        let tenantLabel = reader.string(forKey: "metrics.tenant.label", default: "false").lowercased()
        guard ["true", "false"].contains(tenantLabel) else {
            throw Invalid(description: "metrics.tenant.label '\(tenantLabel)' is not true or false.")
        }
        self.init(
            serviceName: serviceName,
            host: reader.string(forKey: "http.host", default: "127.0.0.1"),
            port: port,
            internalKey: internalKey,
            dataDirectory: reader.string(forKey: "data.dir", default: ".provisio"),
            databaseURL: reader.string(forKey: "database.url", isSecret: true),
            tokenServiceURL: reader.string(forKey: "token.url", default: "http://127.0.0.1:\(DefaultPort.token)"),
            directoryServiceURL: reader.string(forKey: "directory.url", default: "http://127.0.0.1:\(DefaultPort.directory)"),
            mappingServiceURL: reader.string(forKey: "mapping.url", default: "http://127.0.0.1:\(DefaultPort.mapping)"),
            logLevel: level,
            sqliteSynchronous: synchronous,
            shutdownTimeout: .seconds(shutdownTimeout)
        )
        self.metricsTenantLabel = tenantLabel == "true"
    }
}

extension ConfigReader {
    /// Flags first, then environment variables: `--http-port 9000` beats `HTTP_PORT=9000`.
    package static func standard() -> ConfigReader {
        ConfigReader(providers: [
            CommandLineArgumentsProvider(secretsSpecifier: .specific(["--internal-key", "--admin-key", "--database-url"])),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["INTERNAL_KEY", "ADMIN_KEY", "DATABASE_URL"])),
        ])
    }
}
