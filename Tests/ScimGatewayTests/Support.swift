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

@testable import ScimGateway

enum Fixture {
    static let adminKey = "gateway-test-admin-key"
    /// With a trailing slash, which the gateway configuration trims.
    static let publicURL = "https://scim.example.test/"
    static let invalidToken = ScimError.unauthorized("The bearer token is not valid.")  // what TokenController.verify answers
}

/// The gateway's router on in-memory fakes of its three peers, in an `Application` driven by `app.test(.router)`.
struct Gateway {
    let tokens = FakeTokenClient()
    let directory = FakeDirectoryClient()
    let mapping = FakeMappingClient()
    /// The identity mapper's cache: rules stay in it for the whole test unless the gateway forgets them, so that a
    /// test sees each invalidation (and none is hidden by an entry that expired on a slow machine).
    let mappers = MapperCache(ttl: .seconds(3_600))
    /// The failed-authentication limiter's time: it stands still unless a test advances it.
    let limiterClock = ManualInstantClock()
    var authFailureLimit = 20
    var authFailureWindow: Duration = .seconds(60)

    func run(tokenCacheTTL: Duration = .seconds(30), _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let peers = GatewayPeers(
            tokens: tokens, directory: directory, mapping: mapping, identityMapper: IdentityMapper(mapping: mapping, mappers: mappers),
            readiness: [ReadinessCheck(name: "token") { _ in true }, ReadinessCheck(name: "directory") { _ in true }])
        var configuration = GatewayConfiguration(adminKey: Fixture.adminKey, publicURL: Fixture.publicURL, tokenCacheTTL: tokenCacheTTL)
        configuration.authFailureLimit = authFailureLimit
        configuration.authFailureWindow = authFailureWindow
        let router = buildRouter(peers: peers, gateway: configuration, authFailureClock: { [limiterClock] in limiterClock.now() })
        let app = Application(router: router, logger: .discarding)
        try await app.test(.router) { client in try await test(client) }
    }

    /// A tenant with one identity provider and a token for it, set up directly in the fakes.
    func seed(tenant: String, idp: String, providerType: ProviderType = .okta) -> String {
        directory.seed(tenant: tenant, idp: idp, providerType: providerType)
        return tokens.issue(tenantID: tenant, idpID: idp)
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
                id: verification.tokenID, prefix: String(token.split(separator: "_")[1]), tenantID: tenantID, idpID: idpID,
                createdAt: Date(timeIntervalSince1970: 1_893_456_000), expiresAt: nil, lastUsedAt: nil, revokedAt: nil))
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

/// The directory service: tenants, identity providers and users in memory, with its 404s.
final class FakeDirectoryClient: DirectoryClient {
    struct State {
        var tenants: [String: Tenant] = [:]
        var idps: [String: IdentityProvider] = [:]  // "tenant/idp"
        var users: [String: StoredResource] = [:]  // "tenant/idp/id"
        var userWrites: [UserWriteRequest] = []
        var identities: [String: [String: JSONValue]] = [:]  // "tenant/idp/id": what the gateway stored with the user
    }

    let state = Mutex(State())
    private static let epoch = Date(timeIntervalSince1970: 1_893_456_000)

    var userWrites: [UserWriteRequest] { state.withLock { $0.userWrites } }
    var tenantIDs: [String] { state.withLock { $0.tenants.keys.sorted() } }

    func seed(tenant: String, idp: String, providerType: ProviderType) {
        state.withLock { state in
            state.tenants[tenant] = Tenant(id: tenant, name: tenant, createdAt: Self.epoch, updatedAt: Self.epoch)
            state.idps["\(tenant)/\(idp)"] = IdentityProvider(
                tenantID: tenant, id: idp, name: idp, description: "", providerType: providerType, createdAt: Self.epoch, updatedAt: Self.epoch)
        }
    }

    func createTenant(_ request: TenantCreateRequest, logger: Logger) async throws -> Tenant {
        let tenant = Tenant(id: request.id ?? Slug.derive(from: request.name), name: request.name, createdAt: Self.epoch, updatedAt: Self.epoch)
        try state.withLock { state in
            guard state.tenants[tenant.id] == nil else { throw ScimError.uniqueness("A tenant with id '\(tenant.id)' already exists.") }
            state.tenants[tenant.id] = tenant
        }
        return tenant
    }

