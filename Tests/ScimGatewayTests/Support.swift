import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IdentityMapping
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit
import ServiceTestSupport
import Synchronization
import Testing

@testable import DirectoryService
@testable import ScimGateway

enum Fixture {
    static let adminKey = "gateway-test-admin-key"
    /// With a trailing slash, which the gateway configuration trims.
    static let publicURL = "https://scim.example.test/"
    static let invalidToken = ScimError.unauthorized("The bearer token is not valid.")  // what TokenController.verify answers
}

/// The gateway as production composes it (``buildApplication(configuration:gateway:peers:services:authFailureClock:logger:)``,
/// the whole middleware stack) on fakes of the token and mapping services and on the real directory service: the
/// directory's own application, on an in-memory SQLite, serving on an ephemeral port that the gateway reaches
/// through its production `HTTPDirectoryClient`. What the two services say to each other is what these tests
/// exercise, not a re-implementation of the directory.
struct Gateway {
    let tokens = FakeTokenClient()
    let directory = RunningDirectory()
    let mapping = FakeMappingClient()
    /// The identity mapper's cache: rules stay in it for the whole test unless the gateway forgets them, so that a
    /// test sees each invalidation (and none is hidden by an entry that expired on a slow machine).
    let mappers = MapperCache(ttl: .seconds(3_600))
    /// The failed-authentication limiter's time: it stands still unless a test advances it.
    let limiterClock = ManualInstantClock()
    /// The provisioning log as the gateway would send it to the directory.
    let provisioning = ShippedProvisioningLog()
    var authFailureLimit = 20
    var authFailureWindow: Duration = .seconds(60)

    func run(tokenCacheTTL: Duration = .seconds(30), _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directoryApplication = try await DirectoryService.buildApplication(
            configuration: ServiceConfiguration(
                serviceName: "directory",
                port: 0,
                internalKey: ServiceTestCredentials.internalKey,
                databaseURL: "sqlite::memory:"
            ),
            logger: .discarding
        )
        try await directoryApplication.test(.live) { directoryServer in
            let port = try #require(directoryServer.port)
            let http = try InternalHTTPClient(
                baseURL: "http://localhost:\(port)",
                internalKey: ServiceTestCredentials.internalKey,
                serviceName: "directory"
            )
            directory.connect(HTTPDirectoryClient(client: http))
            let peers = GatewayPeers(
                tokens: tokens,
                directory: HTTPDirectoryClient(client: http),
                mapping: mapping,
                identityMapper: IdentityMapper(mapping: mapping, mappers: mappers),
                readiness: [ReadinessCheck(name: "token") { _ in true }, ReadinessCheck(name: "directory") { await http.isAlive(logger: $0) }]
            )
            var configuration = GatewayConfiguration(adminKey: Fixture.adminKey, publicURL: Fixture.publicURL, tokenCacheTTL: tokenCacheTTL)
            configuration.authFailureLimit = authFailureLimit
            configuration.authFailureWindow = authFailureWindow
            let app = ScimGateway.buildApplication(
                configuration: ServiceConfiguration(serviceName: "gateway", port: 0, internalKey: ServiceTestCredentials.internalKey),
                gateway: configuration,
                peers: peers,
                authFailureClock: { [limiterClock] in limiterClock.now() },
                provisioningLog: provisioning.shipper,
                logger: .discarding
            )
            do {
                try await app.test(.router) { client in try await test(client) }
            } catch {
                await http.shutdown()
                throw error
            }
            await http.shutdown()
        }
    }

    /// A tenant (created unless it exists) with one identity provider in the directory, and a token for it.
    func seed(tenant: String, idp: String, providerType: ProviderType = .okta) async throws -> String {
        let client = try directory.client
        if (try? await client.tenant(tenant, logger: .discarding)) == nil {
            _ = try await client.createTenant(TenantCreateRequest(id: tenant, name: tenant), logger: .discarding)
        }
        _ = try await client.createIdentityProvider(
            tenantID: tenant,
            IdentityProviderCreateRequest(id: idp, name: idp, providerType: providerType),
            logger: .discarding
        )
        return tokens.issue(tenantID: tenant, idpID: idp)
    }
}

/// The directory of a running ``Gateway``, as the gateway's client reaches it: for seeding, and for looking at what
/// the gateway stored.
final class RunningDirectory: Sendable {
    private let connected = Mutex<HTTPDirectoryClient?>(nil)

