// swift-tools-version:6.2
import PackageDescription

/// The four deployable services. Each is an executable under `Services/<Name>`; they share only `Shared/`.
let services = ["TokenService", "ScimGateway", "DirectoryService", "MappingService"]

let package = Package(
    name: "provisio",
    platforms: [.macOS(.v15)],  // swift-configuration needs macOS 15; Linux is the deployment target
    products: services.map { .executable(name: $0, targets: [$0]) } + [
        .executable(name: "provisio", targets: ["ProvisioCLI"]),
        .executable(name: "provisio-load", targets: ["ProvisioLoad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "CommandLineArguments"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        // NIOHTTPTypes(HTTP1): the HTTP parts channel handlers see under Hummingbird (MalformedRequestHandler).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        // Metrics: swift-metrics is the API every part records through; swift-prometheus renders it at /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The admin console's server-rendered pages (README "Admin console").
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Shared/: the domain. ScimCore and InternalAPI import Foundation only.
        .target(name: "ScimCore", path: "Shared/ScimCore"),
        .target(name: "ScimFilter", dependencies: ["ScimCore"], path: "Shared/ScimFilter"),
        .target(name: "ScimPatch", dependencies: ["ScimCore", "ScimFilter"], path: "Shared/ScimPatch"),
        .target(name: "InternalAPI", dependencies: ["ScimCore"], path: "Shared/InternalAPI"),
        // The provisioning log's pure parts: redaction of bodies and the classification of SCIM requests.
        .target(name: "ProvisioningLog", dependencies: ["ScimCore", "InternalAPI"], path: "Shared/ProvisioningLog"),
        // Mapping users onto identity attributes: the mapping service owns the rules, the gateway applies them.
        .target(name: "IdentityMapping", dependencies: ["ScimCore", "ScimFilter", "ScimPatch", "InternalAPI"], path: "Shared/IdentityMapping"),
        .target(
            name: "ServiceClients",
            dependencies: ["ScimCore", "InternalAPI", "IdentityMapping", .logging, .metrics, .nioCore, .nioPosix, .nioHTTP1, .nioFoundation],
            path: "Shared/ServiceClients"
        ),
        .target(
            name: "Persistence",
            dependencies: [.sqlKit, .sqliteKit, .sqliteNIO, .postgresKit, .logging, .metrics, .lifecycle, .nioCore, .nioPosix],
            path: "Shared/Persistence"
        ),
        // Webhooks' pure parts: Standard Webhooks signing, secrets, the address policy, the retry schedule.
        .target(name: "Webhooks", dependencies: [.crypto], path: "Shared/Webhooks"),
        .target(
            name: "ServiceKit",
            dependencies: [
                "ScimCore", "InternalAPI", "ServiceClients", .hummingbird, .configuration, .lifecycle, .logging, .nioCore, .nioPosix, .nioHTTP1,
                .nioHTTPTypes, .nioHTTPTypesHTTP1, .crypto, .metrics, .prometheus,
            ],
            path: "Shared/ServiceKit"
        ),
        // Services/
        .service("TokenService", ["ServiceKit", "Persistence", "InternalAPI", "ServiceClients", .crypto, .jwtKit, .nioHTTP1, .lifecycle]),
        .service(
            "ScimGateway",
            [
                "ServiceKit", "ScimCore", "ScimFilter", "ScimPatch", "InternalAPI", "IdentityMapping", "ServiceClients", "ProvisioningLog",
                .crypto, .lifecycle, .nioCore, .nioHTTP1, .mustache,
            ],
            // The API documents it serves (README "API contract (OpenAPI)") and the admin console's templates and assets.
            resources: [.copy("OpenAPI"), .copy("Console/Templates"), .copy("Console/Assets")]
        ),
        .service(
            "DirectoryService",
            [
                "ServiceKit", "Persistence", "ScimCore", "ScimFilter", "ScimPatch", "InternalAPI", "Webhooks", .ahc, .configuration, .lifecycle,
                .nioCore, .nioPosix, .metrics,
            ]
        ),
        .service(
            "MappingService",
            [
                "ServiceKit", "Persistence", "ScimCore", "ScimFilter", "ScimPatch", "InternalAPI", "IdentityMapping", "ServiceClients", .nioHTTP1,
                .lifecycle,
            ]
        ),
        .executableTarget(
            name: "ProvisioCLI",
            dependencies: [
                "InternalAPI", "ServiceClients", "ServiceKit", "Persistence", .argumentParser, .ahc, .logging, .nioCore, .nioHTTP1, .nioFoundation,
            ]
                // `swift run provisio up` builds the four services it starts.
                + services.map { .target(name: $0) },
            path: "Services/ProvisioCLI"
        ),
        // Tests/
        // The load tool (BENCHMARKS.md): talks to a running stack, or starts the `provisio` built next to it.
        .executableTarget(
            name: "ProvisioLoad",
            dependencies: ["ServiceKit", .argumentParser, .ahc, .hummingbird, .logging, .nioCore, .nioPosix, .nioHTTP1, .nioFoundation],
            path: "Tests/Load",
            exclude: ["run.sh", "wrk"]
        ),
        // What the services' in-process router tests share (a regular target: test targets cannot depend on test targets).
        .target(
            name: "ServiceTestSupport",
            dependencies: ["ServiceKit", "InternalAPI", "ScimCore", .hbTesting, .logging, .nioCore],
            path: "Tests/ServiceTestSupport"
        ),
        .target(name: "ScimExamples", dependencies: ["ScimCore"], path: "Tests/ScimExamples"),  // RFC example resources for tests
        .testTarget(name: "ScimCoreTests", dependencies: ["ScimCore", "ScimExamples"], path: "Tests/ScimCoreTests"),
        .testTarget(name: "ScimFilterTests", dependencies: ["ScimFilter", "ScimCore", "ScimExamples"], path: "Tests/ScimFilterTests"),
        .testTarget(
            name: "ScimPatchTests",
            dependencies: ["ScimPatch", "ScimCore", "ScimFilter"],
            path: "Tests/ScimPatchTests",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "WebhooksTests", dependencies: ["Webhooks"], path: "Tests/WebhooksTests"),
        .testTarget(name: "ProvisioningLogTests", dependencies: ["ProvisioningLog", "InternalAPI", "ScimCore"], path: "Tests/ProvisioningLogTests"),
        .testTarget(
            name: "ServiceClientsTests",
            dependencies: ["ServiceClients", "ScimCore", .logging, .nioCore, .nioPosix, .nioHTTP1],
            path: "Tests/ServiceClientsTests"
        ),
        .testTarget(
            name: "PersistenceTests",
            dependencies: ["Persistence", .sqlKit, .sqliteNIO, .postgresKit, .logging, .nioCore],
            path: "Tests/PersistenceTests"
        ),
        .testTarget(
            name: "EndToEndTests",
            // Depending on the CLI makes `swift build --build-tests` build `provisio` and the four services it starts.
            dependencies: ["ProvisioCLI", "ServiceKit", .ahc, .nioCore, .nioHTTP1, .nioFoundation],
            path: "Tests/EndToEndTests"
        ),
    ] + services.map { .serviceTests($0, also: ["ScimGateway": ["DirectoryService"], "DirectoryService": ["Webhooks", "Persistence"]][$0] ?? []) }
)

extension Target {
    /// `resources`: files the service serves as they are (the gateway's OpenAPI documents).
    static func service(_ name: String, _ deps: [Dependency], resources: [Resource]? = nil) -> Target {
        .executableTarget(name: name, dependencies: deps, path: "Services/\(name)", resources: resources)
    }
    /// `also`: other services the tests run in process (the gateway's tests run against the real directory).
    static func serviceTests(_ name: String, also: [String] = []) -> Target {
        .testTarget(
            name: "\(name)Tests",
            dependencies: [
                .target(name: name), "ServiceTestSupport", "ServiceKit", "InternalAPI", "ScimCore", "ScimExamples", "ServiceClients", .hummingbird,
                .hbTesting,
                .logging,
                .nioCore,
            ] + also.map { .target(name: $0) },
            path: "Tests/\(name)Tests"
        )
    }
}

extension Target.Dependency {  // short names for product dependencies
    static var hummingbird: Self { .product(name: "Hummingbird", package: "hummingbird") }
    static var hbTesting: Self { .product(name: "HummingbirdTesting", package: "hummingbird") }
    static var configuration: Self { .product(name: "Configuration", package: "swift-configuration") }
    static var lifecycle: Self { .product(name: "ServiceLifecycle", package: "swift-service-lifecycle") }
    static var logging: Self { .product(name: "Logging", package: "swift-log") }
    static var ahc: Self { .product(name: "AsyncHTTPClient", package: "async-http-client") }
    static var nioCore: Self { .product(name: "NIOCore", package: "swift-nio") }
    static var nioPosix: Self { .product(name: "NIOPosix", package: "swift-nio") }
    static var nioHTTP1: Self { .product(name: "NIOHTTP1", package: "swift-nio") }
    static var nioFoundation: Self { .product(name: "NIOFoundationCompat", package: "swift-nio") }
    static var nioHTTPTypes: Self { .product(name: "NIOHTTPTypes", package: "swift-nio-extras") }
    static var nioHTTPTypesHTTP1: Self { .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras") }
    static var crypto: Self { .product(name: "Crypto", package: "swift-crypto") }
    static var argumentParser: Self { .product(name: "ArgumentParser", package: "swift-argument-parser") }
    static var sqlKit: Self { .product(name: "SQLKit", package: "sql-kit") }
    static var sqliteKit: Self { .product(name: "SQLiteKit", package: "sqlite-kit") }
    static var sqliteNIO: Self { .product(name: "SQLiteNIO", package: "sqlite-nio") }
    static var postgresKit: Self { .product(name: "PostgresKit", package: "postgres-kit") }
    static var jwtKit: Self { .product(name: "JWTKit", package: "jwt-kit") }
    static var metrics: Self { .product(name: "Metrics", package: "swift-metrics") }
    static var prometheus: Self { .product(name: "Prometheus", package: "swift-prometheus") }
    static var mustache: Self { .product(name: "Mustache", package: "swift-mustache") }
}

// Domain hot-path benchmarks (BENCHMARKS.md), only when ENABLE_BENCHMARKS is set, as in hummingbird's manifest: CI's
// plain `swift build --build-tests` never resolves or compiles them. benchmark 1.38 needs tools 6.1+; the
// "MallocInterposer" trait alone (no "RuntimeInterposer") keeps its Linux-only runtime-interposer package out.
// The target sits in a folder named Benchmarks, which is how the plugin finds it.
if Context.environment["ENABLE_BENCHMARKS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "ScimBenchmarks",
            dependencies: ["ScimCore", "ScimFilter", "ScimPatch", .product(name: "Benchmark", package: "benchmark")],
            path: "Tests/Benchmarks/ScimBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}

for target in package.targets {  // the same strictness everywhere
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