    func listTenants(logger: Logger) async throws -> [Tenant] {
        state.withLock { $0.tenants.values.sorted { $0.id < $1.id } }
    }

    func tenant(_ id: String, logger: Logger) async throws -> Tenant {
        guard let tenant = state.withLock({ $0.tenants[id] }) else { throw ScimError.notFound("Tenant '\(id)' not found.") }
        return tenant
    }

    func updateTenant(_ id: String, _ request: TenantUpdateRequest, logger: Logger) async throws -> Tenant {
        try state.withLock { state in
            guard var tenant = state.tenants[id] else { throw ScimError.notFound("Tenant '\(id)' not found.") }
            if let name = request.name { tenant.name = name }
            state.tenants[id] = tenant
            return tenant
        }
    }

    func deleteTenant(_ id: String, logger: Logger) async throws {
        try state.withLock { state in
            guard state.tenants.removeValue(forKey: id) != nil else { throw ScimError.notFound("Tenant '\(id)' not found.") }
            state.idps = state.idps.filter { $0.value.tenantID != id }
        }
    }

    func createIdentityProvider(tenantID: String, _ request: IdentityProviderCreateRequest, logger: Logger) async throws -> IdentityProvider {
        try state.withLock { state in
            guard state.tenants[tenantID] != nil else { throw ScimError.notFound("Tenant '\(tenantID)' not found.") }
            let id = request.id ?? Slug.derive(from: request.name)
            guard state.idps["\(tenantID)/\(id)"] == nil else { throw ScimError.uniqueness("An identity provider with id '\(id)' already exists.") }
            let idp = IdentityProvider(
                tenantID: tenantID, id: id, name: request.name, description: request.description ?? "",
                providerType: request.providerType ?? .generic, createdAt: Self.epoch, updatedAt: Self.epoch)
            state.idps["\(tenantID)/\(id)"] = idp
            return idp
        }
    }

    func listIdentityProviders(tenantID: String, logger: Logger) async throws -> [IdentityProvider] {
        state.withLock { $0.idps.values.filter { $0.tenantID == tenantID }.sorted { $0.id < $1.id } }
    }

    func identityProvider(tenantID: String, idpID: String, logger: Logger) async throws -> IdentityProvider {
        guard let idp = state.withLock({ $0.idps["\(tenantID)/\(idpID)"] }) else {
            throw ScimError.notFound("Identity provider '\(idpID)' not found in tenant '\(tenantID)'.")
        }
        return idp
    }

    func updateIdentityProvider(
        tenantID: String, idpID: String, _ request: IdentityProviderUpdateRequest, logger: Logger
    ) async throws -> IdentityProvider {
        try state.withLock { state in
            guard var idp = state.idps["\(tenantID)/\(idpID)"] else { throw ScimError.notFound("Identity provider '\(idpID)' not found.") }
            if let name = request.name { idp.name = name }
            if let description = request.description { idp.description = description }
            if let providerType = request.providerType { idp.providerType = providerType }
            state.idps["\(tenantID)/\(idpID)"] = idp
            return idp
        }
    }

    func deleteIdentityProvider(tenantID: String, idpID: String, logger: Logger) async throws {
        try state.withLock { state in
            guard state.idps.removeValue(forKey: "\(tenantID)/\(idpID)") != nil else {
                throw ScimError.notFound("Identity provider '\(idpID)' not found.")
            }
            state.users = state.users.filter { !$0.key.hasPrefix("\(tenantID)/\(idpID)/") }
        }
    }