    func connect(_ client: HTTPDirectoryClient) { connected.withLock { $0 = client } }

    var client: HTTPDirectoryClient {
        get throws {
            guard let client = connected.withLock({ $0 }) else { throw ScimError.internalError("The directory runs only inside Gateway.run.") }
            return client
        }
    }

    var tenantIDs: [String] {
        get async throws { try await client.listTenants(logger: .discarding).map(\.id) }
    }

    /// How many users are stored, in every tenant and identity provider.
    var userCount: Int {
        get async throws {
            let client = try client
            var count = 0
            for tenant in try await client.listTenants(logger: .discarding) {
                for idp in try await client.listIdentityProviders(tenantID: tenant.id, logger: .discarding) {
                    count += try await client.searchUsers(tenantID: tenant.id, idpID: idp.id, SearchRequest(count: 0), logger: .discarding)
                        .totalResults
                }
            }
            return count
        }
    }

    /// The identity attributes stored with a user.
    func identity(tenant: String, idp: String, id: String) async throws -> [String: JSONValue] {
        try await client.userIdentity(tenantID: tenant, idpID: idp, id: id, logger: .discarding).identity
    }
}

/// A `ContinuousClock` instant that moves only when the test says so.
final class ManualInstantClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex(Duration.zero)

    func now() -> ContinuousClock.Instant { start.advanced(by: offset.withLock { $0 }) }

    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

// MARK: Fakes of the peer services

/// The token service: tokens it issued verify to their tenant and IdP; anything else is the service's 401.
final class FakeTokenClient: TokenClient {
    struct State {
        var tokens: [String: TokenVerification] = [:]
        var verifyCalls: [String] = []
        var revocations: [(tenantID: String, idpID: String?)] = []
        /// How long a verification takes.
        var verifyDelay: Duration = .zero
        var apiKeys = ApiKeyState()  // FakeTokenClient+ApiKeys.swift
        var consoleSessions: [String: ConsoleSession] = [:]  // FakeTokenClient+ConsoleSessions.swift
    }

    let state = Mutex(State())

    var verifyCalls: [String] { state.withLock { $0.verifyCalls } }

    func issue(tenantID: String, idpID: String) -> String {
        issueWithVerification(tenantID: tenantID, idpID: idpID).token
    }

    private func issueWithVerification(tenantID: String, idpID: String) -> (token: String, verification: TokenVerification) {
        let token = "pvs_\(UUID().uuidString.prefix(8).lowercased())ab_\(UUID().uuidString)"
        let verification = TokenVerification(tenantID: tenantID, idpID: idpID, tokenID: UUID().uuidString, expiresAt: nil)
        state.withLock { $0.tokens[token] = verification }
        return (token, verification)
    }

    func createToken(tenantID: String, idpID: String, _ request: TokenCreateRequest, logger: Logger) async throws -> IssuedToken {
        let (token, verification) = issueWithVerification(tenantID: tenantID, idpID: idpID)
        return IssuedToken(
            token: token,
            metadata: TokenMetadata(
                id: verification.tokenID,
                prefix: String(token.split(separator: "_")[1]),
                tenantID: tenantID,
                idpID: idpID,
                createdAt: Date(timeIntervalSince1970: 1_893_456_000),
                expiresAt: nil,
                lastUsedAt: nil,
                revokedAt: nil
            )
        )
    }

    func listTokens(tenantID: String, idpID: String, logger: Logger) async throws -> TokenList {
        TokenList(tokens: [], maxActive: 2, expiryWarning: nil)
    }

    func revokeAll(tenantID: String, idpID: String?, logger: Logger) async throws {
        state.withLock { state in
            state.revocations.append((tenantID, idpID))
            state.tokens = state.tokens.filter { $0.value.tenantID != tenantID || (idpID != nil && $0.value.idpID != idpID) }
        }
    }

    func verify(token: String, logger: Logger) async throws -> TokenVerification {
        let delay = state.withLock { state in
            state.verifyCalls.append(token)
            return state.verifyDelay
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        guard let found = state.withLock({ $0.tokens[token] }) else { throw Fixture.invalidToken }
        return found
    }
}

/// The mapping service: records registrations; serves rules that map `userName` to "Username" and `active` to
/// "Status" (or those a test sets), and counts the fetches of rules.
final class FakeMappingClient: MappingClient {
    struct Registration: Hashable {
        var tenantID: String
        var idpID: String
        var providerType: ProviderType
    }