    /// Stores the resource as the real directory does: `id`, `schemas` and `meta` (without `location`), version 1.
    func createUser(tenantID: String, idpID: String, _ request: UserWriteRequest, logger: Logger) async throws -> StoredResource {
        let id = UUID().uuidString.lowercased()
        var members = request.resource.objectValue ?? [:]
        members["id"] = .string(id)
        members["password"] = nil
        members["meta"] = ["resourceType": "User", "created": "2030-01-01T00:00:00.000Z", "lastModified": "2030-01-01T00:00:00.000Z", "version": #"W/"1""#]
        let stored = StoredResource(id: id, version: 1, resource: .object(members))
        try state.withLock { state in
            guard state.idps["\(tenantID)/\(idpID)"] != nil else { throw ScimError.notFound("Identity provider '\(idpID)' not found.") }
            state.userWrites.append(request)
            state.users["\(tenantID)/\(idpID)/\(id)"] = stored
            state.identities["\(tenantID)/\(idpID)/\(id)"] = request.identity
        }
        return stored
    }

    func user(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> StoredResource {
        guard let user = state.withLock({ $0.users["\(tenantID)/\(idpID)/\(id)"] }) else { throw ScimError.notFound("User '\(id)' not found.") }
        return user
    }
}

extension FakeDirectoryClient {
    func replaceUser(tenantID: String, idpID: String, id: String, _ request: UserReplaceRequest, logger: Logger) async throws -> StoredResource {
        try state.withLock { state in
            let key = "\(tenantID)/\(idpID)/\(id)"
            guard let current = state.users[key] else { throw ScimError.notFound("User '\(id)' not found.") }
            if let ifMatch = request.ifMatch, ifMatch != current.version { throw ScimError.invalidVersion("Version mismatch.") }
            var members = request.resource.objectValue ?? [:]
            members["id"] = .string(id)
            members["meta"] = ["resourceType": "User", "version": .string(ETag.weak(current.version + 1))]
            let replaced = StoredResource(id: id, version: current.version + 1, resource: .object(members))
            state.users[key] = replaced
            return replaced
        }
    }

    func deleteUser(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws {
        try state.withLock { state in
            guard state.users.removeValue(forKey: "\(tenantID)/\(idpID)/\(id)") != nil else { throw ScimError.notFound("User '\(id)' not found.") }
        }
    }

    func searchUsers(tenantID: String, idpID: String, _ search: DirectorySearch, logger: Logger) async throws -> DirectoryPage {
        let users = state.withLock { state in
            state.users.filter { $0.key.hasPrefix("\(tenantID)/\(idpID)/") }.values.sorted { $0.id < $1.id }
        }
        return DirectoryPage(totalResults: users.count, startIndex: 1, resources: Array(users.prefix(search.count)), nextCursor: nil)
    }

    // Groups are not exercised by these tests; the fake refuses them loudly.
    private static let noGroups = ScimError(status: 501, detail: "FakeDirectoryClient does not fake groups.")

    func createGroup(tenantID: String, idpID: String, _ request: GroupWriteRequest, logger: Logger) async throws -> StoredResource {
        throw Self.noGroups
    }
    func group(tenantID: String, idpID: String, id: String, includeMembers: Bool, logger: Logger) async throws -> StoredResource {
        throw Self.noGroups
    }
    func replaceGroup(tenantID: String, idpID: String, id: String, _ request: GroupWriteRequest, logger: Logger) async throws -> StoredResource {
        throw Self.noGroups
    }
    func patchGroup(tenantID: String, idpID: String, id: String, _ request: GroupPatchRequest, logger: Logger) async throws -> StoredResource {
        throw Self.noGroups
    }
    func deleteGroup(tenantID: String, idpID: String, id: String, ifMatch: Int?, logger: Logger) async throws {
        throw Self.noGroups
    }
    func searchGroups(tenantID: String, idpID: String, _ search: DirectorySearch, logger: Logger) async throws -> DirectoryPage {
        throw Self.noGroups
    }

    /// One entry per tenant the fake knows, so the admin route has something to relay.
    func activity(tenantID: String, idpID: String?, limit: Int, logger: Logger) async throws -> [ActivityEntry] {
        try state.withLock { state in
            guard state.tenants[tenantID] != nil else { throw ScimError.notFound("Tenant '\(tenantID)' not found.") }
            return [ActivityEntry(occurredAt: "2026-11-22T12:00:00.000Z", idpID: idpID, actor: "admin", action: "tenant.created",
                                  resourceType: "Tenant", resourceID: tenantID, detail: nil)]
        }
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
            mappings: [AttributeMapping(attribute: "Username", scimPath: "userName"), AttributeMapping(attribute: "Status", scimPath: "active")])
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
        _ method: HTTPRequest.Method, _ uri: String, bearer: String? = nil, json: JSONValue? = nil, rawBody: String? = nil,
        contentType: String = "application/scim+json", headers extra: HTTPFields = [:]
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