    struct State {
        var registrations: [Registration] = []
        var rules = MappingRules(
            attributes: [
                IdentityAttribute(name: "Username", description: "", type: .string, multiValued: false, mandatory: true, builtIn: true),
                IdentityAttribute(name: "Status", description: "", type: .boolean, multiValued: false, mandatory: true, builtIn: true),
            ],
            mappings: [AttributeMapping(attribute: "Username", scimPath: "userName"), AttributeMapping(attribute: "Status", scimPath: "active")]
        )
        /// "tenant/idp" of each fetch of rules, in order.
        var rulesFetches: [String] = []
        var deletions: [String] = []
        var identitySchema = IdentitySchema(attributes: [
            .init(name: "Username", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "userName"),
            .init(name: "Email", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "emails.value"),
            .init(name: "First Name", description: "", type: "string", multiValued: false, mandatory: true, scimPath: "name.givenName"),
        ])
        var admin = AdminState()  // FakeMappingClient+Admin.swift
        var schemaFetches = 0
        /// How long a schema fetch takes, and the error it fails with.
        var schemaFetchDelay: Duration = .zero
        var schemaFetchFailure: ScimError?
    }

    let state = Mutex(State())

    var registrations: [Registration] { state.withLock { $0.registrations } }
    var rulesFetches: [String] { state.withLock { $0.rulesFetches } }

    func setRules(_ rules: MappingRules) { state.withLock { $0.rules = rules } }

    func mappingRules(tenantID: String, idpID: String, logger: Logger) async throws -> MappingRules {
        state.withLock { state in
            state.rulesFetches.append("\(tenantID)/\(idpID)")
            return state.rules
        }
    }

    func registerIdentityProvider(tenantID: String, idpID: String, providerType: ProviderType, logger: Logger) async throws {
        state.withLock { $0.registrations.append(Registration(tenantID: tenantID, idpID: idpID, providerType: providerType)) }
    }

    func deleteConfiguration(tenantID: String, idpID: String?, logger: Logger) async throws {
        state.withLock { $0.deletions.append(idpID.map { "\(tenantID)/\($0)" } ?? tenantID) }
    }

    /// The built-in mandatory attributes with their Generic mappings, plus whatever a test adds.
    func identitySchema(tenantID: String, idpID: String, logger: Logger) async throws -> IdentitySchema {
        let delay = state.withLock { state in
            state.schemaFetches += 1
            return state.schemaFetchDelay
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        return try state.withLock { state in
            if let failure = state.schemaFetchFailure { throw failure }
            return state.identitySchema
        }
    }

    func setIdentitySchema(_ schema: IdentitySchema) { state.withLock { $0.identitySchema = schema } }
}

// MARK: Requests

extension TestClientProtocol {
    /// A request to the gateway's public face: with `Authorization: Bearer <bearer>` when given, and a body (JSON
    /// or raw). (Not `call`, ServiceTestSupport's request to an internal API, which carries the internal key.)
    func request(
        _ method: HTTPRequest.Method,
        _ uri: String,
        bearer: String? = nil,
        json: JSONValue? = nil,
        rawBody: String? = nil,
        contentType: String = "application/scim+json",
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        return try await send(method, uri, headers: headers, json: json, rawBody: rawBody, contentType: contentType)
    }

    func admin(_ method: HTTPRequest.Method, _ uri: String, json: JSONValue? = nil) async throws -> TestResponse {
        try await request(method, "/admin/v1" + uri, bearer: Fixture.adminKey, json: json, contentType: "application/json")
    }
}

/// Waits until `condition` holds, checking every 10 ms for at most 10 s: for a test that must act while something
/// it started is under way, instead of sleeping a fixed time a busy machine may not honour.
func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<1_000 where !condition() {
        try await Task.sleep(for: .milliseconds(10))
    }
    #expect(condition(), "waited 10 s")
}

extension JSONValue {
    /// `value["key"]`, the same as ServiceTestSupport's: DirectoryService (imported `@testable`) declares this member
    /// too, and a declaration of the test module shadows both, where the two imported ones would be ambiguous.
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
